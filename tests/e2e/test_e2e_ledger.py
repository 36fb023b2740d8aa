"""The file ledger reconciles every DONE file from what the pipeline did: records = stored + duplicates
+ rejected, rejected per reason code (the validator's reasons + conflicts), in both lanes.

Each file mixes every outcome: a new item, a new claim-checked item, identical re-puts of an inline
and of a claim-checked record (the put's condition passes, an item was there: `duplicates`), a
conflict (same order_id, other content) and records the validator rejects. The large-lane file also
has big inline records, so it spans several batches (each child adds its counts once). The small
lane stores no claim-checked record (the small lane's time bound: a store-large call is not in its time
budget;
such a file is handed off), so its file has the same outcomes with inline records only.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from handlers.flows.inline import SMALL_FILE_MAX_BYTES
from handlers.seams.settings import REASON_CONFLICT

from .conftest import Pipeline, assert_no_loss

pytestmark = pytest.mark.e2e

# A control character travels only as a claim check (SQS refuses it), however small the record.
CLAIM_CHECKED = "a\u0001b"
# Inline records of this size fill a 200,000-byte batch two at a time.
PADDING_BYTES = 70_000


def _order(order_id: str, **extra: Any) -> dict[str, Any]:
    return {"order-info": {"order_id": order_id, "item": "Laptop", **extra}, "contact-info": {}}


def _lines(records: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def _reconciled(pipeline: Pipeline, lane: str, uid: str, padding: int) -> tuple[dict[str, Any], Any]:
    tag = f"{lane}-{uid}"
    # The small lane hands off a file with a claim-checked record: its "big" records are inline there.
    big = CLAIM_CHECKED if lane == "standard" else "plain"
    seed = [_order(f"dup-{tag}"), _order(f"dupbig-{tag}", note=big), _order(f"taken-{tag}")]
    _, seeded = pipeline.run(f"seed-{tag}.jsonl", _lines(seed))
    assert_no_loss(seeded, records=3)
    records = [
        *seed[:2],  # identical re-puts: duplicates (inline and claim-checked)
        _order(f"taken-{tag}", item="Desk"),  # conflict
        _order(f"new-{tag}"),
        _order(f"newbig-{tag}", note=big),
        {"order-info": {"item": "no id"}, "contact-info": {}},
        {"order-info": {"item": "no id either"}, "contact-info": {}},
        *(_order(f"pad-{tag}-{i}", note="p" * PADDING_BYTES) for i in range(padding)),
    ]
    target, result = pipeline.run(f"mixed-{tag}.jsonl", _lines(records))
    assert_no_loss(result, records=len(records))
    ledger = pipeline.ledger(target)
    assert ledger is not None
    return ledger, result


@pytest.mark.parametrize(("lane", "padding"), [("express", 0), ("standard", 5)])
def test_every_done_file_is_reconciled_in_its_ledger_item(
    pipeline: Pipeline, uid: str, lane: str, padding: int
) -> None:
    ledger, result = _reconciled(pipeline, lane, uid, padding)
    assert (ledger["status"], ledger["lane"], ledger["file_rejected"]) == ("DONE", lane, False)
    # THEN the counts are what happened: 2 + padding new items, 2 identical re-puts, 3 rejected
    counts = {name: int(ledger[name]) for name in ("records", "stored", "duplicates", "rejected")}
    assert counts == {"records": 7 + padding, "stored": 2 + padding, "duplicates": 2, "rejected": 3}
    assert counts["records"] == counts["stored"] + counts["duplicates"] + counts["rejected"]
    # AND rejected per reason code is the validator's reasons plus the conflict: the review queue agrees
    by_reason = {reason: int(n) for reason, n in ledger["rejected_by_reason"].items() if n}
    assert by_reason == dict(Counter(review["reason"] for review in result.reviews))
    assert by_reason[REASON_CONFLICT] == 1 and sum(by_reason.values()) == counts["rejected"]
    # AND rejected per contract rule, from the validator in both lanes: the two records
    # without an order_id break one rule each (a conflict breaks no contract rule)
    by_rule = {rule: int(n) for rule, n in ledger["rejected_by_rule"].items()}
    assert by_rule == {"/order-info/order_id required": 2}
    # AND the execution, its times, and no expiry (LedgerRetentionDays 0: kept; a NULL, ignored by TTL)
    assert ledger["execution_arn"].startswith("arn:") and ledger["started_at"] <= ledger["finished_at"]
    assert "expires_at" in ledger and ledger["expires_at"] is None
    if lane == "standard":
        # each batch counted once: the parent's ItemSelector gave every child the ledger item
        assert len(ledger["counted_batches"]) > 1


def test_the_file_sizes_take_the_lanes_the_test_names() -> None:
    small = _lines([_order("x" * 40, note=CLAIM_CHECKED)] * 7)
    large = _lines([_order("x" * 40, note="p" * PADDING_BYTES)] * 5)
    assert len(small) <= SMALL_FILE_MAX_BYTES < len(large)


def test_a_small_file_with_a_claim_checked_record_is_handed_off_and_reconciled_by_the_large_lane(
    pipeline: Pipeline, uid: str
) -> None:
    """The small lane hands off a file holding a claim-checked record (its store-large
    call, a 60 s Lambda, is outside the lane's time budget); the large lane stores and counts it."""
    records = [_order(f"inline-{uid}"), _order(f"claimed-{uid}", note=CLAIM_CHECKED)]
    body = _lines(records)
    assert len(body) <= SMALL_FILE_MAX_BYTES  # the small lane's size: the rule sends it there first
    target, result = pipeline.run(f"handed-{uid}.jsonl", body)
    assert_no_loss(result, records=2)
    ledger = pipeline.ledger(target)
    assert ledger is not None
    assert (ledger["status"], ledger["lane"], int(ledger["stored"])) == ("DONE", "standard", 2)
