"""The record contract: default rules and codes, every violation listed, exact numbers, bounded and
SQS-safe violations, the example contract through the validator core."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from handlers_testkit import FIXTURE_FILES, run_bytes, source_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import handlers.core.classify
from handlers.core.classify import MESSAGES, Invalid, Valid, classify
from handlers.core.rules import MAX_PATH_CHARS, MAX_VIOLATIONS, RULES, Rules, load_rules
from handlers.recordcontract.compiler import ContractError, compile_contract
from handlers.seams.settings import REASON_CONTRACT_VIOLATION, RECORD_REASONS
from handlers.values.jsonnumbers import HugeNumber
from handlers.values.sqssafe import is_sqs_safe
from tests.builders import valid_order

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = load_rules(REPO / "examples" / "record-contract.json")


def rules_of(schema: dict[str, Any]) -> Rules:
    return Rules(compile_contract(schema))


def legacy_reason(record: Any) -> str | None:
    """The three `if`s the default contract replaced (the original product's rules), in their order."""
    if not isinstance(record, dict):
        return "not_an_object"
    if not isinstance(record.get("order-info"), dict):
        return "missing_order_info"
    if not isinstance(record.get("contact-info"), dict):
        return "missing_contact_info"
    order_id = record["order-info"].get("order_id")
    return None if isinstance(order_id, str) and order_id else "missing_order_id"


LEGACY_CODES = ("not_an_object", "missing_order_info", "missing_contact_info", "missing_order_id")
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3) | st.just(Decimal("1.5")),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=6,
)
shapes = (
    st.fixed_dictionaries(
        {},
        optional={
            "order-info": json_values
            | st.fixed_dictionaries({}, optional={"order_id": json_values | st.just("") | st.just("id-1")}),
            "contact-info": json_values | st.just({}),
            "extra": json_values,
        },
    )
    | json_values
)
BOUNDED = settings(max_examples=400, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))


@BOUNDED
@given(shapes)
def test_the_default_contract_gives_the_original_rules_verdicts_and_codes(record: Any) -> None:
    # GIVEN any record shape around the original rules / WHEN the default contract checks it
    broken = RULES.check(record)
    # THEN it breaks the contract exactly when an original rule failed, with the same reason code
    assert (broken.reason if broken else None) == legacy_reason(record)


def test_the_default_contract_reproduces_every_fixture_verdict() -> None:
    # GIVEN every fixture file the original rules accept as a file
    # WHEN the core runs with the default contract
    for path in sorted(FIXTURE_FILES.iterdir()):
        outcome = run_bytes(path.read_bytes(), path.name)
        if outcome.rejection is not None:
            continue
        # THEN no record review uses a code the original product did not have, and each lists violations
        for entry in outcome.entries:
            if entry["status"] == "invalid":
                review = entry["review"]
                assert review["reason"] != REASON_CONTRACT_VIOLATION
                assert review["message"] == MESSAGES.get(review["reason"], review["message"])
                assert review["violations"] and review["violations_omitted"] == 0
                if review["reason"] in LEGACY_CODES and review["record"] is not None:
                    assert legacy_reason(review["record"]) == review["reason"]


def test_a_contract_breach_lists_every_violation_with_pointer_rule_and_message() -> None:
    # GIVEN a record breaking five rules of the example contract
    record = valid_order("A-1", info={"quantity": 0, "price": "9.999", "currency": "XXX"})
    record["contact-info"]["email"] = "not an email"
    del record["contact-info"]["name"]
    # WHEN it is classified
    result = classify(record, source=source_for("k.json"), index=0, rules=EXAMPLE)
    # THEN one reason code (the first violation's x-reason: the example's quantity rule), and every
    # violation with its JSON Pointer and keyword
    assert isinstance(result, Invalid) and result.reason == "invalid_quantity"
    assert result.message == "the record breaks 5 rule(s) of the record contract (listed under violations)"
    assert [(v["path"], v["rule"]) for v in result.violations] == [
        ("/order-info/quantity", "minimum"),
        ("/order-info/price", "pattern"),
        ("/order-info/currency", "enum"),
        ("/contact-info/name", "required"),
        ("/contact-info/email", "format"),
    ]
    assert result.violations[0]["message"] == "must be at least 1"


