"""The shared order builder stays valid: every rule the validator learns, valid_order satisfies."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from handlers.core.classify import Valid, classify
from handlers.core.rules import load_rules
from handlers.seams.settings import REASON_MISSING_CONTACT_INFO, REASON_RESERVED_ATTRIBUTE
from tests.builders import CONTACT_INFO, json_lines, order_without, valid_order

SOURCE = {"bucket": "uploads", "key": "k.jsonl", "version_id": "v1", "etag": None}
EXAMPLE_CONTRACT = Path(__file__).resolve().parents[2] / "examples" / "record-contract.json"


def test_a_valid_order_is_valid_and_keeps_its_overrides() -> None:
    # GIVEN an order built with an extra order-info member and a top-level member
    order = valid_order("A-1", info={"price": Decimal("9.99")}, note="gift")
    # WHEN the validator classifies it
    result = classify(order, source=SOURCE, index=0)
    # THEN it is valid, with the given id and members
    assert isinstance(result, Valid) and result.order_id == "A-1"
    assert order["order-info"]["price"] == Decimal("9.99") and order["note"] == "gift"


def test_a_valid_order_is_valid_under_the_example_contract_too() -> None:
    # The tests of examples/record-contract.json build their records from valid_order (one builder).
    result = classify(valid_order("A-4"), source=SOURCE, index=0, rules=load_rules(EXAMPLE_CONTRACT))
    assert isinstance(result, Valid), result


def test_one_change_makes_one_rejection() -> None:
    # GIVEN a valid order with one thing wrong / THEN that one thing is the reason
    missing = classify(order_without(CONTACT_INFO, "A-2"), source=SOURCE, index=0)
    reserved = classify(valid_order("A-3", order_id="other"), source=SOURCE, index=0)
    assert not isinstance(missing, Valid) and missing.reason == REASON_MISSING_CONTACT_INFO
    assert not isinstance(reserved, Valid) and reserved.reason == REASON_RESERVED_ATTRIBUTE


def test_json_lines_writes_one_order_per_line() -> None:
    lines = json_lines(valid_order("1"), valid_order("2")).decode().splitlines()
    assert [json.loads(line)["order-info"]["order_id"] for line in lines] == ["1", "2"]
