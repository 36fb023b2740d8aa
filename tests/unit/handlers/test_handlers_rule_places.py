"""A rule is identified by its place in the contract: every violation names its
keyword's schema location, and counts name a rule by its key (`pattern keyword`, one per place).

Failure classes: a violation placed at the wrong keyword of the contract (checked against the
reference implementation, jsonschema, which reports the same schema path less `$ref`); one rule split
into one key per array index or per unknown member; two places of the contract merged under one key;
a key that holds a record's member name; a rule not counted because the review lists only the first
MAX_VIOLATIONS violations (fails before this change: 20 of 25 counted).
"""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from typing import Any

import pytest
import test_handlers_contract_agreement as agreement
from handlers_testkit import MemoryClaims, MemoryManifest, source_for
from hypothesis import HealthCheck, given, settings
from jsonschema import FormatChecker

from handlers.core.pipeline import process_file
from handlers.core.rules import MAX_VIOLATIONS, ROOT, Rules
from handlers.recordcontract.compiler import Contract, compile_contract

Pair = tuple[tuple[Any, ...], tuple[Any, ...]]
_UNEVALUATED = frozenset({"unevaluatedProperties", "unevaluatedItems"})


def reference_places(schema: Any, instance: Any) -> set[Pair] | None:
    """(instance path, schema path) of each violation the reference finds, normalised as
    test_handlers_contract_agreement normalises paths (a missing or unknown member at the member);
    None when an unevaluated* keyword fails (the reference names those members in its message only)."""
    found: set[Pair] = set()
    for error in agreement.Reference(schema, format_checker=FormatChecker()).iter_errors(instance):
        base, where = tuple(error.absolute_path), list(error.schema_path)
        if "propertyNames" in where:
            at = where.index("propertyNames")
            owner = agreement._at(schema, where[:at])
            names = agreement.Reference(owner["propertyNames"], format_checker=FormatChecker())
            container = agreement._at(instance, list(base))
            found |= {((*base, n), tuple(where[: at + 1])) for n in container if not names.is_valid(n)}
            continue
        if error.validator in _UNEVALUATED:
            return None
        if error.validator is None:  # a `false` subschema: the reference drops the member's path
            continue
        if error.validator in ("required", "dependentRequired") or (
            error.validator in ("additionalProperties", "items") and error.validator_value is False
        ):
            found |= {(member, tuple(where)) for member in _members(error, base)}
        else:
            found.add((base, tuple(where)))
    return found


def _members(error: Any, base: tuple[Any, ...]) -> set[tuple[Any, ...]]:
    """The members (or extra items) a required / dependentRequired / false error is about."""
    value = error.validator_value
    if error.validator == "required":
        return {(*base, name) for name in value if name not in error.instance}
    if error.validator == "dependentRequired":
        return {
            (*base, other)
            for name, needed in value.items()
            if name in error.instance
            for other in needed
            if other not in error.instance
        }
    if error.validator == "items":
        start = len(error.schema.get("prefixItems", []))
        return {(*base, index) for index in range(start, len(error.instance))}
    named, patterns = error.schema.get("properties", {}), error.schema.get("patternProperties", {})
    return {
        (*base, name)
        for name in error.instance
        if name not in named and not any(re.search(pattern, name) for pattern in patterns)
    }


def our_places(contract: Contract, instance: Any) -> set[Pair] | None:
    """(instance path, schema location) of each violation, as the reference writes a schema path: no
    `$ref` step, `required` and `dependentRequired` at the keyword (not the name's index), and
    minContains/maxContains at `contains`."""
    out = contract.violations(instance, limit=10**6)
    found: set[Pair] = set()
    for (path, rule, _), (location, _pattern) in zip(out.found, out.places, strict=True):
        if rule in _UNEVALUATED:
            return None
        if rule == "false":
            continue
        where = [part for part in location if part != "$ref"]
        if rule == "required":
            where = where[:-1]
        elif rule == "dependentRequired":
            where = where[:-2]
        elif rule in ("minContains", "maxContains"):
            where[-1] = "contains"
        found.add((path, tuple(where)))
    return found


def assert_same_places(contract: Contract, schema: Any, instance: Any) -> None:
    ours, theirs = our_places(contract, instance), reference_places(schema, instance)
    if ours is None or theirs is None:
        return
    assert ours == theirs


@pytest.mark.parametrize(
    "schema", agreement.KEYWORD_SCHEMAS, ids=lambda s: "-".join(k for k in s if k != "$defs")
)
def test_each_keyword_places_its_violations_where_the_reference_does(schema: dict[str, Any]) -> None:
    contract = compile_contract(schema)

    @agreement.PER_KEYWORD
    @given(agreement.values)
    def check(instance: Any) -> None:
        assert_same_places(contract, schema, instance)

    check()


