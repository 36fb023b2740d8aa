"""The contract validator agrees with the reference implementation (`jsonschema`, draft 2020-12) on
generated records: same verdict and same set of failing paths, over the example contract and over
each supported keyword.

Normalisation of the reference's errors: `required` and `additionalProperties: false` name the
member(s) at fault, and `items: false` the extra items (the validator points at them; the reference at
their container). The reference's `integer` is extended to integral Decimals (the spec's integer:
`1.0` is one; the library only knows float). Formats: generated strings avoid the documented, stricter
cases (email without a dotted domain, uuid with extra hyphens, a date-time ending in a newline),
pinned by a test of their own. dependentRequired and propertyNames are normalised like `required` (the
validator points at the member); for unevaluatedProperties/Items only the verdict is compared (the
reference names the members in its message only). The generated hot path is exercised as build.py
writes it (codegen.render_module, run here with exec_module).
"""

from __future__ import annotations

import itertools
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from handlers.recordcontract.codegen import render_module
from handlers.recordcontract.compiler import Contract, compile_contract
from handlers.recordcontract.formats import (
    full_date,
    full_date_time,
    is_date,
    is_date_time,
    is_email,
    is_uuid,
)
from handlers.values.jsonnumbers import HugeNumber, parse_float
from tests.contractmodule import exec_module

REPO = Path(__file__).resolve().parents[3]
EXAMPLE_DOCUMENT = json.loads(
    (REPO / "examples" / "record-contract.json").read_text(), parse_float=parse_float
)


def _is_integer(checker: Any, instance: Any) -> bool:
    if isinstance(instance, bool):
        return False
    if isinstance(instance, Decimal):
        return instance.is_finite() and instance == instance.to_integral_value()
    return isinstance(instance, int)


Reference = jsonschema.validators.extend(
    Draft202012Validator, type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer)
)


def reference_paths(schema: Any, instance: Any) -> set[tuple[Any, ...]]:
    paths: set[tuple[Any, ...]] = set()
    for error in Reference(schema, format_checker=FormatChecker()).iter_errors(instance):
        base = tuple(error.absolute_path)
        if "propertyNames" in error.schema_path:  # the name's own error, at its object: at the member
            at = list(error.schema_path).index("propertyNames")
            owner = _at(schema, list(error.schema_path)[:at])
            names = Reference(owner["propertyNames"], format_checker=FormatChecker())
            container = _at(instance, list(base))
            paths |= {(*base, name) for name in container if not names.is_valid(name)}
        elif error.validator == "required":
            paths |= {(*base, name) for name in error.validator_value if name not in error.instance}
        elif error.validator == "additionalProperties" and error.validator_value is False:
            named = error.schema.get("properties", {})
            patterns = error.schema.get("patternProperties", {})
            paths |= {
                (*base, name)
                for name in error.instance
                if name not in named and not any(re.search(p, name) for p in patterns)
            }
        elif error.validator == "dependentRequired":
            paths |= {
                (*base, other)
                for name, needed in error.validator_value.items()
                if name in error.instance
                for other in needed
                if other not in error.instance
            }
        elif error.validator in ("unevaluatedProperties", "unevaluatedItems"):
            # The reference names the unevaluated members in its message only: the verdict is compared
            # (and the suite's cases pin these keywords: test_contract_suite.py).
            paths.add(UNEVALUATED)
        elif error.validator is None:
            # A `false` subschema: the reference's descend() drops the member's path (jsonschema 4.26),
            # so only the verdict is compared for these (our_paths leaves out rule "false").
            continue
        elif error.validator == "items" and error.validator_value is False:
            start = len(error.schema.get("prefixItems", []))
            paths |= {(*base, index) for index in range(start, len(error.instance))}
        else:
            paths.add(base)
    return paths


UNEVALUATED = ("<unevaluated>",)


def _at(document: Any, parts: list[Any]) -> Any:
    for part in parts:
        document = document[part]
    return document


