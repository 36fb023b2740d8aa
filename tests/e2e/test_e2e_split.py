"""A JSON Lines file split into byte ranges through the deployed stack: stored completely,
reconciled exactly, and the same reviews (reason, index, line) and ledger counts as the unsplit path.

Failure classes: records lost or stored twice across range boundaries; indexes or lines that are the
range's instead of the file's; a file DONE with a range missing. The emulator's validator splits every
large-lane JSON Lines file over RANGE_BYTES (emulator/splitting.py, as `simulate --range-bytes`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from emulator.splitting import set_range_bytes
from handlers.seams.throughput import INLINE_MAX_RECORDS

from .conftest import Pipeline, assert_no_loss

pytestmark = pytest.mark.e2e

RECORDS = INLINE_MAX_RECORDS + 20  # handed off by the small lane: the large lane splits it


def _body(prefix: str) -> bytes:
    """Valid records, invalid ones, a broken line, blank lines and CRLF; ids of equal length per prefix."""
    lines = []
    for number in range(RECORDS):
        order = {
            "order-info": {"order_id": f"{prefix}-{number:04d}", "item": "Laptop", "quantity": 1},
            "contact-info": {"name": "John Doe", "email": "johndoe@example.com"},
        }
        if number % 37 == 5:
            order["order-info"]["quantity"] = -1
        text = '{"broken": ' if number % 53 == 7 else json.dumps(order)
        lines.append(text + ("\r\n" if number % 3 else "\n") + ("\n" if number % 29 == 0 else ""))
    return "".join(lines).encode()


@pytest.fixture
def split_every_range_bytes(pipeline: Pipeline) -> Iterator[int]:
    range_bytes = len(_body("x")) // 6
    set_range_bytes(pipeline.stack, range_bytes)
    yield range_bytes
    set_range_bytes(pipeline.stack, None)


def _reviews(result: object) -> list[tuple[object, object, object]]:
    return sorted((r["reason"], r["record_index"], r["line"]) for r in result.reviews)  # type: ignore[attr-defined]


def _counts(ledger: dict[str, object] | None) -> dict[str, object]:
    assert ledger is not None
    names = ("status", "records", "valid", "large", "invalid", "stored", "duplicates", "rejected")
    return {name: ledger.get(name) for name in (*names, "rejected_by_reason", "rejected_by_rule")}


def test_a_file_split_into_six_ranges_is_stored_as_the_unsplit_file(
    pipeline: Pipeline, uid: str, split_every_range_bytes: int
) -> None:
    # GIVEN the same layout twice (its own order ids each), a split threshold of a sixth of the file
    split_body, whole_body = _body(f"s{uid}"), _body(f"w{uid}")
    assert len(split_body) == len(whole_body) > 4 * split_every_range_bytes
    # WHEN one is uploaded split, the other with the deployed defaults (not split)
    split_target, split = pipeline.run(f"split-{uid}.jsonl", split_body)
    set_range_bytes(pipeline.stack, None)
    whole_target, whole = pipeline.run(f"whole-{uid}.jsonl", whole_body)
    # THEN both are stored completely and reconcile exactly; the split one by six or seven validations
    assert_no_loss(split, records=RECORDS)
    assert_no_loss(whole, records=RECORDS)
    assert split.validations >= 6 and whole.validations == 1
    # AND the reviews (reason, index, line) and the ledger's counts are the unsplit run's
    assert _reviews(split) == _reviews(whole)
    assert len(_reviews(split)) == split.rejected > 0
    assert _counts(pipeline.ledger(split_target)) == _counts(pipeline.ledger(whole_target))
    # AND each stored item carries its global record index, the unsplit run's (items are DynamoDB JSON)
    assert _indexes(split.items) == _indexes(whole.items)
    assert len(_indexes(split.items)) == split.stored


def _indexes(items: list[dict[str, object]]) -> list[int]:
    return sorted(int(i["_pipeline_source"]["M"]["record_index"]["N"]) for i in items)  # type: ignore[index]


def test_a_split_file_with_too_many_rejections_is_rejected_as_the_unsplit_file(
    pipeline: Pipeline, uid: str
) -> None:
    """The ranges' rejections replayed in file order: too_many_rejections with the same counts and
    examples (index, line) as an unsplit run; nothing stored. Failure class: a split file rejected by
    another rule (per range) or accepted with more rejections than MaxRejectedRecords."""
    # GIVEN 1,050 broken lines after 30 good ones (MaxRejectedRecords 1000), CRLF, a blank line
    good = [json.dumps({"order-info": {"order_id": f"tm{uid}-{n}"}, "contact-info": {}}) for n in range(30)]
    text = "\r\n".join(good + ['{"broken": '] * 1050) + "\r\n\r\n"
    body = text.encode()
    # WHEN uploaded split into 5 ranges, and unsplit under another name
    set_range_bytes(pipeline.stack, len(body) // 5)
    try:
        _, split = pipeline.run(f"toomany-split-{uid}.jsonl", body)
    finally:
        set_range_bytes(pipeline.stack, None)
    _, whole = pipeline.run(f"toomany-whole-{uid}.jsonl", body)
    # THEN both are one file rejection, the same one, read by 5 or 6 validator invocations when split
    assert_no_loss(split, records=None)
    assert_no_loss(whole, records=None)
    assert split.validations >= 5 and whole.validations == 1
    [split_review], [whole_review] = split.reviews, whole.reviews
    assert split_review["reason"] == "too_many_rejections"
    assert split_review["rejections"] == whole_review["rejections"]
    assert split_review["message"] == whole_review["message"]
