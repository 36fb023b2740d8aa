"""Records too big for state data travel as claim checks: stored if they fit, else reviewed by pointer."""

from __future__ import annotations

import json

import pytest

from tests.builders import valid_order

from .conftest import Pipeline, as_decimals, assert_no_loss, record_of

pytestmark = pytest.mark.e2e


def test_oversized_record_is_reviewed_with_a_readable_pointer(pipeline: Pipeline, uid: str) -> None:
    # GIVEN a ~500 KB record (over DynamoDB's 400 KB item limit) next to a normal one
    big = valid_order(f"big-{uid}", notes="n" * 500_000)
    records = [valid_order(f"small-{uid}", notes="n" * 10), big]
    # WHEN the file is uploaded
    _, result = pipeline.run(f"oversized-{uid}.json", json.dumps(records).encode())
    # THEN the big record is one review message whose pointer leads to its body
    assert_no_loss(result, records=2)
    [review] = result.reviews
    assert (review["reason"], review["record_index"], review["order_id"]) == ("too_large", 1, f"big-{uid}")
    assert review["record"] is None and review["record_item"] is None
    pointer = review["record_pointer"]
    s3 = pipeline.stack.clients.s3
    body = s3.get_object(Bucket=pointer["bucket"], Key=pointer["key"])["Body"].read()
    assert json.loads(body) == big
    assert pipeline.item(f"big-{uid}") is None


def test_large_record_that_fits_an_item_is_stored_from_its_claim_check(pipeline: Pipeline, uid: str) -> None:
    record = valid_order(f"large-{uid}", notes="n" * 300_000)  # over the inline limit, under 400 KB
    _, result = pipeline.run(f"large-{uid}.json", json.dumps([record]).encode())
    assert_no_loss(result, records=1)
    [item] = result.items
    assert record_of(item) == as_decimals(record)