def test_an_original_rule_keeps_its_code_even_beside_user_rules() -> None:
    # GIVEN a record without contact-info that also breaks a user rule
    record = valid_order(info={"quantity": 0})
    del record["contact-info"]
    # WHEN classified by the example contract / THEN the original code wins (its violation is listed
    # before the quantity's, which has an x-reason), both are listed
    result = classify(record, source=source_for("k.json"), index=0, rules=EXAMPLE)
    assert isinstance(result, Invalid) and result.reason == "missing_contact_info"
    assert {v["path"] for v in result.violations} == {"/order-info/quantity", "/contact-info"}


def test_numbers_are_compared_as_exact_decimals() -> None:
    # GIVEN a contract whose limits a binary float gets wrong
    rules = rules_of({"properties": {"x": {"multipleOf": Decimal("0.1"), "maximum": Decimal("0.3")}}})
    # THEN 0.3 is a multiple of 0.1 and not above 0.3; 0.30000000000000004 is above it
    assert rules.check({"x": Decimal("0.3")}) is None
    assert rules.check({"x": Decimal("2E-1")}) is None and rules.check({"x": -3}) is None
    broken = rules.check({"x": Decimal("0.30000000000000004")})
    assert broken is not None and [v["rule"] for v in broken.violations] == ["maximum", "multipleOf"]
    # AND a number beyond any Decimal fails the numeric rules (cannot be proven)
    assert rules.check({"x": HugeNumber("1e99999999999999999999")}) is not None


def test_violations_are_bounded_with_a_count_of_the_rest() -> None:
    rules = rules_of({"additionalProperties": False})
    broken = rules.check({f"m{i}": i for i in range(MAX_VIOLATIONS + 7)})
    assert broken is not None and len(broken.violations) == MAX_VIOLATIONS and broken.omitted == 7


def test_a_path_is_escaped_made_sqs_safe_and_cut() -> None:
    # GIVEN members named with "/", "~", an SQS-refused character, and a very long name
    rules = rules_of({"additionalProperties": False})
    broken = rules.check({"a/b~c": 1, "bad\uffff": 2, "x" * 1000: 3})
    assert broken is not None
    first, second, third = broken.violations
    # THEN JSON Pointer escapes, the JSON-escaped form for a refused character, and a cut long path
    assert first == {
        "path": "/a~1b~0c",
        "rule": "additionalProperties",
        "message": first["message"],
        # the rule's key and place name no member of the record: `*` stands for it
        "key": "/* additionalProperties",
        "schema": "#/additionalProperties",
    }
    assert second["path"] == "/bad\\uffff" and second["path_encoding"] == "json-escaped"
    assert len(third["path"]) == MAX_PATH_CHARS and third["path_truncated"] is True
    assert all(is_sqs_safe(json.dumps(v, ensure_ascii=False)) for v in broken.violations)


def _secret_record(secret: str) -> dict[str, Any]:
    record: dict[str, Any] = {
        "order-info": {"order_id": secret, "item": 5, "quantity": secret, "currency": secret}
    }
    record["contact-info"] = {"name": secret, "email": secret, "phone": secret}
    return record


# Every message such a record can get (each rule it can break, broken by a text no rule accepts): a
# secret that is part of one of them (e.g. "patt") proves nothing.
_BROKEN = EXAMPLE.check(_secret_record("\x00" * 4))
assert _BROKEN is not None
_MESSAGE_TEXTS = [*MESSAGES.values(), *(v["message"] for v in _BROKEN.violations)]


@settings(max_examples=100, derandomize=True, deadline=None)
@given(
    st.text(min_size=4, max_size=30).filter(
        lambda t: t.strip() and not any(t in text for text in _MESSAGE_TEXTS)
    )
)
def test_a_violation_message_quotes_no_record_content(secret: str) -> None:
    # GIVEN a record whose every value is the same (secret) text, breaking many example rules
    broken = EXAMPLE.check(_secret_record(secret))
    # THEN no message quotes it
    assert broken is not None
    assert all(secret not in v["message"] for v in broken.violations)


def test_a_record_too_deep_is_too_deep_first_and_keeps_its_violations() -> None:
    deep: Any = []
    for _ in range(40):
        deep = [deep]
    record = {**valid_order(), "deep": deep}
    result = classify(record, source=source_for("k.json"), index=0, rules=EXAMPLE)
    assert isinstance(result, Invalid) and result.reason == "too_deep"
    assert [(v["path"], v["rule"]) for v in result.violations] == [
        ("", "too_deep"),
        ("/deep", "additionalProperties"),
    ]


