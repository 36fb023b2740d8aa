"""The AWS calls a Lambda handler makes, found in its code: every `<client>.<operation>(...)`.

From a function's Handler property (`validator.handler` -> handlers/validator.py) the modules it
imports from handlers/ are followed; the services are the literal names passed to `boto3.client`
(or to a local helper that calls it); a call is an AWS call when its method name is an operation of
one of those services in botocore's own service model. Nothing here is a hand-kept list of calls.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HANDLERS = Path(__file__).resolve().parent.parent / "handlers"
PACKAGE = "handlers"


@dataclass(frozen=True)
class Call:
    """One AWS call in the code: service (boto3 name), operation (API name), where, and what the
    surrounding code shows about it."""

    service: str
    operation: str
    where: str
    # The enclosing function passes a VersionId (S3 reads by version need s3:GetObjectVersion).
    by_version: bool
    # The module tells a missing key from other errors (NoSuchKey): S3 answers it only with ListBucket.
    tells_not_found: bool
    # The call passes IndexName (a DynamoDB query of an index: the index's ARN), as written if literal.
    index_name: str | None = None


def handler_module(handler: str, root: Path = HANDLERS) -> Path:
    """`validator.handler` -> <root>/validator.py (the Code folder is the handlers package)."""
    module = handler.rsplit(".", 1)[0]
    path = root / (module.replace(".", "/") + ".py")
    if not path.is_file():
        raise FileNotFoundError(f"handler {handler!r}: no module {path.name} in {root.name}/")
    return path


def reachable_modules(entry: Path, root: Path = HANDLERS) -> list[Path]:
    """`entry` and every module of `root` it imports, directly or not (sorted)."""
    seen: set[Path] = set()
    pending = [entry]
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        for node in ast.walk(_parse(path)):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == PACKAGE:
                    parts = parts[1:]
                candidate = root.joinpath(*parts).with_suffix(".py") if parts else None
                if candidate is not None and candidate.is_file():
                    pending.append(candidate)
    return sorted(seen)


@cache
def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@cache
def operations(service: str) -> dict[str, str]:
    """snake_case method -> API operation name, from botocore's model of `service`."""
    import botocore.session
    from botocore import xform_name

    model = botocore.session.get_session().get_service_model(service)
    return {xform_name(name): name for name in model.operation_names}


def _is_boto3_client(node: ast.Call) -> bool:
    func = node.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "client"
        and (isinstance(func.value, ast.Name) and func.value.id == "boto3")
    )


def _services(modules: list[Path]) -> set[str]:
    """Literal service names passed to boto3.client, or to a function that calls it, directly or
    through another such function (`clients.client("s3")`, `_client("dynamodb")`)."""
    factories: set[str] = set()

    def is_factory_call(node: ast.AST) -> bool:
        if not isinstance(node, ast.Call):
            return False
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        return _is_boto3_client(node) or name in factories

    functions = [
        node for path in modules for node in ast.walk(_parse(path)) if isinstance(node, ast.FunctionDef)
    ]
    while True:  # to a fixed point: a wrapper of a wrapper of boto3.client is a factory too
        found = {f.name for f in functions if any(is_factory_call(inner) for inner in ast.walk(f))}
        if found <= factories:
            break
        factories |= found
    services: set[str] = set()
    for path in modules:
        for node in ast.walk(_parse(path)):
            if is_factory_call(node) and isinstance(node, ast.Call) and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant):
                    services.add(str(first.value))
    return services


def _index_name(call: ast.Call, function: ast.AST, constants: dict[str, str]) -> str | None:
    """The IndexName a call passes: as a keyword, or in a dict literal of the enclosing function that
    the call unpacks (`query(**request)`); a module-level string constant is resolved, else "*"."""
    values = [keyword.value for keyword in call.keywords if keyword.arg == "IndexName"]
    unpacked = {k.value.id for k in call.keywords if k.arg is None and isinstance(k.value, ast.Name)}
    if unpacked:
        for node in ast.walk(function):
            if isinstance(node, ast.AnnAssign | ast.Assign) and isinstance(node.value, ast.Dict):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id in unpacked for t in targets):
                    values += [
                        value
                        for key, value in zip(node.value.keys, node.value.values, strict=True)
                        if isinstance(key, ast.Constant) and key.value == "IndexName"
                    ]
    if not values:
        return None
    value = values[0]
    if isinstance(value, ast.Constant):
        return str(value.value)
    if isinstance(value, ast.Name) and value.id in constants:
        return constants[value.id]
    return "*"


def _constants(modules: list[Path]) -> dict[str, str]:
    """Module-level string constants (`NAME = "text"`, `NAME: Final = "text"`) of the modules, by name."""
    found: dict[str, str] = {}
    for path in modules:
        for node in _parse(path).body:
            if (
                isinstance(node, ast.Assign | ast.AnnAssign)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                found |= {t.id: node.value.value for t in targets if isinstance(t, ast.Name)}
    return found


def _keywords(node: ast.AST) -> set[str]:
    """Keyword argument names passed in calls (`VersionId=...`)."""
    return {n.arg for n in ast.walk(node) if isinstance(n, ast.keyword) and n.arg}


def _strings(node: ast.AST) -> set[str]:
    """String literals the code uses (docstrings and other bare string statements are not code)."""
    bare = {id(n.value) for n in ast.walk(node) if isinstance(n, ast.Expr)}
    return {
        n.value
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in bare
    }


@cache
def aws_calls(handler: str, root: Path = HANDLERS) -> tuple[Call, ...]:
    """Every AWS call reachable from `handler`, in file and line order (cached: code is read once)."""
    modules = reachable_modules(handler_module(handler, root), root)
    services = sorted(_services(modules))
    constants = _constants(modules)
    calls: list[Call] = []
    for path in modules:
        tree = _parse(path)
        tells_not_found = "NoSuchKey" in _strings(tree)
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        for function in functions:
            by_version = "VersionId" in _strings(function) | _keywords(function)
            for node in ast.walk(function):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                    continue
                for service in services:
                    operation = operations(service).get(node.func.attr)
                    if operation is not None:
                        where = f"{root.name}/{path.relative_to(root).as_posix()}:{node.lineno}"
                        index = _index_name(node, function, constants)
                        calls.append(Call(service, operation, where, by_version, tells_not_found, index))
    # A nested function's calls are found from each enclosing function too: keep one of each.
    unique = {(c.where, c.service, c.operation): c for c in calls}
    return tuple(sorted(unique.values(), key=lambda c: (c.where.split(":")[0], int(c.where.split(":")[1]))))
