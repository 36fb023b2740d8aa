"""Batching limits of the manifest and claim checks for entries too large to travel inline."""

from __future__ import annotations

import json

from handlers_testkit import source_for

from handlers.seams.throughput import BATCH_MAX_BYTES, BATCH_MAX_RECORDS, INLINE_RECORD_MAX_BYTES
from tests.builders import CONTACT_INFO, order_text, order_without, valid_order


def record(order_id: str, *, padding: int = 0, contact: bool = True) -> str:
    info = {"note": "p" * padding}
    return order_text(
        valid_order(order_id, info=info) if contact else order_without(CONTACT_INFO, order_id, info=info)
    )


def array(records: list[str]) -> bytes:
    return ("[" + ",\n".join(records) + "]").encode("utf-8")


def batch_sizes(manifest: bytes) -> list[int]:
    return [len(json.dumps(batch, separators=(",", ":"))) for batch in json.loads(manifest)]


def test_batches_hold_at_most_batch_max_records(run_data):
    # GIVEN 2.5 batches' worth of small valid records (each batch far under the byte limit)
    count = BATCH_MAX_RECORDS * 2 + BATCH_MAX_RECORDS // 2
    smallest = '{"order-info": {"order_id": "%s"}, "contact-info": {}}'  # so the record cap binds first
    data = array([smallest % f"o-{i}" for i in range(count)])
    # WHEN validated
    outcome = run_data(data, "many.json")
    # THEN they fill batches 0, 1, 2 of the record cap, the cap and half of it, in order, with the source
    sizes = [BATCH_MAX_RECORDS, BATCH_MAX_RECORDS, BATCH_MAX_RECORDS // 2]
    assert [len(b["records"]) for b in outcome.batches] == sizes
    assert max(batch_sizes(outcome.manifest.committed)) < BATCH_MAX_BYTES
    assert [b["batch"] for b in outcome.batches] == [0, 1, 2]
    assert all(b["source"] == source_for("many.json") for b in outcome.batches)
    assert [e["order_id"] for e in outcome.entries] == [f"o-{i}" for i in range(count)]
    assert outcome.summary.batches == 3


def test_realistic_orders_fill_batches_to_the_record_cap_and_nearly_to_the_byte_limit():
    """Realistic orders (the benchmark's "realistic" profile, every 10th invalid) under a real-length
    key fill batches almost to the byte limit (the source is carried once per batch since the cost cuts), and
    the
    record cap stops them first, a few entries short: the batch child's time bound lowered BATCH_MAX_RECORDS
    from 400 to
    200 so that a batch child fits its 5 minutes (realistic batches held ~205 records by bytes). Each
    batch is one billed child start: the cap costs ~3 % more children on realistic orders, not 2x."""
    from handlers_testkit import run_bytes

    from benchmarks import orders

    key = "incoming/2026/12/06/store-0042/orders-2026-12-06T05-30-00Z.jsonl"
    outcome = run_bytes(orders.body(1000, profile="realistic"), key, max_rejected=10**9)
    # THEN every batch but the last holds BATCH_MAX_RECORDS entries and at least 90 % of the byte limit
    sizes = batch_sizes(outcome.manifest.committed)
    assert len(sizes) > 2
    assert all(len(b["records"]) == BATCH_MAX_RECORDS for b in outcome.batches[:-1])
    assert all(0.9 * BATCH_MAX_BYTES <= size <= BATCH_MAX_BYTES for size in sizes[:-1])


def test_batches_stay_under_the_byte_limit_and_are_packed(run_data):
    # GIVEN 40 valid records of about 30 KB each (too many bytes for 100 per batch)
    data = array([record(f"o-{i}", padding=30_000) for i in range(40)])
    # WHEN validated
    outcome = run_data(data, "big.json")
    manifest = outcome.manifest.committed
    # THEN every batch is at most 200,000 bytes serialised, and no batch could have taken the next entry
    sizes = batch_sizes(manifest)
    assert max(sizes) <= BATCH_MAX_BYTES
    entry = len(json.dumps(outcome.entries[0], separators=(",", ":")))
    assert all(size + entry + 1 > BATCH_MAX_BYTES for size in sizes[:-1])
    assert sum(len(b["records"]) for b in outcome.batches) == 40
    # AND the manifest text is what the batches say (one JSON array, ASCII)
    assert manifest.isascii() and manifest.startswith(b"[") and manifest.endswith(b"]")


def test_a_valid_record_too_big_for_state_data_travels_as_a_claim_check(run_data):
    # GIVEN a valid record whose entry exceeds the inline limit but whose item fits DynamoDB
    big = record("big-1", padding=INLINE_RECORD_MAX_BYTES + 10)
    data = array([record("small-1"), big])
    # WHEN validated
    outcome = run_data(data, "claims.json")
    small_entry, large_entry = outcome.entries
    # THEN it is counted as large, its entry has a pointer and no item, and the claim holds its raw text
    assert small_entry["status"] == "valid" and "item" in small_entry
    assert large_entry["status"] == "large" and "item" not in large_entry
    assert set(large_entry) == {"status", "index", "line", "order_id", "hash", "pointer"}
    assert large_entry["pointer"]["key"].endswith("/0.claims")
    assert outcome.claims.read(large_entry["pointer"]) == big.encode("utf-8")
    assert (outcome.summary.valid, outcome.summary.large, outcome.summary.invalid) == (1, 1, 0)


def test_an_oversized_invalid_record_is_reviewed_through_a_pointer(run_data):
    # GIVEN an invalid record (no contact-info) too big to carry inline in its review message
    big = record("big-2", padding=INLINE_RECORD_MAX_BYTES + 10, contact=False)
    # WHEN validated
    outcome = run_data(array([big]), "bad.json")
    review = outcome.entries[0]["review"]
    # THEN the review names the reason, carries the pointer instead of the record, and the claim holds it
    assert review["reason"] == "missing_contact_info" and review["order_id"] == "big-2"
    assert review["record"] is None
    assert outcome.claims.read(review["record_pointer"]) == big.encode("utf-8")
    assert max(batch_sizes(outcome.manifest.committed)) <= INLINE_RECORD_MAX_BYTES + 1000
