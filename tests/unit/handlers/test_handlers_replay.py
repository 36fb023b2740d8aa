"""Replay lines: honoured under replay/ only, the origin kept in `_pipeline_source.replay_of`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from handlers_testkit import Outcome, source_for

from handlers.core.claims import item_from_claim
from handlers.core.classify import Valid, classify
from handlers.core.replay import MALFORMED, REPLAY_FIELD, classify_line
from handlers.seams.settings import ITEM_MAX_BYTES

RECORD = {"order-info": {"order_id": "r-1", "item": "pen"}, "contact-info": {"email": "a@example.com"}}
ORIGIN = {"bucket": "uploads", "key": "orders.jsonl", "version_id": "v9", "record_index": 3}


def _line(record: Any = RECORD, origin: Any = ORIGIN) -> bytes:
    return (json.dumps({REPLAY_FIELD: origin, "record": record}) + "\n").encode()


def test_a_replay_line_is_stored_with_its_origin(run_data: Callable[..., Outcome]) -> None:
    # GIVEN a replay file holding one corrected record and where it came from
    # WHEN the validator reads it under the replay prefix
    result = run_data(_line(), "replay/20250101T000000Z.jsonl")

    # THEN the record (not the envelope) is the item, and its provenance names both files
    [entry] = result.entries
    assert entry["status"] == "valid" and entry["order_id"] == "r-1"
    source = entry["item"]["_pipeline_source"]["M"]
    assert source["key"] == {"S": "replay/20250101T000000Z.jsonl"}
    assert source["replay_of"] == {
        "M": {
            "bucket": {"S": "uploads"},
            "key": {"S": "orders.jsonl"},
            "version_id": {"S": "v9"},
            "record_index": {"N": "3"},
        }
    }
    assert "_pipeline_replay" not in entry["item"] and "record" not in entry["item"]
    # the hash is the record's own: replaying a record already stored is an identical re-put
    plain = classify(RECORD, source=source_for("orders.jsonl"), index=0)
    assert isinstance(plain, Valid) and entry["hash"] == plain.hash


def test_outside_replay_prefix_an_envelope_is_an_ordinary_record(run_data: Callable[..., Outcome]) -> None:
    # GIVEN the same line uploaded anywhere else, and a record that claims an origin itself
    claiming = json.dumps({**RECORD, REPLAY_FIELD: ORIGIN}) + "\n"
    result = run_data(_line() + claiming.encode(), "uploads/replay.jsonl")

    # THEN both are ordinary records, rejected: the envelope has no order-info of its own, the other
    # holds a `_pipeline*` attribute (an uploader cannot claim an origin outside the replay prefix)
    assert result.outcomes() == ["missing_order_info", "reserved_attribute"]


def test_malformed_replay_lines_are_rejected_plain_records_plain(run_data: Callable[..., Outcome]) -> None:
    # GIVEN under replay/: an origin without its index, an extra member, a negative index, a plain record
    bad_origin = {k: v for k, v in ORIGIN.items() if k != "record_index"}
    extra = json.dumps({REPLAY_FIELD: ORIGIN, "record": RECORD, "more": 1}) + "\n"
    negative = {**ORIGIN, "record_index": -1}
    plain = json.dumps({**RECORD, "order-info": {"order_id": "r-2"}}) + "\n"
    body = _line(origin=bad_origin) + extra.encode() + _line(origin=negative) + plain.encode()

    result = run_data(body, "replay/x.jsonl")

    # THEN the three envelopes are reserved_attribute with the replay sentence; the plain record is stored
    assert result.outcomes() == ["reserved_attribute"] * 3 + ["valid"]
    assert {e["review"]["message"] for e in result.entries[:3]} == {MALFORMED}
    # (its item's source comes from the batch's item_source, which has no replay_of)
    assert "_pipeline_source" not in result.entries[3]["item"]
    assert "replay_of" not in result.batches[0]["item_source"]


def test_a_rejected_replayed_record_is_reviewed_as_the_record_not_the_envelope(
    run_data: Callable[..., Outcome],
) -> None:
    # GIVEN a replayed record still missing its contact-info
    broken = {"order-info": {"order_id": "r-3"}}
    result = run_data(_line(record=broken), "replay/x.jsonl")

    # THEN its review carries the record itself
    [entry] = result.entries
    assert entry["review"]["reason"] == "missing_contact_info"
    assert entry["review"]["record"] == broken and entry["review"]["order_id"] == "r-3"


def test_store_large_rebuilds_a_replayed_item_with_its_origin(run_data: Callable[..., Outcome]) -> None:
    # GIVEN a replayed record too large to travel inline (a claim check of the envelope's raw text)
    large = {**RECORD, "notes": "x" * 250_000}
    result = run_data(_line(record=large), "replay/big.jsonl")
    [entry] = result.entries
    assert entry["status"] == "large"

    # WHEN store-large reads the claim
    body = result.claims.read(entry["pointer"])
    valid = item_from_claim(body, source=source_for("replay/big.jsonl"), index=0, expected_hash=entry["hash"])

    # THEN it builds the item with the same provenance
    assert valid.item["_pipeline_source"]["M"]["replay_of"]["M"]["key"] == {"S": "orders.jsonl"}
    assert valid.item["notes"] == {"S": "x" * 250_000}


def test_the_origin_counts_towards_the_item_size() -> None:
    # GIVEN a record whose item just fits 400 KB without an origin
    source = source_for("replay/size.jsonl")
    long_origin = {**ORIGIN, "key": "k" * 1000}

    def fits(pad: int, origin: dict[str, Any] | None) -> bool:
        record = {**RECORD, "notes": "x" * pad}
        return isinstance(classify(record, source=source, index=0, origin=origin), Valid)

    low, high = 0, ITEM_MAX_BYTES
    while low < high:  # the largest pad that fits without an origin
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(middle, None) else (low, middle - 1)

    # THEN the same record with a 1,000-byte origin key no longer fits: too_large, not a failed put
    _, result = classify_line(
        {REPLAY_FIELD: long_origin, "record": {**RECORD, "notes": "x" * low}}, source=source, index=0
    )
    assert not isinstance(result, Valid) and result.reason == "too_large"


def test_a_bad_origin_value_is_one_invalid_value_review_the_rest_of_the_file_stored(
    run_data: Callable[..., Outcome],
) -> None:
    """F4 (fails before this change: all four were valid, and DynamoDB then refused the 40-digit index
    and the lone surrogate, failing the replay file for good): origins are checked like any value."""
    # GIVEN under replay/: a 40-digit record_index, a lone surrogate in key, another bucket, a good one
    lines = [
        _line(origin={**ORIGIN, "record_index": 10**39}),
        _line(origin={**ORIGIN, "key": "orders-\ud800.jsonl"}),
        _line(origin={**ORIGIN, "bucket": "someone-elses-bucket"}),
        _line(record={**RECORD, "order-info": {**RECORD["order-info"], "order_id": "r-ok"}}),
    ]
    # WHEN validated
    result = run_data(b"".join(lines), "replay/x.jsonl")
    # THEN each bad origin is one invalid_value review naming the field; the good line is stored
    assert result.outcomes() == ["invalid_value"] * 3 + ["valid"]
    messages = [e["review"]["message"] for e in result.entries[:3]]
    assert ["record_index" in messages[0], "key" in messages[1], "bucket" in messages[2]] == [True] * 3
    assert result.entries[3]["item"]["_pipeline_source"]["M"]["replay_of"]["M"]["record_index"] == {"N": "3"}
