"""The record contract at build time: checked against the draft 2020-12 metaschema and the validator's
keyword subset, its hot path generated (codegen.py), and rendered as a human-readable rule table
(output/record-contract.md), so that a change to the rules is a visible diff in review. Build-time
only: `jsonschema` never ships in the Lambda's imports (it is imported here, and nothing the
validator imports imports this module).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from handlers.recordcontract.codegen import render_module
from handlers.recordcontract.compiler import (
    ANNOTATIONS,
    MAX_CONTRACT_NESTING,
    ContractError,
    compile_contract,
    load_contract,
    load_contract_document,
    nesting,
    one_line,
    pointer,
    shown_location,
)
from handlers.recordcontract.reasons import BUILT_IN_REASONS, REASON_KEYWORD
from handlers.values.jsontext import dumps

CONTRACT_TABLE_FILE = "record-contract.md"
GENERATED_DIR = Path(__file__).resolve().parent / "generated"
# The contract the validator ships with (handlers/core/rules.py reads it at cold start).
SHIPPED_CONTRACT = Path(__file__).resolve().parent.parent / "record_contract.json"
_REASONS = {(pointer(path), rule): reason for (path, rule), reason in BUILT_IN_REASONS.items()}
_CHILDREN = (
    "properties", "patternProperties", "additionalProperties", "items", "prefixItems", "then", "else",
    "dependentSchemas", "propertyNames", "contains", "unevaluatedProperties", "unevaluatedItems",
    "dependentRequired", "minContains", "maxContains",
)  # fmt: skip
_COMBINERS = ("allOf", "anyOf", "oneOf", "not", "if")


def contract_problems(path: Path, *, name: str) -> list[str]:
    """Every reason the contract file cannot ship, one line each naming the file: not JSON (line and
    column), not a 2020-12 schema, or a keyword the validator does not enforce (with its location).
    Empty when it is fine."""
    from jsonschema import Draft202012Validator  # build time only

    try:
        document = load_contract_document(path, name=name)
    except ContractError as error:
        return error.problems
    if nesting(document) > MAX_CONTRACT_NESTING:  # before the metaschema, whose walk would recurse too deep
        return [f"{name}: the contract nests deeper than {MAX_CONTRACT_NESTING} levels"]
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    problems = [
        f"{name}: not a valid JSON Schema 2020-12 at {shown_location(tuple(e.absolute_path))}: "
        + one_line(e.message, limit=200)
        for e in meta.iter_errors(document)
    ]
    try:
        compile_contract(document)
    except ContractError as error:
        problems += [f"{name}: {problem}" for problem in error.problems]
    return problems


def contract_reason_codes(path: Path = SHIPPED_CONTRACT) -> tuple[str, ...]:
    """The x-reason codes of a contract, sorted (a metric dimension's values: at most MAX_REASON_CODES)."""
    return tuple(sorted(load_contract(path).reasons))


def module_name(name: str) -> str:
    """The generated module of a contract named `name` (its path in the repository): the file's stem,
    after its folder when that is not handlers/ (examples/record-contract.json: examples_record_contract)."""
    parts = Path(name).with_suffix("").parts
    kept = parts[1:] if parts[:1] == ("handlers",) else parts
    return "_".join("".join(c if c.isalnum() else "_" for c in part) for part in kept).lower()


def shipping_problems(path: Path, *, name: str, directory: Path = GENERATED_DIR) -> list[str]:
    """What stops the validator's cold start with this contract, one line each: the contract's problems,
    else a generated module that is missing or not the one build.py would write now."""
    problems = contract_problems(path, name=name)
    if problems:
        return problems
    module = directory / f"{module_name(name)}.py"
    if not module.is_file() or module.read_text(encoding="utf-8") != render_generated(path, name=name):
        return [f"{name}: changed since {module.name} was generated from it (run `python build.py`)"]
    return []


def render_generated(path: Path, *, name: str) -> str:
    """The generated module's source for the contract file (call contract_problems first)."""
    contract = load_contract(path, name=name)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return render_module(contract.nodes, contract.located, contract=name, sha256=digest)


def _cell(value: Any) -> str:
    """A keyword's value as JSON text (numbers exact), safe inside a Markdown table cell."""
    return dumps(value).replace("|", "\\|")


def _code(where: str, rule: str, code: str | None) -> str:
    return code or _REASONS.get((where, rule), "contract_violation")


def _rows(schema: Any, where: str, rows: list[tuple[str, str, str, str]], code: str | None = None) -> None:
    if schema is False:
        rows.append((where or "/", "false", "(nothing allowed)", _code(where, "false", code)))
        return
    if not isinstance(schema, dict):
        return
    code = schema.get(REASON_KEYWORD, code) if isinstance(schema.get(REASON_KEYWORD), str) else code
    for keyword, value in schema.items():
        if keyword in ANNOTATIONS or keyword in _CHILDREN:
            continue
        if keyword == "required":
            for member in value:
                here = f"{where}/{_escape(member)}"
                rows.append((here, "required", "present", _code(here, "required", code)))
            continue
        shown = value if keyword not in _COMBINERS else _subschemas(value, keyword, schema)
        rows.append((where or "/", keyword, _cell(shown), _code(where, keyword, code)))
        if keyword in _COMBINERS:
            for index, sub in enumerate(value if isinstance(value, list) else [value]):
                _rows(sub, f"{where} ({keyword} #{index + 1})", rows, code)
            if keyword == "if":
                for branch in ("then", "else"):
                    if branch in schema:
                        _rows(schema[branch], f"{where} ({branch})", rows, code)
    for member, needed in schema.get("dependentRequired", {}).items():
        for other in needed:
            here = f"{where}/{_escape(other)}"
            rows.append(
                (here, "dependentRequired", _cell(f"present when {member} is"), _code(here, "", code))
            )
    for member, sub in schema.get("dependentSchemas", {}).items():
        _rows(sub, f"{where} (when {_escape(member)} is present)", rows, code)
    if "propertyNames" in schema:
        _rows(schema["propertyNames"], f"{where}/<each member name>", rows, code)
    if "contains" in schema:
        least = schema.get("minContains", 1)
        most = schema.get("maxContains")
        counted = f"at least {least}" + (f", at most {most}" if most is not None else "")
        rows.append(
            (where or "/", "contains", _cell(f"{counted} items matching below"), _code(where, "", code))
        )
        _rows(schema["contains"], f"{where}/<a contained item>", rows, code)
    for member, sub in schema.get("properties", {}).items():
        _rows(sub, f"{where}/{_escape(member)}", rows, code)
    for pattern, sub in schema.get("patternProperties", {}).items():
        _rows(sub, f"{where}/<member matching {pattern}>", rows, code)
    for keyword, other in (
        ("additionalProperties", "any other member"),
        ("unevaluatedProperties", "any unevaluated member"),
    ):
        if keyword in schema:
            if schema[keyword] is False:
                rows.append((f"{where}/<{other}>", keyword, "false", _code(where, keyword, code)))
            else:
                _rows(schema[keyword], f"{where}/<{other}>", rows, code)
    for index, sub in enumerate(schema.get("prefixItems", [])):
        _rows(sub, f"{where}/{index}", rows, code)
    if "items" in schema:
        _rows(schema["items"], f"{where}/<each item>", rows, code)
    if "unevaluatedItems" in schema:
        if schema["unevaluatedItems"] is False:
            rows.append(
                (f"{where}/<any unevaluated item>", "unevaluatedItems", "false", _code(where, "", code))
            )
        else:
            _rows(schema["unevaluatedItems"], f"{where}/<any unevaluated item>", rows, code)


def _escape(member: str) -> str:
    return member.replace("~", "~0").replace("/", "~1")


def _subschemas(value: Any, keyword: str, schema: dict[str, Any]) -> str:
    if keyword == "if":
        branches = [branch for branch in ("then", "else") if branch in schema]
        return f"condition below, then {' and '.join(branches) or 'nothing'}"
    return f"{len(value) if isinstance(value, list) else 1} schema(s) below"


def render_contract_table(path: Path, *, name: str) -> str:
    """The contract's rules as a Markdown table, one row per rule, with the file's sha256."""
    raw = path.read_bytes()
    document = load_contract_document(path, name=name)
    rows: list[tuple[str, str, str, str]] = []
    _rows(document, "", rows)
    for definition, sub in document.get("$defs", {}).items():
        _rows(sub, f"$defs/{definition}", rows)
    lines = [
        "# Record contract",
        "",
        f"Rendered by `python build.py` from `{name}` (sha256 `{hashlib.sha256(raw).hexdigest()}`).",
        "Paths are JSON Pointers into a record; `$defs/<name>` rows apply wherever a `$ref` names them.",
        "The reason code is the review's `reason` when that rule is the first broken one with a code",
        "(`x-reason` in the contract, inherited by the schemas inside; see docs/reference.md).",
        "Every record must also meet DynamoDB's own rules, which no contract relaxes (key, reserved",
        'names, values, depth, size: see docs/user-guide.md, "The record contract").',
        "",
        "| Path | Rule | Value | Reason code |",
        "|---|---|---|---|",
        *(f"| `{where}` | {rule} | {value} | {reason} |" for where, rule, value, reason in rows),
        "",
    ]
    return "\n".join(lines)