def our_paths(contract: Contract, instance: Any) -> set[tuple[Any, ...]]:
    return {path for path, rule, _ in contract.violations(instance, limit=10**6).found if rule != "false"}


def assert_agree(contract: Contract, schema: Any, instance: Any) -> None:
    expected = reference_paths(schema, instance)
    valid = Reference(schema, format_checker=FormatChecker()).is_valid(instance)
    assert contract.ok(instance) == valid
    if UNEVALUATED in expected:
        return
    assert our_paths(contract, instance) == expected


numbers = (
    st.integers(-1000, 1000)
    | st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
    | st.sampled_from([Decimal("2.0"), Decimal("0.5"), Decimal("1E+1"), Decimal("0.30"), Decimal("-0.0")])
)
strings = (
    st.text(alphabet="ab-0", max_size=4)
    | st.dates().map(str)
    | st.datetimes().map(lambda d: d.isoformat() + "Z")
    | st.uuids().map(str)
    | st.sampled_from(["2024-02-30", "2024-1-01", "2026-01-01T25:00:00Z", "123e4567e89b12d3a456426614174000"])
)
values = st.recursive(
    st.none() | st.booleans() | numbers | strings,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "b", "ab", "c"]), inner, max_size=3)
    ),
    max_leaves=8,
)
KEYWORD_SCHEMAS: list[dict[str, Any]] = [
    {"type": "integer"},
    {"type": ["number", "string"]},
    {"type": ["null", "boolean", "array"]},
    {"type": "object"},
    {"enum": [1, "a", None, [1], {"a": 1}, True]},
    {"const": {"a": [1, Decimal("2.0")]}},
    {"required": ["a", "b"]},
    {"properties": {"a": {"type": "string"}}, "additionalProperties": False},
    {"patternProperties": {"^a": {"type": "integer"}}, "additionalProperties": {"type": "string"}},
    {"properties": {"a": False, "b": True}},
    {"minimum": 0},
    {"maximum": Decimal("2.5")},
    {"exclusiveMinimum": -1},
    {"exclusiveMaximum": Decimal("0.5")},
    {"multipleOf": Decimal("0.25")},
    {"multipleOf": 3},
    {"minLength": 2},
    {"maxLength": 2},
    {"pattern": "^[ab]+$"},
    {"format": "date"},
    {"format": "date-time"},
    {"format": "uuid"},
    {"items": {"type": "integer"}},
    {"prefixItems": [{"type": "string"}], "items": False},
    {"minItems": 2},
    {"maxItems": 1},
    {"uniqueItems": True},
    {"$defs": {"p": {"type": "integer", "minimum": 0}}, "properties": {"a": {"$ref": "#/$defs/p"}}},
    {"allOf": [{"type": "integer"}, {"minimum": 1}]},
    {"anyOf": [{"type": "string"}, {"minimum": 1}]},
    {"oneOf": [{"type": "integer"}, {"minimum": 0}]},
    {"not": {"type": "string"}},
    {"items": {"properties": {"a": {"minimum": 0}}, "required": ["b"]}},
    {"minProperties": 2},
    {"maxProperties": 1},
    {"dependentRequired": {"a": ["b", "c"], "b": []}},
    {"dependentSchemas": {"a": {"required": ["b"], "properties": {"b": {"type": "integer"}}}}},
    {"propertyNames": {"pattern": "^a", "maxLength": 1}},
    {"propertyNames": False},
    {"if": {"required": ["a"]}, "then": {"required": ["b"]}, "else": {"type": "array"}},
    {"if": {"type": "integer"}, "then": {"minimum": 3}},
    {"if": {"type": "string"}, "else": {"type": "null"}},
    {"contains": {"type": "integer"}},
    {"contains": {"type": "string"}, "minContains": 2, "maxContains": 3},
    {"contains": {"const": None}, "minContains": 0, "maxContains": 1},
    {"$defs": {"s": {"$anchor": "short", "maxLength": 1}}, "items": {"$ref": "#short"}},
    {"properties": {"a": True}, "unevaluatedProperties": False},
    {
        "allOf": [{"properties": {"a": True}}],
        "anyOf": [{"properties": {"b": {"type": "string"}}}, True],
        "unevaluatedProperties": {"type": "integer"},
    },
    {"if": {"required": ["a"]}, "then": {"properties": {"b": True}}, "unevaluatedProperties": False},
    {"prefixItems": [True], "contains": {"type": "string"}, "unevaluatedItems": False},
    {"anyOf": [{"prefixItems": [True, True]}, {"items": {"type": "integer"}}], "unevaluatedItems": False},
]
PER_KEYWORD = settings(
    max_examples=60, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck)
)


