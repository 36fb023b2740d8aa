"""Which lane each file takes: small files in one EXPRESS execution, larger ones (and small files that
turn out too big) in the STANDARD machine; the same outcome either way."""

from __future__ import annotations

import gzip
import json

import pytest

from emulator.outcome import Upload
from handlers.flows.inline import INLINE_MAX_DECODED_BYTES, SMALL_FILE_MAX_BYTES
from handlers.seams.throughput import BATCH_MAX_RECORDS

from .conftest import Pipeline, assert_no_loss

pytestmark = pytest.mark.e2e


def _order(order_id: str) -> dict[str, object]:
    return {"order-info": {"order_id": order_id, "item": "Laptop"}, "contact-info": {"name": "Ana"}}


def _padded(records: list[dict[str, object]], size: int) -> bytes:
    """JSON Lines of `records`, padded with trailing spaces to exactly `size` bytes."""
    body = "".join(json.dumps(r) + "\n" for r in records).encode()
    assert len(body) <= size
    return body + b" " * (size - len(body))


def _lanes(pipeline: Pipeline, target: Upload) -> list[str]:
    """The machine of each of the file's executions, oldest first: "small" or "large"."""
    small = pipeline.stack.output("SmallFileStateMachineArn")
    return [
        "small" if e["stateMachineArn"] == small else "large" for e in pipeline.executions.for_upload(target)
    ]


def test_a_one_record_file_takes_the_small_lane_and_the_ledger_shows_it(pipeline: Pipeline, uid: str) -> None:
    target, result = pipeline.run(f"one-{uid}.json", json.dumps(_order(f"one-{uid}")).encode())
    assert_no_loss(result, records=1)
    assert result.stored == 1 and _lanes(pipeline, target) == ["small"]
    ledger = pipeline.ledger(target)
    assert ledger is not None
    assert (ledger["status"], ledger["lane"], ledger["records"], ledger["valid"]) == ("DONE", "express", 1, 1)


@pytest.mark.parametrize(
    ("size", "lanes"), [(SMALL_FILE_MAX_BYTES, ["small"]), (SMALL_FILE_MAX_BYTES + 1, ["large"])]
)
def test_the_threshold_edge_on_both_sides(pipeline: Pipeline, uid: str, size: int, lanes: list[str]) -> None:
    # GIVEN two records padded to exactly the threshold, or one byte more
    records = [_order(f"edge-{size}-{uid}-{i}") for i in range(2)]
    target, result = pipeline.run(f"edge-{size}-{uid}.jsonl", _padded(records, size))
    # THEN the file takes the lane of its size, and every record is stored either way
    assert_no_loss(result, records=2)
    assert result.stored == 2 and _lanes(pipeline, target) == lanes
    assert pipeline.ledger(target)["lane"] == {"small": "express", "large": "standard"}[lanes[0]]  # type: ignore[index]


def test_a_small_file_with_more_records_than_one_batch_is_handed_to_the_large_lane(
    pipeline: Pipeline, uid: str
) -> None:
    # GIVEN one short record more than a manifest batch holds (two batches), in a file under the threshold
    count = BATCH_MAX_RECORDS + 1
    body = "".join(
        json.dumps({"order-info": {"order_id": f"h{uid}{i}"}, "contact-info": {}}, separators=(",", ":"))
        + "\n"
        for i in range(count)
    )
    assert len(body) < SMALL_FILE_MAX_BYTES
    target, result = pipeline.run(f"batches-{uid}.jsonl", body.encode())
    # THEN the small lane hands it off and the large lane stores every record: none lost, none twice
    assert_no_loss(result, records=count)
    assert result.stored == count and _lanes(pipeline, target) == ["small", "large"]
    ledger = pipeline.ledger(target)
    assert ledger is not None and (ledger["status"], ledger["lane"]) == ("DONE", "standard")


def test_a_gzip_file_that_inflates_past_the_inline_budget_is_handed_off_never_truncated(
    pipeline: Pipeline, uid: str
) -> None:
    # GIVEN a gzip of a few KiB whose text is more than the small lane reads inline (mostly whitespace)
    text = json.dumps([_order(f"gz-{uid}-0"), _order(f"gz-{uid}-1")]).encode()
    body = gzip.compress(text[:-1] + b" " * (INLINE_MAX_DECODED_BYTES + 1) + b"]")
    assert len(body) < SMALL_FILE_MAX_BYTES
    target, result = pipeline.run(f"inflates-{uid}.json.gz", body)
    # THEN the large lane processes the whole file
    assert_no_loss(result, records=2)
    assert result.stored == 2 and _lanes(pipeline, target) == ["small", "large"]
