"""Nothing overwritten, nothing duplicated: conflicts go to review, a re-delivered event is a no-op."""

from __future__ import annotations

import hashlib
import json

import pytest

from handlers.seams.settings import HASH_ATTRIBUTE, SOURCE_ATTRIBUTE
from tests.builders import valid_order

from .conftest import Pipeline, as_decimals, assert_no_loss, plain, record_of

pytestmark = pytest.mark.e2e


def test_same_order_id_with_different_content_is_one_item_and_one_conflict(
    pipeline: Pipeline, uid: str
) -> None:
    # GIVEN an order stored from a first file
    first = valid_order(f"dup-{uid}", info={"item": "Laptop"})
    _, stored = pipeline.run(f"first-{uid}.json", json.dumps(first).encode())
    assert_no_loss(stored, records=1)
    # WHEN a second file carries the same order id with different content
    second = valid_order(f"dup-{uid}", info={"item": "Desktop"})
    _, conflicting = pipeline.run(f"second-{uid}.json", json.dumps(second).encode())
    # THEN the item is untouched and the second record is a `conflict` review message holding it
    assert_no_loss(conflicting, records=1)
    assert (conflicting.stored, conflicting.rejected, conflicting.reasons) == (0, 1, ["conflict"])
    [review] = conflicting.reviews
    assert review["order_id"] == f"dup-{uid}"
    assert review["record"] is None and review["record_pointer"] is None
    assert record_of(review["record_item"]) == as_decimals(second)
    assert review["source"]["key"] == f"second-{uid}.json"
    item = pipeline.item(f"dup-{uid}")
    assert item is not None and record_of(item) == as_decimals(first)


def test_identical_record_uploaded_again_is_not_a_conflict(pipeline: Pipeline, uid: str) -> None:
    """F5 (fails before this change: the identical re-put replaced the item, and its provenance became
    the second file's): the first `_pipeline_source` is kept, the re-put counted as a duplicate."""
    # GIVEN an order stored from a first file
    order = valid_order(f"same-{uid}", info={"item": "Laptop"})
    record = json.dumps(order).encode()
    first, _ = pipeline.run(f"same-a-{uid}.json", record)
    # WHEN a second file carries the identical record
    second, again = pipeline.run(f"same-b-{uid}.json", record)
    # THEN it is accounted for as a duplicate, and no review message (conflict or other) was sent for it
    assert_no_loss(again, records=1)
    assert (again.stored, again.duplicates, again.rejected, again.reviews) == (0, 1, 0, [])
    ledger = pipeline.ledger(second)
    assert ledger is not None and (ledger["stored"], ledger["duplicates"]) == (0, 1)
    # AND the item is there with the record's hash and the FIRST file's provenance: nothing was rewritten
    item = pipeline.item(f"same-{uid}")
    assert item is not None and record_of(item) == as_decimals(order)
    canonical = json.dumps(order, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert plain(item)[HASH_ATTRIBUTE] == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    provenance = plain(item)[SOURCE_ATTRIBUTE]
    assert (provenance["key"], provenance["version_id"], provenance["record_index"]) == (
        first.key,
        first.version_id,
        0,
    )


def test_same_s3_event_delivered_twice_leaves_no_duplicates(pipeline: Pipeline, uid: str) -> None:
    # GIVEN a file processed once: two items stored, one record reviewed
    records = [
        valid_order(f"redo-{uid}-0", info={"item": "Laptop"}),
        {"order-info": {"order_id": f"redo-{uid}-1"}},
        valid_order(f"redo-{uid}-2", info={"item": "Pen"}),
    ]
    target, once = pipeline.run(f"redelivered-{uid}.json", json.dumps(records).encode())
    assert_no_loss(once, records=3)
    items_before = sorted(json.dumps(i, sort_keys=True) for i in once.items)
    [execution] = pipeline.executions.for_upload(target)
    event = json.loads(execution["input"])

    # WHEN EventBridge delivers the identical S3 event again (at-least-once delivery)
    pipeline.stack.clients.events.put_events(
        Entries=[
            {
                "Source": event["source"],
                "DetailType": event["detail-type"],
                "Resources": event["resources"],
                "Detail": json.dumps(event["detail"]),
            }
        ]
    )
    twice = pipeline.result(target, at_least=2)

    # THEN a second execution ran, and the table and queue hold exactly what one delivery left
    assert len(pipeline.executions.for_upload(target)) == 2
    assert_no_loss(twice, records=3)
    assert sorted(json.dumps(i, sort_keys=True) for i in twice.items) == items_before
    assert [r["reason"] for r in twice.reviews] == ["missing_contact_info"]