@pytest.mark.parametrize("schema", KEYWORD_SCHEMAS, ids=lambda s: "-".join(k for k in s if k != "$defs"))
def test_each_keyword_agrees_with_the_reference(schema: dict[str, Any]) -> None:
    contract = compile_contract(schema)

    @PER_KEYWORD
    @given(values)
    def check(instance: Any) -> None:
        assert_agree(contract, schema, instance)

    check()


def _pick(*choices: Any) -> Any:
    return st.sampled_from(choices)


money = _pick(Decimal("9.99"), Decimal("9.999"), "12.50", "12.5.0", -1, 0, Decimal("0.30"), "abc", True)
quantity = _pick(1, 0, 10000, 10001, Decimal("1.5"), Decimal("2.0"), "3", True, -1)
line = st.fixed_dictionaries(
    {"sku": _pick("SKU-000123", "SKU-12", 7), "quantity": quantity, "unit_price": money},
    optional={"line": _pick(1, 0), "item": _pick("Mouse", ""), "color": _pick("red")},
)
order_info = st.fixed_dictionaries(
    {"order_id": _pick("A-1", "", "a b", 5, None, "x" * 70, "ok_id")},
    optional={
        "item": _pick("Laptop", "", 3),
        "quantity": quantity,
        "price": money,
        "currency": _pick("USD", "XXX", 1),
        "order_date": _pick("2024-02-29", "2023-02-29", "2024-13-01", 20240101),
        "ordered_at": _pick("2026-01-01T10:00:00Z", "2026-01-01 10:00:00Z", "2026-02-30T00:00:00+01:00"),
        "gift": _pick(True, "yes"),
        "tags": st.lists(_pick("a", "b", "", 1), max_size=3),
        "lines": st.lists(line, max_size=2),
        "coupon": _pick("X"),
    },
)
contact_info = st.fixed_dictionaries(
    {},
    optional={
        "name": _pick("Zoë", "", None),
        "email": _pick("zoe@example.com", "nope", "example.com"),
        "customer_id": _pick("123e4567-e89b-12d3-a456-426614174000", "123e4567e89b12d3a456426614174000"),
        "phone": _pick("+1-555-0100", "call me"),
        "address": st.fixed_dictionaries(
            {"city": _pick("Lyon", "")}, optional={"country": _pick("FR", "fr")}
        ),
    },
)
records = (
    st.fixed_dictionaries(
        {},
        optional={"order-info": order_info | values, "contact-info": contact_info | values, "extra": values},
    )
    | values
)
EXAMPLE = compile_contract(EXAMPLE_DOCUMENT)


def generated(schema: Any) -> Contract:
    """A contract bound to its generated hot path (the module build.py would write for it)."""
    contract = compile_contract(schema)
    module = exec_module(render_module(contract.nodes, contract.located, contract="test", sha256="-"))
    contract.bind(module.bind(contract.tests()))
    return contract