@settings(max_examples=800, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(agreement.records)
def test_the_example_contract_places_its_violations_where_the_reference_does(record: Any) -> None:
    assert_same_places(agreement.EXAMPLE, agreement.EXAMPLE_DOCUMENT, record)


def _keys(schema: Any, record: Any) -> list[str]:
    broken = Rules(compile_contract(schema)).check(record)
    assert broken is not None
    return broken.rules


def test_a_rule_over_array_items_or_unknown_members_is_one_rule() -> None:
    # GIVEN three bad line quantities and two unknown members, in the example contract
    record = {
        "order-info": {
            "order_id": "A-1",
            "item": "Desk",
            "quantity": 0,
            "lines": [{"sku": "SKU-000001", "quantity": q, "unit_price": 1} for q in (0, -1, 0)],
            "coupon": "X",
            "note": "Y",
        },
        "contact-info": {"name": "Zoë", "email": "zoe@example.com"},
    }
    broken = Rules(agreement.EXAMPLE).check(record)
    assert broken is not None
    # THEN one rule per place: the order's quantity and the lines' (one $defs entry, two places)
    assert broken.rules == [
        "/order-info/quantity minimum",
        "/order-info/lines/*/quantity minimum",
        "/order-info/* additionalProperties",
    ]
    # AND each violation keeps its own instance path and names its place in the contract
    lines = [v for v in broken.violations if v["key"] == "/order-info/lines/*/quantity minimum"]
    assert [v["path"] for v in lines] == [f"/order-info/lines/{i}/quantity" for i in range(3)]
    assert {v["schema"] for v in lines} == {
        "#/properties/order-info/properties/lines/items/properties/quantity/$ref/minimum"
    }


def test_places_that_read_alike_get_keys_of_their_own() -> None:
    # GIVEN the same keyword on one value from the schema itself, an allOf branch, a $ref beside it,
    # a then branch; `*` from additionalProperties and from items of one schema; a member named "*"
    schema = {
        "$defs": {"low": {"minimum": 1}},
        "properties": {
            "x": {"$ref": "#/$defs/low", "minimum": 2, "allOf": [{"minimum": 3}]},
            "y": {"if": {"type": "integer"}, "then": {"minimum": 4}, "$ref": "#/$defs/low"},
            "z": {"additionalProperties": {"type": "string"}, "items": {"type": "string"}},
            "*": {"type": "string"},
        },
    }
    keys = _keys(schema, {"x": 0, "y": 0, "z": {"a": 1}, "*": 1})
    assert keys == [
        "/x minimum",
        "/x[$ref] minimum",
        "/x[allOf/0] minimum",
        "/y[$ref] minimum",
        "/y[then] minimum",
        "/z/*[additionalProperties] type",
        '/"*" type',
    ]
    assert _keys(schema, {"z": [1]}) == ["/z/*[items] type"]
    assert _keys(schema, {"z": {"a": 1}, "y": 7}) == ["/z/*[additionalProperties] type"]


def test_a_key_never_holds_a_member_name_of_the_record() -> None:
    secret = "jane.doe@example.com"
    schema = {
        "type": "object",
        "additionalProperties": False,
        "patternProperties": {"^x-": {"type": "integer"}},
        "propertyNames": {"maxLength": 5},
        "properties": {"a": {"type": "array", "items": {"type": "string"}}},
    }
    broken = Rules(compile_contract(schema)).check({secret: 1, "x-" + secret: "s", "a": [1, 2]})
    assert broken is not None
    assert broken.rules == [
        "/a/* type",
        "/* additionalProperties",
        '/*[patternProperties "^x-"] type',
        "/* propertyNames",
    ]
    assert not any(secret in key or secret in v["schema"] for v in broken.violations for key in [v["key"]])


def test_each_missing_member_is_a_rule_and_every_rule_is_counted_past_the_listed_violations() -> None:
    # GIVEN a contract requiring 25 members and records missing all of them
    names = [f"m{i:02}" for i in range(25)]
    schema = {"type": "object", "required": names}
    rules = Rules(compile_contract(schema))
    broken = rules.check({})
    assert broken is not None
    # THEN the review lists MAX_VIOLATIONS of them, and the record breaks 25 rules: one per name, at
    # its place in the list
    assert len(broken.violations) == MAX_VIOLATIONS and broken.omitted == 25 - MAX_VIOLATIONS
    assert broken.rules == [f"/{name} required" for name in names]
    assert broken.violations[3]["schema"] == "#/required/3"
    # AND the core counts each record under each of the 25 (fails before: 20, from the listed ones)
    body = b"{}\n{}\n" + json.dumps({"m00": 1}).encode() + b"\n"
    summary = process_file(
        io.BytesIO(body), source=source_for("f.jsonl"), manifest=MemoryManifest(), claims=MemoryClaims(),
        rules=rules,
    )  # fmt: skip
    assert summary.rejected_by_rule == {f"/{name} required": 3 for name in names[1:]} | {"/m00 required": 2}


def test_the_record_itself_and_odd_names_have_stable_keys() -> None:
    schema = {
        "type": "object",
        "properties": {"a/b": {"maximum": Decimal("1.5")}, "0": {"type": "string"}},
        "prefixItems": [{"type": "string"}],
    }
    assert _keys(schema, 5) == [f"{ROOT} type"]
    assert _keys(schema, {"a/b": 2, "0": 1}) == ["/a~1b maximum", '/"0" type']
    assert _keys({"prefixItems": [{"type": "string"}]}, [1]) == ["/0 type"]


def test_a_recursive_contract_has_a_key_per_level() -> None:
    schema = {
        "$defs": {"n": {"properties": {"c": {"items": {"$ref": "#/$defs/n"}}, "v": {"type": "integer"}}}},
        "$ref": "#/$defs/n",
    }
    record = {"v": "x", "c": [{"v": 1, "c": [{"v": "y"}, {"v": "z"}]}]}
    broken = Rules(compile_contract(schema)).check(record)
    assert broken is not None
    assert broken.rules == ["/c/*/c/*/v type", "/v type"]  # y and z: one rule
    assert [v["path"] for v in broken.violations] == ["/c/0/c/0/v", "/c/0/c/1/v", "/v"]
    assert broken.violations[0]["schema"] == (
        "#/$ref/properties/c/items/$ref/properties/c/items/$ref/properties/v/type"
    )
