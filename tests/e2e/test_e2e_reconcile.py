"""Loss cannot hide: a record that is neither in the table with its hash nor named
by a review is reported lost, against the pipeline's own count, not against stored + rejected."""

from __future__ import annotations

import json

import pytest

from emulator.outcome import FileOutcome, Upload

from .conftest import Pipeline, assert_no_loss

pytestmark = pytest.mark.e2e


def _order(order_id: str) -> dict[str, object]:
    return {"order-info": {"order_id": order_id}, "contact-info": {"name": "Ana"}}


def _three_orders(pipeline: Pipeline, uid: str, name: str) -> tuple[Upload, FileOutcome]:
    records = [_order(f"rc-{uid}-0"), {"order-info": {"order_id": f"rc-{uid}-1"}}, _order(f"rc-{uid}-2")]
    target, result = pipeline.run(f"{name}-{uid}.json", json.dumps(records).encode())
    assert_no_loss(result, records=3)
    return target, result


def test_an_item_missing_from_the_table_is_lost(pipeline: Pipeline, uid: str) -> None:
    # GIVEN a file fully accounted for: 0 and 2 stored, 1 reviewed
    target, _ = _three_orders(pipeline, uid, "dropped")
    # WHEN record 2's item disappears (what a silently failed putItem leaves)
    pipeline.stack.clients.dynamodb.delete_item(
        TableName=pipeline.stack.output("OrdersTableName"), Key={"order_id": {"S": f"rc-{uid}-2"}}
    )
    again = pipeline.result(target)
    # THEN the pipeline's count still says 3, and index 2 is named lost
    assert (again.records, again.stored, again.rejected, again.lost) == (3, 1, 1, (2,))
    assert again.problems == (
        "lost (neither in the table nor in a review): 2",
        # AND the ledger, which counted 2 puts when they happened, disagrees with the table now
        "the ledger counts 2 puts but 1 records are in the table",
    )
    with pytest.raises(AssertionError):
        assert_no_loss(again, records=3)


def test_an_item_holding_another_record_is_not_stored(pipeline: Pipeline, uid: str) -> None:
    # GIVEN a file fully accounted for
    target, _ = _three_orders(pipeline, uid, "replaced")
    # WHEN record 0's item is replaced by a different record under the same order id
    pipeline.stack.clients.dynamodb.update_item(
        TableName=pipeline.stack.output("OrdersTableName"),
        Key={"order_id": {"S": f"rc-{uid}-0"}},
        UpdateExpression="SET #hash = :other",
        ExpressionAttributeNames={"#hash": "_pipeline_hash"},
        ExpressionAttributeValues={":other": {"S": "0" * 64}},
    )
    # THEN index 0 is lost, although an item for its order id exists
    assert pipeline.result(target).lost == (0,)


def test_the_ledger_count_is_the_reference(pipeline: Pipeline, uid: str) -> None:
    # GIVEN a file fully accounted for
    target, _ = _three_orders(pipeline, uid, "ledger")
    # WHEN its ledger item says the pipeline read four records
    pipeline.stack.clients.dynamodb.update_item(
        TableName=pipeline.stack.output("FileLedgerTableName"),
        Key=pipeline.ledger_key(target),
        UpdateExpression="SET #records = :four, file_rejected = :no",
        ExpressionAttributeNames={"#records": "records"},
        ExpressionAttributeValues={":four": {"N": "4"}, ":no": {"BOOL": False}},
    )
    again = pipeline.result(target)
    # THEN records come from the ledger, the fourth index is lost, and the disagreement is named
    assert again.count is not None and again.count.origin == "ledger"
    assert (again.records, again.stored, again.rejected, again.lost) == (4, 2, 1, (3,))
    assert "the ledger counts 4 records but the validator counted 3 records" in again.problems


def test_an_identical_duplicate_in_one_file_is_stored_once(pipeline: Pipeline, uid: str) -> None:
    """One item, written by one of the two records: one stored, one duplicate, as the ledger counts them
    (the table's count used to say stored 2)."""
    record = json.dumps(_order(f"twice-{uid}"))
    target, result = pipeline.run(f"twice-{uid}.jsonl", f"{record}\n{record}\n".encode())
    assert_no_loss(result, records=2)
    assert (result.stored, result.duplicates, len(result.items)) == (1, 1, 1)
    ledger = pipeline.ledger(target)
    assert ledger is not None and (ledger["stored"], ledger["duplicates"]) == (1, 1)
