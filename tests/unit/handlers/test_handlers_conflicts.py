"""Conflicts inside one file are found by the validator and count toward MaxRejectedRecords."""

from __future__ import annotations

import json

import pytest

from handlers.core.conflicts import FirstContents
from handlers.seams.settings import DEFAULT_MAX_REJECTED_RECORDS
from tests.builders import order_text, valid_order


def one_order_id(records: int, *, contents: int) -> bytes:
    """`records` lines of order_id "same", cycling through `contents` different quantities."""
    rows = [order_text(valid_order("same", info={"quantity": i % contents + 1})) for i in range(records)]
    return ("\n".join(rows) + "\n").encode()


def test_a_1002_record_file_of_one_order_id_with_different_contents_is_rejected_whole(run_data):
    """F3 (fails before this change: accepted, 1,002 valid entries, 1,001 conflicts left to DynamoDB)."""
    # GIVEN 1,002 records of one order_id, each with a different content
    # WHEN validated with the default tolerance (1,000)
    outcome = run_data(one_order_id(1002, contents=1002), "same.jsonl")
    # THEN the file is rejected whole as too_many_rejections, counted as conflicts, nothing committed
    assert outcome.rejection is not None and outcome.rejection.reason == "too_many_rejections"
    assert outcome.rejection.rejections["counts"] == {"conflict": DEFAULT_MAX_REJECTED_RECORDS + 1}
    assert outcome.manifest.committed is None and outcome.manifest.aborted


def test_conflicts_under_the_tolerance_are_reviews_and_identical_repeats_stay_valid(run_data):
    """F3: the first content of an order_id is stored; a repeat is valid (a duplicate at the put),
    another content is a `conflict` review carrying the record."""
    # GIVEN one order_id three times: content A, A again, then B
    rows = [order_text(valid_order("same", info={"quantity": q})) for q in (1, 1, 2)]
    # WHEN validated
    outcome = run_data(("\n".join(rows) + "\n").encode(), "same.jsonl")
    # THEN valid, valid, conflict (with the record inline and the order_id)
    assert outcome.outcomes() == ["valid", "valid", "conflict"]
    review = outcome.entries[2]["review"]
    assert review["order_id"] == "same" and review["record"] == json.loads(rows[2])
    assert outcome.summary is not None and outcome.summary.rejected_by_reason == {"conflict": 1}


@pytest.mark.parametrize("form", ["array", "lines"])
def test_conflicts_count_in_both_forms(run_data, form):
    """F3: the array form counts them the same way."""
    rows = [order_text(valid_order("same", info={"quantity": q})) for q in (1, 2, 3)]
    data = ("[" + ",".join(rows) + "]") if form == "array" else "\n".join(rows)
    outcome = run_data(data.encode(), "f.json" if form == "array" else "f.jsonl", max_rejected=1)
    assert outcome.rejection is not None and outcome.rejection.reason == "too_many_rejections"


def test_order_ids_past_the_tracking_limit_are_left_to_dynamodb():
    """F3: memory is bounded: at most `limit` order_ids are remembered; later ones are not judged."""
    first = FirstContents(limit=2)
    assert not first.conflicts("a", "1" * 64) and not first.conflicts("b", "2" * 64)
    assert not first.conflicts("c", "3" * 64) and not first.conflicts("c", "4" * 64)
    assert first.conflicts("a", "5" * 64) and not first.conflicts("b", "2" * 64)
