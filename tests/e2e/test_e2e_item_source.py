"""The manifest carries the source once per batch; every stored item is still the one the old manifest
carried, `_pipeline_source` included (the cost cuts: a differential test against the old output).

The reference is the item the validator computed before the cost cuts and still computes for its size
check: `Valid.item` (handlers/core/classify.py), which is what every manifest entry carried in full and what
StoreRecord put. The state machine now rebuilds `_pipeline_source` from the batch's item_source and the
entry's index (workflow/paths.py STORED_ITEM); each stored item must equal the reference.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from benchmarks import orders
from handlers.core.classify import Valid
from handlers.core.replay import REPLAY_FIELD, classify_line
from handlers.core.textbuffer import DECODER
from handlers.flows.inline import SMALL_FILE_MAX_BYTES

from .conftest import Pipeline, assert_no_loss, plain

pytestmark = pytest.mark.e2e


def reference_items(stack: Any, target: Any, lines: list[str]) -> dict[str, dict[str, Any]]:
    """order_id -> the item the pre-issue-17 manifest carried for each valid line (DynamoDB JSON)."""
    source = {
        "bucket": stack.output("BucketName"),
        "key": target.key,
        "version_id": target.version_id,
        "etag": target.etag,
    }
    found = {}
    for index, line in enumerate(lines):
        _, result = classify_line(DECODER.decode(line), source=source, index=index)
        if isinstance(result, Valid):
            found[result.order_id] = result.item
    return found


def assert_items_identical(pipeline: Pipeline, target: Any, result: Any, lines: list[str]) -> None:
    expected = reference_items(pipeline.stack, target, lines)
    stored = {plain(item)["order_id"]: item for item in result.items}
    assert sorted(stored) == sorted(expected)
    for order_id, item in stored.items():
        # the same attributes, values and `_pipeline_source` (numbers compared as DynamoDB compares them)
        assert plain(item) == plain(expected[order_id]), order_id
        assert "_pipeline_source" in item


@pytest.mark.parametrize("records", [3, 150])
def test_stored_items_equal_the_items_the_old_manifest_carried(
    pipeline: Pipeline, uid: str, records: int
) -> None:
    """Failure class: provenance lost or changed when the manifest stopped repeating it per entry.
    3 records take the small-file (EXPRESS) lane, 150 realistic orders the large-file lane."""
    # GIVEN realistic orders, every 10th invalid, under a real-length key
    body = orders.body(records, profile="realistic", prefix=f"src-{uid}")
    key = f"incoming/2026/12/06/store-0042/orders-{uid}-2026-12-06T05-30-00Z.jsonl"
    assert (len(body) <= SMALL_FILE_MAX_BYTES) == (records == 3)
    # WHEN uploaded
    target, result = pipeline.run(key, body)
    # THEN every valid record's item is the reference item, `_pipeline_source` included
    assert_no_loss(result, records=records)
    assert_items_identical(pipeline, target, result, body.decode().splitlines())


def test_a_replayed_record_keeps_its_replay_of_and_a_plain_one_gets_the_batch_source(
    pipeline: Pipeline, uid: str
) -> None:
    """Failure class: the per-record replay origin overwritten by the batch's source (or lost)."""
    # GIVEN a replay file: one corrected record with its origin (in the stack's own bucket: any other
    # is an invalid_value review since replay origins are checked), one plain record
    bucket = pipeline.stack.output("BucketName")
    origin = {"bucket": bucket, "key": "orders.jsonl", "version_id": "v9", "record_index": 3}
    record = {"order-info": {"order_id": f"rp-{uid}-1"}, "contact-info": {"email": "a@example.com"}}
    lines = [
        json.dumps({REPLAY_FIELD: origin, "record": record}),
        json.dumps({**record, "order-info": {"order_id": f"rp-{uid}-2"}}),
    ]
    # WHEN uploaded under replay/
    target, result = pipeline.run(f"replay/{uid}.jsonl", ("\n".join(lines) + "\n").encode())
    # THEN both items equal the reference; only the replayed one has replay_of
    assert_no_loss(result, records=2)
    assert_items_identical(pipeline, target, result, lines)
    sources = {plain(item)["order_id"]: plain(item)["_pipeline_source"] for item in result.items}
    assert sources[f"rp-{uid}-1"]["replay_of"]["record_index"] == 3
    assert "replay_of" not in sources[f"rp-{uid}-2"]
