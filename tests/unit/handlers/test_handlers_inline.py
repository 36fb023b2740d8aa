"""The small-file lane's inline validation (handlers/flows/inline.py): one batch inline, else a hand-off."""

from __future__ import annotations

import gzip
import io
import json

import pytest
from handlers_testkit import MemoryClaims, source_for

from handlers.flows.inline import (
    HANDOFF_DECODED,
    HANDOFF_LARGE_RECORD,
    HANDOFF_MANIFEST,
    HANDOFF_RECORDS,
    INLINE_MAX_BYTES,
    INLINE_MAX_DECODED_BYTES,
    validate_inline,
)
from handlers.seams.errors import FileRejected
from handlers.seams.settings import REASON_FILE_TOO_LARGE
from handlers.seams.throughput import BATCH_MAX_RECORDS, INLINE_MAX_RECORDS, INLINE_RECORD_MAX_BYTES


def _inline(data: bytes, key: str, *, max_file_bytes: int = 2**31) -> dict[str, object]:
    return validate_inline(
        io.BytesIO(data),
        source=source_for(key),
        claims=MemoryClaims(),
        max_rejected=1000,
        max_file_bytes=max_file_bytes,
    )


def _order(order_id: str) -> dict[str, object]:
    return {"order-info": {"order_id": order_id}, "contact-info": {"name": "Ana"}}


def test_a_one_record_file_comes_back_as_its_one_batch() -> None:
    result = _inline(json.dumps(_order("1")).encode(), "one.json")
    assert {
        k: result[k] for k in ("file_rejected", "handoff", "records", "valid", "large", "invalid", "batches")
    } == {
        "file_rejected": False,
        "handoff": False,
        "records": 1,
        "valid": 1,
        "large": 0,
        "invalid": 0,
        "batches": 1,
    }
    batch = result["batch"]
    assert isinstance(batch, dict) and batch["batch"] == 0 and batch["source"]["key"] == "one.json"
    [entry] = batch["records"]
    assert (entry["status"], entry["index"], entry["order_id"]) == ("valid", 0, "1")


def test_an_empty_array_has_no_batch() -> None:
    result = _inline(b"[]", "empty.json")
    assert (result["handoff"], result["records"], result["batches"], result["batch"]) == (False, 0, 0, None)


def test_more_than_one_batch_is_handed_off() -> None:
    body = "".join(json.dumps(_order(str(i))) + "\n" for i in range(BATCH_MAX_RECORDS + 1)).encode()
    assert _inline(body, "many.jsonl") == {
        "file_rejected": False,
        "handoff": True,
        "handoff_reason": HANDOFF_MANIFEST,
        "records": None,
    }


def test_a_manifest_over_the_inline_budget_is_handed_off() -> None:
    # GIVEN 10 records whose entries alone exceed the inline budget (each is under the claim-check size)
    records = [{**_order(str(i)), "notes": "x" * (INLINE_MAX_BYTES // 8)} for i in range(10)]
    result = _inline(json.dumps(records).encode(), "big.json")
    assert (result["handoff"], result["handoff_reason"]) == (True, HANDOFF_MANIFEST)


def test_gzip_inflating_past_the_decoded_cap_is_handed_off_not_rejected() -> None:
    text = json.dumps([_order("a")]).encode()
    body = gzip.compress(text[:-1] + b" " * INLINE_MAX_DECODED_BYTES + b"]")
    result = _inline(body, "inflates.json.gz")
    assert (result["handoff"], result["handoff_reason"]) == (True, HANDOFF_DECODED)


def test_a_file_over_the_operators_own_limit_is_still_rejected_as_on_the_large_path() -> None:
    with pytest.raises(FileRejected) as rejected:
        _inline(json.dumps([_order("a"), _order("b")]).encode(), "limit.json", max_file_bytes=10)
    assert rejected.value.reason == REASON_FILE_TOO_LARGE


def test_more_records_than_the_lane_stores_in_its_time_budget_are_handed_off() -> None:
    """A file of one batch but more than INLINE_MAX_RECORDS records went inline
    (up to 400 records, 40 waves of retries: ~2,000 s worst case in a 300 s lane); now it is handed off."""
    at_cap = "".join(json.dumps(_order(str(i))) + "\n" for i in range(INLINE_MAX_RECORDS)).encode()
    over = at_cap + (json.dumps(_order("last")) + "\n").encode()
    assert INLINE_MAX_RECORDS < BATCH_MAX_RECORDS  # the cap is the lane's, not the batch's
    assert _inline(at_cap, "at-cap.jsonl")["handoff"] is False
    assert _inline(over, "over.jsonl") == {
        "file_rejected": False,
        "handoff": True,
        "handoff_reason": HANDOFF_RECORDS,
        "records": None,
    }


def test_a_claim_checked_record_is_handed_off() -> None:
    """The small lane routes no claim-checked record (a store-large Lambda call is 60 s
    x its attempts, past the lane's budget); a file holding one goes to the large lane."""
    body = json.dumps([_order("a"), {**_order("b"), "notes": "x" * (INLINE_RECORD_MAX_BYTES + 1)}]).encode()
    result = _inline(body, "large-record.json")
    assert (result["handoff"], result["handoff_reason"]) == (True, HANDOFF_LARGE_RECORD)
