"""DynamoDB item sizes computed by hand (the write units of the cost model come from these)."""

from __future__ import annotations

from typing import Any

from benchmarks.itemsize import item_bytes, number_bytes, value_bytes


def test_strings_and_names_are_utf8_bytes() -> None:
    assert item_bytes({"id": {"S": "abc"}}) == 2 + 3
    assert item_bytes({"n": {"S": "Zoë"}}) == 1 + 4


def test_numbers_are_one_byte_per_two_significant_digits_plus_one() -> None:
    assert number_bytes("1") == 2
    assert number_bytes("1299.99") == 4  # 6 digits
    assert number_bytes("-100") == 2  # trailing zeros are not significant
    assert number_bytes("0.05") == 2


def test_containers_cost_3_bytes_plus_1_per_element() -> None:
    assert value_bytes({"L": [{"N": "1"}, {"BOOL": True}]}) == 3 + (2 + 1) + (1 + 1)
    assert value_bytes({"M": {"a": {"NULL": True}}}) == 3 + 1 + 1 + 1


def test_the_sample_order_item() -> None:
    item: dict[str, dict[str, Any]] = {
        "order-info": {"M": {"order_id": {"S": "1234"}, "quantity": {"N": "1"}}},
        "order_id": {"S": "1234"},
    }
    inner = 3 + (8 + 4 + 1) + (8 + 2 + 1)
    assert item_bytes(item) == len("order-info") + inner + len("order_id") + 4