@settings(max_examples=1500, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(records)
def test_the_example_contract_agrees_with_the_reference(record: Any) -> None:
    assert_agree(EXAMPLE, EXAMPLE_DOCUMENT, record)


def test_the_formats_are_stricter_than_the_reference_where_documented() -> None:
    # The reference accepts these; the validator refuses them, on purpose (recordcontract/formats.py).
    for text, check in [
        ("a@b", is_email),
        ("12345678-1234-1234-1234-1234567890ab-", is_uuid),
        ("12345678-1234-1234-1234-12345678-90ab", is_uuid),
        ("2026-01-01T10:00:00Z\n", is_date_time),
    ]:
        assert not check(text)
    assert reference_paths({"format": "email"}, "a@b") == set()
    assert reference_paths({"format": "uuid"}, "12345678-1234-1234-1234-12345678-90ab") == set()


def _nested(depth: int) -> dict[str, Any]:
    """`depth` levels of objects under "a" (with arrays on the way), a number rule at the bottom:
    deeper than the generated hot path inlines (handlers/recordcontract/codegen.py MAX_INLINE_DEPTH)."""
    schema: dict[str, Any] = {"type": "integer", "minimum": 0}
    for level in range(depth):
        inner = {"type": "array", "items": schema} if level % 3 == 1 else schema
        schema = {"type": "object", "required": ["a"], "properties": {"a": inner, "b": {"type": "string"}}}
    return schema


# Shapes the generated hot path treats specially (type known after `type`, members counted for
# additionalProperties: false, $ref inlined or called, calls past the inlining depth, fallbacks).
GENERATED_SCHEMAS: list[dict[str, Any]] = [
    _nested(10),
    {"anyOf": [_nested(3), {"type": "array", "items": _nested(8)}]},
    {"$defs": {"n": {"type": ["object", "array"], "items": {"$ref": "#/$defs/n"},
                     "properties": {"a": {"$ref": "#/$defs/n"}, "b": {"type": "integer"}}}},
     "$ref": "#/$defs/n"},
    {"type": "object", "required": ["a", "c"], "additionalProperties": False,
     "properties": {"a": True, "b": False, "ab": {"type": "string", "minLength": 1, "maxLength": 2}}},
    {"required": ["a"], "additionalProperties": False, "properties": {"a": {"minLength": 1}, "b": {}}},
    {"properties": {"a": {"type": "integer"}}, "additionalProperties": {"type": "array", "minItems": 1}},
    {"properties": {"a": {"minimum": 0}}, "patternProperties": {"b$": {"type": "string"}},
     "additionalProperties": False},
    {"prefixItems": [{"type": "integer"}], "items": {"type": "string"}, "maxItems": 2},
    {"items": False},
    {"type": ["integer", "string"], "minimum": 1, "maximum": 5, "minLength": 1, "pattern": "^[0-9]+$"},
    {"type": ["integer", "null"], "exclusiveMinimum": Decimal("-0.5"), "multipleOf": 2},
    {"type": "number", "minimum": Decimal("0.5"), "exclusiveMaximum": 1000, "multipleOf": Decimal("0.5")},
    {"maximum": 3, "multipleOf": Decimal("0.01"), "minItems": 1, "maxLength": 3, "format": "date"},
    {"enum": ["a", "ab", "2024-01-01"]},
    {"type": "string", "enum": ["a", "b"], "format": "date-time"},
    {"allOf": [{"type": "object"}, {"required": ["a"], "properties": {"a": {"type": "boolean"}}}],
     "properties": {"b": {"allOf": [{"type": "integer"}, {"maximum": 10}]}}},
    {"$defs": {"leaf": {"type": "string", "maxLength": 2}},
     "properties": {"a": {"$ref": "#/$defs/leaf"}, "b": {"items": {"$ref": "#/$defs/leaf"}}}},
    {"not": {"type": "object", "required": ["a"]}, "uniqueItems": True, "const": [1, 1]},
    {"type": "boolean"},
    {"type": "null"},
    True,
    False,
    {"type": "object", "properties": {"a": {"type": "integer"}}, "dependentRequired": {"a": ["b"]},
     "maxProperties": 2, "propertyNames": {"maxLength": 2}, "if": {"required": ["a"]},
     "then": {"properties": {"b": {"type": "string"}}}, "additionalProperties": {"minItems": 1}},
    {"items": {"contains": {"type": "integer"}, "maxContains": 1}, "unevaluatedItems": False},
]  # fmt: skip


@pytest.mark.parametrize("schema", GENERATED_SCHEMAS, ids=range(len(GENERATED_SCHEMAS)))
def test_the_generated_hot_path_answers_as_the_compiled_checks_and_the_reference(schema: Any) -> None:
    # GIVEN a contract: its generated hot path (contract.ok, as build.py writes it) and the compiled
    # checks it was generated from (root.ok, the interpreted path)
    contract = generated(schema)
    assert contract.fast is not contract.root.ok

    @PER_KEYWORD
    @given(values | records)
    def check(instance: Any) -> None:
        # THEN both give the same verdict, and agree with the reference (verdict and failing paths)
        assert contract.ok(instance) == contract.root.ok(instance)
        assert_agree(contract, schema, instance)

    check()
    # AND on the edges of every limit used above, and numbers no Decimal holds (the reference has no
    # such type: compared with the compiled checks only), alone and one or two levels down
    for edge in EDGES:
        for value in (edge, {"a": edge, "b": "x"}, [edge], {"a": {"a": edge}}, {"a": [edge]}):
            assert contract.ok(value) == contract.root.ok(value), value


EDGES: list[Any] = [
    *range(-1, 7), 10, 11, Decimal("-0.5"), Decimal("0.5"), Decimal("0.50"), Decimal("1.0"), Decimal("0.01"),
    Decimal("0.001"), Decimal("1E+1"), Decimal("999.5"), 1000, Decimal("1000.0"),
    HugeNumber("1e99999999999999999999"),
    "", "a", "ab", "abc", "12", "2024-02-29", [], [1], [1, 1], {}, None, True, False,
]  # fmt: skip


def test_member_names_reach_the_generated_code_as_data_only() -> None:
    # GIVEN member names that would be code if pasted into the generated source
    name = "a'] or __import__('os') or v0['\n\"\\"
    contract = generated(
        {"required": [name], "additionalProperties": False, "properties": {name: {"type": "string"}}}
    )
    # THEN they are only keys
    assert contract.ok({name: "x"})
    assert not contract.ok({name: 1})
    assert not contract.ok({name: "x", "a": "x"})
    assert not contract.ok({"a": "x"})


def test_the_one_match_date_formats_answer_as_the_full_rules() -> None:
    # GIVEN dates and date-times built from boundary parts (year 0000, day 00/28/29/31, leap years,
    # hour 24, second 60, fractions, zones, trailing newline, non-ASCII digits)
    years = ["0000", "0001", "2024", "2023", "1900", "2000", "20x4", "٢٠٢٤"]
    months = ["00", "01", "02", "12", "13", "1"]
    days = ["00", "01", "09", "10", "19", "20", "28", "29", "30", "31", "32", "9"]
    dates = [f"{y}-{m}-{d}" for y, m, d in itertools.product(years, months, days)]
    times = ["T00:00:00Z", "t23:59:59.5+01:00", "T24:00:00Z", "T12:60:00Z", "T12:00:60-23:59", " 12:00:00Z",
             "T12:00:00", "T12:00:00.Z", "T12:00:00z", "T12:00:00+24:00", "T12:00:00Z\n"]  # fmt: skip
    # THEN the fast common case never changes a verdict
    for text in dates + [d + "\n" for d in dates]:
        assert is_date(text) == full_date(text), text
    for text in (d + t for d, t in itertools.product(dates, times)):
        assert is_date_time(text) == full_date_time(text), text
