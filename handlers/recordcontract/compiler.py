"""A JSON Schema (draft 2020-12) compiled for record contracts: every rule enforced, or refused.

`compile_contract(document)` returns a Contract, or raises ContractError listing every keyword it
does not support (with its location in the contract): a rule the validator cannot enforce is never
silently ignored. Annotations (title, description, ...) are allowed and have no effect, but
`x-reason`, a schema's own reason code (reasons.py). `load_contract(path, name=...)` reads and
compiles a file; its errors are one line each, naming the file (a JSON error: line and column).

Every assertion keyword of the 2020-12 applicator and validation vocabularies is supported; what a
stored record cannot use is refused with the reason (REFUSED): dynamic scopes, remote references,
the content vocabulary (nothing here decodes a string), and draft-7 spellings.

Over 300 lines: every keyword of draft 2020-12 is compiled or refused here, with the refusal a user reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from handlers.recordcontract.applicators import (
    AnyOf,
    Contains,
    DependentRequired,
    DependentSchemas,
    IfThenElse,
    Not,
    PropertyNames,
    Unevaluated,
    count_members,
)
from handlers.recordcontract.checks import (
    TOP,
    UNIQUE_ITEMS,
    AllOf,
    Check,
    Collector,
    Items,
    Members,
    Node,
    Ref,
    Required,
    const_check,
    count_check,
    enum_check,
    fast_test,
    format_check,
    length_check,
    numeric_check,
    pattern_check,
    type_check,
)
from handlers.recordcontract.checks import (
    Path as InstancePath,
)
from handlers.recordcontract.formats import FORMATS
from handlers.recordcontract.reasons import MAX_REASON_CODES, REASON_KEYWORD, reason_code_problem
from handlers.recordcontract.values import TYPE_NAMES
from handlers.values.jsonnumbers import parse_float
from handlers.values.sqssafe import is_sqs_safe

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# The order violations are listed in (and x-reason codes found in): the unevaluated* keywords last,
# as they depend on what the others evaluated.
ASSERTIONS = (
    "type", "enum", "const", "required", "properties", "patternProperties", "additionalProperties",
    "minProperties", "maxProperties", "dependentRequired", "propertyNames", "dependentSchemas",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength",
    "pattern", "format", "items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains",
    "$ref", "allOf", "anyOf", "oneOf", "not", "if", "unevaluatedProperties", "unevaluatedItems",
)  # fmt: skip
# Keywords that only modify another (then/else: if; minContains/maxContains: contains).
MODIFIERS = ("then", "else", "minContains", "maxContains")
ANNOTATIONS = (
    "$schema", "$id", "$defs", "$comment", "$anchor", "title", "description", "examples", "default",
    "deprecated", "readOnly", "writeOnly", REASON_KEYWORD,
)  # fmt: skip
SUPPORTED = frozenset(ASSERTIONS + MODIFIERS + ANNOTATIONS)
# Keywords a record contract refuses on purpose, with why (the line a user reads).
REFUSED = {
    "$dynamicRef": "dynamic scopes make no sense for one contract: use $ref",
    "$dynamicAnchor": "dynamic scopes make no sense for one contract: use $anchor",
    "$recursiveRef": "a draft 2019-09 keyword: use $ref",
    "$recursiveAnchor": "a draft 2019-09 keyword: use $anchor",
    "$vocabulary": "only a metaschema declares vocabularies",
    "contentEncoding": "the validator never decodes a string's content",
    "contentMediaType": "the validator never decodes a string's content",
    "contentSchema": "the validator never decodes a string's content",
    "dependencies": "a draft 7 keyword: use dependentRequired or dependentSchemas",
    "definitions": "a draft 7 keyword: use $defs",
    "additionalItems": "a draft 7 keyword: use items after prefixItems",
}
_ANCHOR = re.compile(r"[A-Za-z_][-A-Za-z0-9._]*\Z")
_NUMERIC = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_COUNTS = ("minLength", "maxLength", "minItems", "maxItems")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
# Records nest at most 32 levels (DynamoDB): a deeper contract is a mistake, and would exhaust the
# compiler's stack (a JSON level is about half a schema level: properties, then the member's schema).
MAX_CONTRACT_NESTING = 200
# A pattern is quoted in a review only when this short (and SQS-safe); else "(see the contract)".
_SHOWN_PATTERN_CHARS = 80
# One value of each JSON type: a $ref cycle that never descends into the value shows on one of them.
_PROBES: tuple[Any, ...] = (None, True, 0, Decimal("0.5"), "", [], [[]], {}, {"a": {}})


class ContractError(Exception):
    """The contract uses a keyword outside the supported subset, or a keyword value it cannot use, or
    is not JSON: `problems`, one line each (naming the file when it was read from one)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def pointer(parts: tuple[str | int, ...]) -> str:
    """JSON Pointer (RFC 6901) of a path: `~` as `~0`, `/` as `~1`."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def shown_location(location: tuple[str | int, ...]) -> str:
    """A location in the contract for a one-line message: `#` and its JSON Pointer, control characters
    (a member name may hold a newline) as JSON escapes."""
    return "#" + one_line(pointer(location), limit=300)


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


class Contract:
    """A compiled contract: `ok(record)` for the hot path, `violations(record)` for a refused one.

    `fast` answers what `root.ok` answers: the checks' own tests, or, once `bind` has been given the
    contract's generated module (codegen.py), its functions; `root.ok` stays the reference.
    `nodes` (schema location -> Node) and `tests` (keyword location -> test) are what a generated
    module names.
    """

    def __init__(self, root: Node, document: Any, nodes: dict[str, Node], located: dict[str, Check]) -> None:
        self.root = root
        self.document = document
        self.nodes = nodes
        self.located = located
        self.fast: Callable[[Any], bool] = root.ok
        self.reasons: frozenset[str] = frozenset()  # its x-reason codes

    def tests(self) -> dict[str, Callable[[Any], bool]]:
        return {where: fast_test(check) for where, check in self.located.items()}

    def bind(self, functions: Mapping[str, Callable[[Any], bool]]) -> None:
        """Use generated functions (schema location -> test) as the schemas' hot paths."""
        for where, node in self.nodes.items():
            function = functions.get(where)
            if function is not None:
                node.fast = function
        for node in self.nodes.values():
            for check in node.checks:
                if isinstance(check, Members | Items):
                    check.link()
        self.fast = self.root.fast

    def ok(self, value: Any) -> bool:
        return self.fast(value)

    def violations(
        self, value: Any, *, limit: int = 20, watch: frozenset[tuple[InstancePath, str]] = frozenset()
    ) -> Collector:
        """The first `limit` violations (instance path, keyword, message), how many more there are,
        and which of the `watch`ed (path, keyword) pairs failed."""
        out = Collector(limit, watch)
        if not self.fast(value):
            self.root.collect(value, (), out, TOP)
        return out


