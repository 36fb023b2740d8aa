"""A JSON Schema (draft 2020-12) subset compiled for record contracts: every rule enforced, or refused.

`compile_contract(document)` returns a Contract, or raises ContractError listing every keyword it
does not support (with its location in the contract): a rule the validator cannot enforce is never
silently ignored. Annotations (title, description, ...) are allowed and have no effect.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from handlers.jsonnumbers import parse_float
from handlers.schema_checks import (
    UNIQUE_ITEMS,
    AllOf,
    Check,
    Collector,
    Items,
    Members,
    Node,
    Ref,
    Required,
    any_of,
    const_check,
    count_check,
    enum_check,
    format_check,
    length_check,
    not_check,
    numeric_check,
    one_of,
    pattern_check,
    type_check,
)
from handlers.schema_checks import (
    Path as InstancePath,
)
from handlers.schema_fast import fast_paths
from handlers.schema_formats import FORMATS
from handlers.schema_values import TYPE_NAMES
from handlers.sqssafe import is_sqs_safe

DIALECT = "https://json-schema.org/draft/2020-12/schema"
ASSERTIONS = (
    "type", "enum", "const", "required", "properties", "patternProperties", "additionalProperties",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength",
    "pattern", "format", "items", "prefixItems", "minItems", "maxItems", "uniqueItems", "$ref",
    "allOf", "anyOf", "oneOf", "not",
)  # fmt: skip
ANNOTATIONS = (
    "$schema", "$id", "$defs", "$comment", "title", "description", "examples", "default", "deprecated",
    "readOnly", "writeOnly",
)  # fmt: skip
SUPPORTED = frozenset(ASSERTIONS + ANNOTATIONS)
_NUMERIC = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_COUNTS = ("minLength", "maxLength", "minItems", "maxItems")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
# A pattern is quoted in a review only when this short (and SQS-safe); else "(see the contract)".
_SHOWN_PATTERN_CHARS = 80
# One value of each JSON type: a $ref cycle that never descends into the value shows on one of them.
_PROBES: tuple[Any, ...] = (None, True, 0, Decimal("0.5"), "", [], [[]], {}, {"a": {}})


class ContractError(Exception):
    """The contract uses a keyword outside the supported subset, or a keyword value it cannot use."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def pointer(parts: tuple[str | int, ...]) -> str:
    """JSON Pointer (RFC 6901) of a path: `~` as `~0`, `/` as `~1`."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


class Contract:
    """A compiled contract: `ok(record)` for the hot path, `violations(record)` for a refused one.

    `fast` answers what `root.ok` answers, as one generated function (handlers/schema_fast.py) once
    compile_contract has linked the contract; `root.ok` stays the reference the tests compare it to.
    """

    def __init__(self, root: Node, document: Any) -> None:
        self.root = root
        self.document = document
        self.fast: Callable[[Any], bool] = root.ok

    def ok(self, value: Any) -> bool:
        return self.fast(value)

    def violations(
        self, value: Any, *, limit: int = 20, watch: frozenset[tuple[InstancePath, str]] = frozenset()
    ) -> Collector:
        """The first `limit` violations (instance path, keyword, message), how many more there are,
        and which of the `watch`ed (path, keyword) pairs failed."""
        out = Collector(limit, watch)
        if not self.fast(value):
            self.root.collect(value, (), out)
        return out


class _Compiler:
    def __init__(self, document: Any) -> None:
        self.document = document
        self.problems: list[str] = []
        self.nodes: dict[tuple[str | int, ...], Node] = {}

    def problem(self, location: tuple[str | int, ...], text: str) -> None:
        self.problems.append(f"{text} at #{pointer(location)}")

    def compile(self, schema: Any, location: tuple[str | int, ...]) -> Node:
        if schema is True or schema is False:
            node = Node([], refuse_all=schema is False)
        elif not isinstance(schema, dict):
            self.problem(location, "a schema must be an object, true or false")
            node = Node([])
        else:
            node = Node(self.checks(schema, location))
        self.nodes[location] = node
        return node

    def sub(self, schema: dict[str, Any], keyword: str, location: tuple[str | int, ...]) -> Node:
        return self.compile(schema[keyword], (*location, keyword))

    def sub_list(self, schema: dict[str, Any], keyword: str, location: tuple[str | int, ...]) -> list[Node]:
        value = schema[keyword]
        if not isinstance(value, list) or (keyword != "prefixItems" and not value):
            self.problem((*location, keyword), f"{keyword} must be a non-empty list of schemas")
            return []
        return [self.compile(item, (*location, keyword, index)) for index, item in enumerate(value)]

    def checks(self, schema: dict[str, Any], location: tuple[str | int, ...]) -> list[Check]:
        for keyword in schema:
            if keyword not in SUPPORTED:
                self.problem(location, f"unsupported keyword {keyword!r}")
            elif keyword in ("$schema", "$id") and location:
                self.problem(location, f"{keyword} is supported only at the contract's root")
        if location == () and schema.get("$schema", DIALECT) != DIALECT:
            self.problem(("$schema",), f"the contract must be JSON Schema draft 2020-12 ({DIALECT})")
        defs = schema.get("$defs", {})
        if not isinstance(defs, dict):
            self.problem((*location, "$defs"), "$defs must be an object")
        else:
            for name, definition in defs.items():
                self.compile(definition, (*location, "$defs", name))
        checks: list[Check] = []
        for keyword in ASSERTIONS:  # a fixed order: violations are listed in it
            if keyword in schema:
                checks.extend(self.keyword(schema, keyword, location))
        return checks

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
        if keyword in _NUMERIC:
            if type(value) not in (int, Decimal) or (keyword == "multipleOf" and value <= 0):
                self.problem(
                    here, f"{keyword} must be a number" + (" > 0" if keyword == "multipleOf" else "")
                )
                return []
            return [numeric_check(keyword, value)]
        if keyword in _COUNTS:
            if type(value) is not int or value < 0:
                self.problem(here, f"{keyword} must be a non-negative integer")
                return []
            return [
                length_check(keyword, value) if keyword.endswith("Length") else count_check(keyword, value)
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
        if keyword == "$ref":
            return [self.ref(value, here)]
        if keyword == "not":
            return [not_check(self.sub(schema, "not", location))]
        nodes = self.sub_list(schema, keyword, location)
        if not nodes:
            return []
        return [
            AllOf(nodes) if keyword == "allOf" else any_of(nodes) if keyword == "anyOf" else one_of(nodes)
        ]

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
        except re.error as error:
            self.problem(here, f"the pattern does not compile ({error})")
            return []
        short = len(pattern) <= _SHOWN_PATTERN_CHARS and is_sqs_safe(pattern) and pattern.isascii()
        return [pattern_check(pattern, json.dumps(pattern) if short else "(see the contract)")]

    def ref(self, reference: Any, here: tuple[str | int, ...]) -> Check:
        if not isinstance(reference, str) or not (reference == "#" or reference.startswith("#/")):
            self.problem(here, "$ref must point into the contract itself (#/$defs/<name>)")
            return Node([])
        target: tuple[str | int, ...] = tuple(
            _unescape(part) for part in reference[2:].split("/") if reference != "#"
        )
        if target and self._lookup(target) is None:
            self.problem(here, f"$ref {reference!r} names no schema of the contract")
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


def compile_contract(document: Any) -> Contract:
    """Compile a parsed contract (numbers as int/Decimal); ContractError lists every problem."""
    compiler = _Compiler(document)
    root = compiler.compile(document, ())
    if compiler.problems:
        raise ContractError(compiler.problems)
    contract = Contract(root, document)
    _resolve_refs(compiler)
    for probe in _PROBES:
        try:
            contract.violations(probe)
        except RecursionError:
            raise ContractError(["a $ref cycle applies the contract to the same value forever"]) from None
    # After the cycle probe (a refused cycle is never generated): every schema's test becomes
    # generated code, so a refused record's violations are found quickly too.
    nodes = list(compiler.nodes.values())
    for node, function in zip(nodes, fast_paths(nodes), strict=True):
        node.fast = function
    contract.fast = root.fast
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


def load_contract_document(path: Path) -> Any:
    """The contract file as data, numbers exact (int or Decimal), as records are parsed."""
    return json.loads(path.read_text(encoding="utf-8"), parse_float=parse_float)
