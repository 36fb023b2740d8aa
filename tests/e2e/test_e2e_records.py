"""Records of every file form land in the table unchanged, or in review with reason and provenance."""

from __future__ import annotations

import gzip
import json
from decimal import Decimal

import pytest

from handlers.seams.settings import REVIEW_SCHEMA
from tests.builders import valid_order

from .conftest import Pipeline, as_decimals, assert_no_loss, plain, record_of

pytestmark = pytest.mark.e2e


def test_readme_sample_record_is_exactly_one_item_equal_to_the_input(pipeline: Pipeline, uid: str) -> None:
    # GIVEN the README's sample record (with this test's own order id), as a one-record file
    record = valid_order(f"readme-{uid}")
    # WHEN it is uploaded
    target, result = pipeline.run(f"readme-{uid}.json", json.dumps(record).encode())
    # THEN exactly one item holds it, unchanged, with its provenance
    assert_no_loss(result, records=1)
    assert (result.stored, result.rejected, result.reasons) == (1, 0, [])
    [item] = result.items
    assert record_of(item) == as_decimals(record)
    assert plain(item)["order_id"] == f"readme-{uid}"
    source = plain(item)["_pipeline_source"]
    assert (source["key"], source["version_id"], source["record_index"]) == (target.key, target.version_id, 0)


def _assert_reviews_carry_provenance(pipeline: Pipeline, target_key: str, reviews: list[dict]) -> None:
    for review in reviews:
        assert review["schema"] == REVIEW_SCHEMA == "sales-pipeline.review/3"
        assert review["file_rejected"] is False and review["source"]["key"] == target_key
        assert isinstance(review["record_index"], int) and review["message"]
    attributes = [
        m["attributes"] for m in pipeline.inbox.messages if m["body"]["source"]["key"] == target_key
    ]
    assert sorted(a["reason"]["StringValue"] for a in attributes) == sorted(r["reason"] for r in reviews)


def test_mixed_json_array_stores_the_valid_and_reviews_each_invalid_record(
    pipeline: Pipeline, uid: str
) -> None:
    records = [
        valid_order(f"arr-{uid}-0"),
        {"order-info": {"order_id": f"arr-{uid}-1"}},
        42,
        valid_order(f"arr-{uid}-3"),
        {"order-info": {"item": "no id"}, "contact-info": {}},
        {"contact-info": {"name": "x"}},
        {**valid_order(f"arr-{uid}-6"), "deep": json.loads("[" * 40 + "]" * 40)},
    ]
    target, result = pipeline.run(f"mixed-{uid}.json", json.dumps(records).encode())
    assert_no_loss(result, records=7)
    assert result.stored == 2
    reasons = {r["record_index"]: r["reason"] for r in result.reviews}
    assert reasons == {
        1: "missing_contact_info",
        2: "not_an_object",
        4: "missing_order_id",
        5: "missing_order_info",
        6: "too_deep",
    }
    assert {r["record_index"]: r["record"] for r in result.reviews}[2] == 42
    stored_indexes = {int(plain(i)["_pipeline_source"]["record_index"]) for i in result.items}
    assert stored_indexes | set(reasons) == set(range(7)) and stored_indexes == {0, 3}
    _assert_reviews_carry_provenance(pipeline, target.key, result.reviews)


def test_mixed_json_lines_reviews_bad_lines_with_their_line_numbers(pipeline: Pipeline, uid: str) -> None:
    lines = [
        json.dumps(valid_order(f"jl-{uid}-0")),
        "",
        "{not json",
        json.dumps({"contact-info": {"name": "no order"}}),
        json.dumps(valid_order(f"jl-{uid}-3")),
    ]
    target, result = pipeline.run(f"mixed-{uid}.jsonl", ("\n".join(lines) + "\n").encode())
    assert_no_loss(result, records=4)
    assert result.stored == 2
    assert sorted((r["line"], r["reason"]) for r in result.reviews) == [
        (3, "unparseable_line"),
        (4, "missing_order_info"),
    ]
    assert {plain(i)["order_id"] for i in result.items} == {f"jl-{uid}-0", f"jl-{uid}-3"}
    _assert_reviews_carry_provenance(pipeline, target.key, result.reviews)


def test_gzipped_orders_object_is_read(pipeline: Pipeline, uid: str) -> None:
    body = gzip.compress(json.dumps({"orders": [valid_order(f"gz-{uid}-{i}") for i in range(3)]}).encode())
    _, result = pipeline.run(f"orders-{uid}.json.gz", body)
    assert_no_loss(result, records=3)
    assert result.stored == 3


def test_unicode_big_and_fractional_numbers_and_nested_fields_are_stored_unchanged(
    pipeline: Pipeline, uid: str
) -> None:
    # GIVEN a record whose text has numbers a float cannot hold, non-ASCII text and nested extras
    text = (
        '{"order-info": {"order_id": "uni-UID", "item": "Café ☕",'
        ' "quantity": 12345678901234567890123456789012345678,'
        ' "price": 3.141592653589793238462643383279, "discount": -0.0, "huge": 1e40, "tiny": 1.5E-30},'
        ' "contact-info": {"name": "Zoë 山田", "email": "zoe@example.com", "tags": ["🎉", "ß", ""]},'
        ' "extra": {"nested": {"list": [1, "two", {"three": [3.0, null, true, false]}], "empty": {}}}}'
    ).replace("UID", uid)
    expected = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    # WHEN it is uploaded
    _, result = pipeline.run(f"unicode-{uid}.json", text.encode("utf-8"))
    # THEN the stored record is the same data, number for number
    assert_no_loss(result, records=1)
    [item] = result.items
    stored = record_of(item)
    assert stored == expected
    info = item["order-info"]["M"]
    assert Decimal(info["price"]["N"]) == Decimal("3.141592653589793238462643383279")
    assert Decimal(info["quantity"]["N"]) == Decimal("12345678901234567890123456789012345678")
    assert item["contact-info"]["M"]["name"]["S"] == "Zoë 山田"