class _Compiler:
    def __init__(self, document: Any) -> None:
        self.document = document
        self.problems: list[str] = []
        self.nodes: dict[tuple[str | int, ...], Node] = {}
        self.located: dict[str, Check] = {}
        self.anchors: dict[str, tuple[str | int, ...]] = {}
        self.anchor_refs: list[tuple[tuple[str | int, ...], str]] = []
        self.reasons: set[str] = set()
        self.unevaluated: list[tuple[Unevaluated, Node]] = []

    def problem(self, location: tuple[str | int, ...], text: str) -> None:
        self.problems.append(f"{text} at {shown_location(location)}")

    def compile(self, schema: Any, location: tuple[str | int, ...]) -> Node:
        if location in self.nodes:  # a $ref target already compiled where it stands
            return self.nodes[location]
        if schema is True or schema is False:
            node = Node([], refuse_all=schema is False)
        elif not isinstance(schema, dict):
            self.problem(location, "a schema must be an object, true or false")
            node = Node([])
        else:
            node = Node(self.checks(schema, location), reason=self.reason(schema, location))
            for check in node.checks:
                if isinstance(check, Unevaluated):
                    check.owner = node
        self.nodes[location] = node
        return node

    def reason(self, schema: dict[str, Any], location: tuple[str | int, ...]) -> str | None:
        if REASON_KEYWORD not in schema:
            return None
        code = schema[REASON_KEYWORD]
        problem = reason_code_problem(code)
        if problem is not None:
            self.problem((*location, REASON_KEYWORD), problem)
            return None
        assert isinstance(code, str)
        self.reasons.add(code)
        return code

    def sub(self, schema: dict[str, Any], keyword: str, location: tuple[str | int, ...]) -> Node:
        return self.compile(schema[keyword], (*location, keyword))

    def sub_list(self, schema: dict[str, Any], keyword: str, location: tuple[str | int, ...]) -> list[Node]:
        value = schema[keyword]
        if not isinstance(value, list) or (keyword != "prefixItems" and not value):
            self.problem((*location, keyword), f"{keyword} must be a non-empty list of schemas")
            return []
        return [self.compile(item, (*location, keyword, index)) for index, item in enumerate(value)]

    def sub_map(
        self, schema: dict[str, Any], keyword: str, location: tuple[str | int, ...]
    ) -> dict[str, Node]:
        value = schema[keyword]
        if not isinstance(value, dict):
            self.problem((*location, keyword), f"{keyword} must be an object of schemas")
            return {}
        return {name: self.compile(sub, (*location, keyword, name)) for name, sub in value.items()}

    def checks(self, schema: dict[str, Any], location: tuple[str | int, ...]) -> list[Check]:
        for keyword in schema:
            if keyword in REFUSED:
                self.problem(location, f"unsupported keyword {keyword!r} ({REFUSED[keyword]})")
            elif keyword not in SUPPORTED:
                self.problem(location, f"unsupported keyword {keyword!r}")
            elif keyword in ("$schema", "$id") and location:
                self.problem(location, f"{keyword} is supported only at the contract's root")
        if location == () and schema.get("$schema", DIALECT) != DIALECT:
            self.problem(("$schema",), f"the contract must be JSON Schema draft 2020-12 ({DIALECT})")
        if "$anchor" in schema:
            self.anchor(schema["$anchor"], location)
        defs = schema.get("$defs", {})
        if not isinstance(defs, dict):
            self.problem((*location, "$defs"), "$defs must be an object")
        else:
            for name, definition in defs.items():
                self.compile(definition, (*location, "$defs", name))
        for keyword in ("then", "else", "minContains", "maxContains"):
            if keyword in schema and ("if" if keyword in ("then", "else") else "contains") not in schema:
                self.unused(schema, keyword, location)
        checks: list[Check] = []
        for keyword in ASSERTIONS:  # a fixed order: violations are listed in it
            if keyword in schema:
                made = self.keyword(schema, keyword, location)
                if made:
                    self.located[pointer((*location, keyword))] = made[0]
                checks.extend(made)
        _mark_stars(schema, checks)
        return checks

    def unused(self, schema: dict[str, Any], keyword: str, location: tuple[str | int, ...]) -> None:
        """then/else without if, minContains/maxContains without contains: no effect (as the
        specification says), but still checked, so that a mistake in them is not hidden."""
        if keyword in ("then", "else"):
            self.sub(schema, keyword, location)
        else:
            self.count(schema, keyword, location)

    def anchor(self, name: Any, location: tuple[str | int, ...]) -> None:
        if not isinstance(name, str) or _ANCHOR.match(name) is None:
            self.problem(
                (*location, "$anchor"), "$anchor must be a name (a letter or _, then letters, digits, - . _)"
            )
        elif name in self.anchors and self.anchors[name] != location:
            self.problem(
                (*location, "$anchor"), f"$anchor {name!r} is also at {shown_location(self.anchors[name])}"
            )
        else:
            self.anchors[name] = location

    def count(self, schema: dict[str, Any], keyword: str, location: tuple[str | int, ...]) -> int | None:
        value = schema[keyword]
        if type(value) is Decimal and value.is_finite() and value == value.to_integral_value():
            value = int(value)  # 2.0 is an integer in JSON Schema
        if type(value) is not int or value < 0:
            self.problem((*location, keyword), f"{keyword} must be a non-negative integer")
            return None
        return value

    def keyword(self, schema: dict[str, Any], keyword: str, location: tuple[str | int, ...]) -> list[Check]:
        value = schema[keyword]
        here = (*location, keyword)
        if keyword == "type":
            names = [value] if isinstance(value, str) else value
            if not isinstance(names, list) or not names or any(name not in TYPE_NAMES for name in names):
                self.problem(here, f"type must name one or more of {', '.join(TYPE_NAMES)}")
                return []
            return [type_check(names)]
        if keyword == "enum":
            if not isinstance(value, list) or not value:
                self.problem(here, "enum must be a non-empty list")
                return []
            return [enum_check(value)]
        if keyword == "const":
            return [const_check(value)]
        if keyword == "required":
            if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
                self.problem(here, "required must be a list of member names")
                return []
            return [Required(value)] if value else []
        if keyword == "properties":
            return self.members(schema, location)
        if keyword in ("patternProperties", "additionalProperties"):
            return [] if "properties" in schema else self.members(schema, location)
        if keyword in ("minProperties", "maxProperties"):
            limit = self.count(schema, keyword, location)
            return [] if limit is None else [count_members(keyword, limit)]
        if keyword == "dependentRequired":
            if not isinstance(value, dict) or not all(
                isinstance(names, list) and all(isinstance(name, str) for name in names)
                for names in value.values()
            ):
                self.problem(here, "dependentRequired must map member names to lists of member names")
                return []
            return [DependentRequired(value)] if any(value.values()) else []
        if keyword == "dependentSchemas":
            schemas = self.sub_map(schema, keyword, location)
            return [DependentSchemas(schemas)] if schemas else []
        if keyword == "propertyNames":
            return [PropertyNames(self.sub(schema, keyword, location))]
        if keyword in _NUMERIC:
            if type(value) not in (int, Decimal) or (keyword == "multipleOf" and value <= 0):
                self.problem(
                    here, f"{keyword} must be a number" + (" > 0" if keyword == "multipleOf" else "")
                )
                return []
            return [numeric_check(keyword, value)]
        if keyword in _COUNTS:
            limit = self.count(schema, keyword, location)
            if limit is None:
                return []
            return [
                length_check(keyword, limit) if keyword.endswith("Length") else count_check(keyword, limit)
            ]
        if keyword == "pattern":
            return self.pattern(value, here)
        if keyword == "format":
            if value not in FORMATS:
                self.problem(here, f"unsupported format {value!r} (supported: {', '.join(FORMATS)})")
                return []
            return [format_check(value)]
        if keyword in ("items", "prefixItems"):
            if keyword == "prefixItems" and "items" in schema:
                return []  # compiled with items
            prefix = self.sub_list(schema, "prefixItems", location) if "prefixItems" in schema else []
            rest = self.sub(schema, "items", location) if "items" in schema else None
            return [Items(prefix, rest)]
        if keyword == "uniqueItems":
            if type(value) is not bool:
                self.problem(here, "uniqueItems must be true or false")
            return [UNIQUE_ITEMS] if value is True else []
        if keyword == "contains":
            return self.contains(schema, location)
        if keyword == "$ref":
            check = self.ref(value, here)
            if isinstance(check, Ref):  # its rules read as the schema's own unless it has others
                check.marked = any(other in schema for other in ASSERTIONS if other != "$ref")
            return [check]
        if keyword == "not":
            return [Not(self.sub(schema, "not", location))]
        if keyword == "if":
            condition = self.sub(schema, "if", location)
            then = self.sub(schema, "then", location) if "then" in schema else None
            orelse = self.sub(schema, "else", location) if "else" in schema else None
            # Without then/else it asserts nothing, but what `if` evaluates counts for unevaluated*.
            return [IfThenElse(condition, then, orelse)]
        if keyword in ("unevaluatedProperties", "unevaluatedItems"):
            check = Unevaluated(
                self.sub(schema, keyword, location), members=keyword == "unevaluatedProperties"
            )
            self.unevaluated.append((check, check.node))
            return [check]
        nodes = self.sub_list(schema, keyword, location)
        if not nodes:
            return []
        return [AllOf(nodes) if keyword == "allOf" else AnyOf(nodes, exactly_one=keyword == "oneOf")]

    def contains(self, schema: dict[str, Any], location: tuple[str | int, ...]) -> list[Check]:
        node = self.sub(schema, "contains", location)
        at_least = self.count(schema, "minContains", location) if "minContains" in schema else 1
        at_most = self.count(schema, "maxContains", location) if "maxContains" in schema else None
        if at_least is None:
            return []
        least_rule = "minContains" if "minContains" in schema else "contains"
        return [Contains(node, at_least, at_most, least_rule=least_rule)]

    def members(self, schema: dict[str, Any], location: tuple[str | int, ...]) -> list[Check]:
        named: dict[str, Node] = {}
        properties = schema.get("properties", {})
        if not isinstance(properties, dict):
            self.problem((*location, "properties"), "properties must be an object")
        else:
            for name, member in properties.items():
                named[name] = self.compile(member, (*location, "properties", name))
        patterns: list[tuple[str, Node]] = []
        pattern_schemas = schema.get("patternProperties", {})
        if not isinstance(pattern_schemas, dict):
            self.problem((*location, "patternProperties"), "patternProperties must be an object")
        else:
            for pattern, member in pattern_schemas.items():
                here = (*location, "patternProperties", pattern)
                if self.pattern(pattern, here):
                    patterns.append((pattern, self.compile(member, here)))
        additional = (
            self.sub(schema, "additionalProperties", location) if "additionalProperties" in schema else None
        )
        return [Members(named, patterns, additional)]

    def pattern(self, pattern: Any, here: tuple[str | int, ...]) -> list[Check]:
        if not isinstance(pattern, str):
            self.problem(here, "a pattern must be a string")
            return []
        try:
            re.compile(pattern)
        except (re.error, RecursionError, OverflowError) as error:
            self.problem(here, f"the pattern does not compile ({one_line(str(error))})")
            return []
        short = len(pattern) <= _SHOWN_PATTERN_CHARS and is_sqs_safe(pattern) and pattern.isascii()
        return [pattern_check(pattern, json.dumps(pattern) if short else "(see the contract)")]

    def ref(self, reference: Any, here: tuple[str | int, ...]) -> Check:
        if isinstance(reference, str) and reference.startswith("#") and _ANCHOR.match(reference[1:]):
            name = reference[1:]
            self.anchor_refs.append((here, name))
            return Ref(lambda: self.nodes[self.anchors[name]])
        if not isinstance(reference, str) or not (reference == "#" or reference.startswith("#/")):
            self.problem(
                here,
                "$ref must point into the contract itself (#/$defs/<name> or #<anchor>); remote references "
                "are not supported",
            )
            return Node([])
        # A URI fragment: percent-decoded first (RFC 3986), then a JSON Pointer (RFC 6901).
        target: tuple[str | int, ...] = tuple(
            _unescape(unquote(part)) for part in reference[2:].split("/") if reference != "#"
        )
        if target and self._lookup(target) is None:
            self.problem(here, f"$ref {one_line(reference)!r} names no schema of the contract")
            return Node([])

        def resolve() -> Node:
            if target not in self.nodes:  # a subschema the walk did not compile at this location
                found = self._lookup(target)
                self.compile(found, target)
            return self.nodes[target]

        return Ref(resolve)

    def _lookup(self, target: tuple[str | int, ...]) -> Any:
        found: Any = self.document
        for part in target:
            if isinstance(found, dict) and isinstance(part, str) and part in found:
                found = found[part]
            elif (
                isinstance(found, list)
                and isinstance(part, str)
                and part.isdigit()
                and int(part) < len(found)
            ):
                found = found[int(part)]
            else:
                return None
        return found