def test_a_record_too_deep_for_the_validators_stack_is_too_deep() -> None:
    rules = rules_of({"$defs": {"n": {"items": {"$ref": "#/$defs/n"}}}, "$ref": "#/$defs/n"})
    deep: Any = "x"
    for _ in range(5000):
        deep = [deep]
    broken = rules.check(deep)
    assert broken is not None and broken.reason == "too_deep"


def test_a_relaxed_contract_cannot_relax_the_key() -> None:
    # GIVEN a contract that allows anything / THEN DynamoDB's key rule still rejects a record without order id
    result = classify({"order-info": {}}, source=source_for("k.json"), index=0, rules=rules_of({}))
    assert isinstance(result, Invalid) and result.reason == "missing_order_id"
    assert result.violations == [
        {"path": "/order-info/order_id", "rule": "missing_order_id", "message": MESSAGES["missing_order_id"]}
    ]
    # AND contact-info, a business rule only, is no longer required
    assert isinstance(
        classify({"order-info": {"order_id": "x"}}, source=source_for("k"), index=0, rules=rules_of({})),
        Valid,
    )


@pytest.mark.parametrize(
    ("schema", "location"),
    [
        (
            {"$dynamicRef": "#meta"},
            "unsupported keyword '$dynamicRef' (dynamic scopes make no sense for one contract: "
            "use $ref) at #",
        ),
        (
            {"properties": {"a": {"contentEncoding": "base64"}}},
            "unsupported keyword 'contentEncoding' (the validator never decodes a string's content) at "
            "#/properties/a",
        ),
        (
            {"dependencies": {"a": ["b"]}},
            "unsupported keyword 'dependencies' (a draft 7 keyword: use dependentRequired or "
            "dependentSchemas) at #",
        ),
        ({"$ref": "#nowhere"}, "$ref '#nowhere' names no $anchor of the contract at #/$ref"),
        ({"x-reason": "Bad Code"}, "x-reason must be lower-case letters"),
        (
            {"x-reason": "too_large"},
            "x-reason 'too_large' is a code the validator itself gives at #/x-reason",
        ),
        (
            {"items": {"format": "ipv4"}},
            "unsupported format 'ipv4' (supported: email, date, date-time, uuid) at #/items/format",
        ),
        ({"$ref": "https://example.com/s"}, "$ref must point into the contract itself"),
        ({"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}, "a $ref cycle"),
        ({"$defs": {"a": {"minimun": 1}}}, "unsupported keyword 'minimun' at #/$defs/a"),
    ],
)
def test_a_keyword_outside_the_subset_is_refused_with_its_location(
    schema: dict[str, Any], location: str
) -> None:
    with pytest.raises(ContractError) as raised:
        compile_contract(schema)
    assert location in str(raised.value)


def test_the_example_contract_through_the_core_gives_one_review_per_bad_record(monkeypatch) -> None:
    # GIVEN the example contract deployed (the module's rules swapped) and a JSON Lines file
    monkeypatch.setattr(handlers.core.classify, "RULES", EXAMPLE)
    bad = valid_order("o-2", info={"quantity": Decimal("1.5"), "currency": "XXX"})
    lines = [valid_order("o-1"), bad, {**valid_order("o-3"), "note": "extra"}]
    body = "\n".join(json.dumps(r, default=str) for r in lines).replace('"1.5"', "1.5").encode()
    # WHEN the core runs
    outcome = run_bytes(body, "orders.jsonl")
    # THEN the valid record is stored and each bad record has one review listing its violations
    assert outcome.outcomes() == ["valid", "invalid_quantity", REASON_CONTRACT_VIOLATION]
    reviews = [e["review"] for e in outcome.entries if e["status"] == "invalid"]
    assert [[(v["path"], v["rule"]) for v in r["violations"]] for r in reviews] == [
        [("/order-info/quantity", "type"), ("/order-info/currency", "enum")],
        [("/note", "additionalProperties")],
    ]
    assert all(r["schema"] == "sales-pipeline.review/3" for r in reviews)


def test_contract_violation_ranks_after_the_original_codes() -> None:
    assert RECORD_REASONS.index(REASON_CONTRACT_VIOLATION) == RECORD_REASONS.index("missing_order_id") + 1
