"""x-reason: a contract's own reason codes, and which one a record gets (docs/reference.md, "Codes a
contract gives").

Failure classes: a code that depends on the record's member order or on the 20-violation limit, an
outer code overriding an inner one, an explicit code lost to a built-in one on the same rule, and the
original codes' precedence changed by the new rule (fails before d1b095e: x-reason refused)."""

from __future__ import annotations

from typing import Any

from handlers.core.rules import MAX_VIOLATIONS, Rules
from handlers.recordcontract.compiler import compile_contract


def _reason(schema: Any, record: Any) -> str | None:
    broken = Rules(compile_contract(schema)).check(record)
    return None if broken is None else broken.reason


TWO = {"properties": {"a": {"minimum": 1, "x-reason": "low_a"}, "b": {"minimum": 1, "x-reason": "low_b"}}}


def test_the_first_coded_violation_in_the_contracts_order_wins_whatever_the_records_order() -> None:
    assert _reason(TWO, {"a": 0, "b": 0}) == "low_a"
    assert _reason(TWO, {"b": 0, "a": 0}) == "low_a"
    assert _reason(TWO, {"b": 0}) == "low_b"


def test_a_code_past_the_listed_violations_still_counts() -> None:
    schema = {"properties": {"a": {"items": {"type": "string"}}, "z": {"minimum": 1, "x-reason": "late"}}}
    broken = Rules(compile_contract(schema)).check({"a": list(range(MAX_VIOLATIONS + 5)), "z": 0})
    assert broken is not None and broken.reason == "late" and broken.omitted == 6


def test_the_innermost_code_wins_and_the_outer_one_covers_the_rest() -> None:
    schema = {
        "x-reason": "outer",
        "properties": {"a": {"x-reason": "inner", "minimum": 1}, "b": {"minimum": 1}},
    }
    assert _reason(schema, {"a": 0}) == "inner"
    assert _reason(schema, {"b": 0}) == "outer"


def test_an_explicit_code_on_an_original_rule_replaces_its_original_code() -> None:
    schema = {
        "type": "object",
        "required": ["order-info", "contact-info"],
        "properties": {"order-info": {"type": "object", "x-reason": "order_info_not_an_object"}},
    }
    assert _reason(schema, {"order-info": 1, "contact-info": {}}) == "order_info_not_an_object"
    assert _reason(schema, {"contact-info": {}}) == "missing_order_info"  # the root's rule: no x-reason


def test_the_original_codes_keep_their_precedence_among_themselves() -> None:
    # GIVEN the default contract's shape: order_id missing (listed first) and contact-info not an object
    schema = {
        "type": "object",
        "required": ["order-info", "contact-info"],
        "properties": {
            "order-info": {"type": "object", "required": ["order_id"]},
            "contact-info": {"type": "object"},
        },
    }
    # THEN missing_contact_info, as the original product decided (it ranks before missing_order_id)
    assert _reason(schema, {"order-info": {}, "contact-info": 1}) == "missing_contact_info"