# The keywords whose rules' patterns show a member or item they apply to as `*` (checks.At).
_STARS = ("additionalProperties", "items", "unevaluatedProperties", "unevaluatedItems")


def _mark_stars(schema: dict[str, Any], checks: list[Check]) -> None:
    """A schema with two of _STARS: each one's `*` names its keyword (`/*[items]`), so that the rules
    of the two read differently."""
    if sum(keyword in schema for keyword in _STARS) < 2:
        return
    for check in checks:
        if isinstance(check, Members):
            check.star = "/*[additionalProperties]"
        elif isinstance(check, Items):
            check.star = "/*[items]"
        elif isinstance(check, Unevaluated):
            check.star = "/*[unevaluatedProperties]" if check.members else "/*[unevaluatedItems]"


# Line boundaries (str.splitlines) that JSON leaves as they are: escaped too.
_LINE_BREAKS = {ord(c): f"\\u{ord(c):04x}" for c in "\x85\u2028\u2029"}


def one_line(text: str, limit: int = 120) -> str:
    """Text for a one-line message: control characters and line breaks escaped, at most `limit` long."""
    shown = json.dumps(text, ensure_ascii=False)[1:-1].translate(_LINE_BREAKS)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def nesting(document: Any) -> int:
    """How deeply `document` nests arrays and objects (iteratively: any depth is measured)."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            stack.extend(
                (child, depth + 1) for child in (value.values() if isinstance(value, dict) else value)
            )
    return deepest


def compile_contract(document: Any) -> Contract:
    """Compile a parsed contract (numbers as int/Decimal); ContractError lists every problem."""
    if nesting(document) > MAX_CONTRACT_NESTING:
        raise ContractError([f"the contract nests deeper than {MAX_CONTRACT_NESTING} levels"])
    compiler = _Compiler(document)
    root = compiler.compile(document, ())
    for here, name in compiler.anchor_refs:
        if name not in compiler.anchors:
            compiler.problem(here, f"$ref '#{name}' names no $anchor of the contract")
    if len(compiler.reasons) > MAX_REASON_CODES:
        compiler.problem(
            (), f"the contract has {len(compiler.reasons)} x-reason codes (at most {MAX_REASON_CODES})"
        )
    if compiler.problems:
        raise ContractError(compiler.problems)
    _resolve_refs(compiler)
    contract = Contract(
        root, document, {pointer(where): node for where, node in compiler.nodes.items()}, compiler.located
    )
    contract.reasons = frozenset(compiler.reasons)
    for probe in _PROBES:
        try:
            contract.violations(probe)
        except RecursionError:
            raise ContractError(["a $ref cycle applies the contract to the same value forever"]) from None
    return contract


def _resolve_refs(compiler: _Compiler) -> None:
    """Resolve every $ref now (cold start), so no record pays for it and a broken one fails at once;
    then link the hot path (each parent calls its children's cheapest test), innermost first."""
    for node in list(compiler.nodes.values()):
        for check in node.checks:
            if isinstance(check, Ref):
                check.node()
    nodes = list(compiler.nodes.values())
    # A node's `fast` closes over its children's: link innermost first (the compile order puts a
    # child before its parent); a $ref target compiled later is linked by a second pass.
    for _ in range(2):
        for node in nodes:
            for check in node.checks:
                if isinstance(check, Members | Items):
                    check.link()
            node.link()


def load_contract_document(path: Path, *, name: str | None = None) -> Any:
    """The contract file as data, numbers exact (int or Decimal), as records are parsed; a file that
    is not JSON is a ContractError naming the file, line and column."""
    shown = name or str(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise ContractError([f"{shown}: cannot read the contract ({error.strerror or error})"]) from None
    except UnicodeDecodeError as error:
        raise ContractError([f"{shown}: not UTF-8 text (byte {error.start})"]) from None
    try:
        return json.loads(text, parse_float=parse_float)
    except json.JSONDecodeError as error:
        raise ContractError(
            [f"{shown}: not JSON at line {error.lineno}, column {error.colno} ({error.msg})"]
        ) from None
    except (ValueError, RecursionError) as error:  # a number beyond the digit limit, too deep
        raise ContractError([f"{shown}: not usable JSON ({one_line(str(error))})"]) from None


def load_contract(path: Path, *, name: str | None = None) -> Contract:
    """Read and compile a contract file; every ContractError line names the file."""
    shown = name or str(path)
    document = load_contract_document(path, name=shown)
    try:
        return compile_contract(document)
    except ContractError as error:
        raise ContractError([f"{shown}: {problem}" for problem in error.problems]) from None
