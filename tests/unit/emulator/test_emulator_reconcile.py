"""Every record index is stored, a duplicate or rejected: the pure reconciliation behind simulate.py and
the e2e tests."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.reconcile import (
    FileCount,
    ledger_count,
    manifest_entries,
    pipeline_count,
    ranges,
    reconcile,
    validator_count,
)

ACCEPTED = FileCount(origin="ledger", records=4, file_rejected=False)


def _valid(index: int, order_id: str | None, digest: str, status: str = "valid") -> dict[str, Any]:
    return {"status": status, "index": index, "line": None, "order_id": order_id, "hash": digest}


def _invalid(index: int) -> dict[str, Any]:
    return {"status": "invalid", "index": index, "line": None, "review": {"reason": "not_an_object"}}


def _review(index: int, reason: str = "not_an_object") -> dict[str, Any]:
    return {"reason": reason, "file_rejected": False, "record_index": index, "line": None}


FILE_REVIEW = {"reason": "empty_file", "file_rejected": True, "record_index": None, "line": None}
# (record_index, hash) of the items _file()'s records wrote.
WROTE = {(0, "h0"), (1, "h1")}


def _file() -> tuple[list[dict[str, Any]], dict[str, str], list[dict[str, Any]]]:
    """Four records: 0 and 1 stored, 2 invalid (reviewed), 3 a conflict (reviewed, table has another hash)."""
    entries = [_valid(0, "a", "h0"), _valid(1, "b", "h1", "large"), _invalid(2), _valid(3, "c", "h3")]
    table = {"a": "h0", "b": "h1", "c": "other"}
    reviews = [_review(2), _review(3, "conflict")]
    return entries, table, reviews


def test_every_index_accounted_for_is_no_problem() -> None:
    entries, table, reviews = _file()
    result = reconcile(ACCEPTED, entries, table, reviews, written=WROTE)
    assert (result.records, result.stored, result.duplicates, result.rejected) == (4, (0, 1), (), (2, 3))
    assert result.lost == () and result.problems == ()


def test_a_missing_review_leaves_its_index_lost() -> None:
    entries, table, reviews = _file()
    kept = [r for r in reviews if r["record_index"] != 2]
    result = reconcile(ACCEPTED, entries, table, kept, written=WROTE)
    assert result.lost == (2,)
    assert result.problems == ("lost (neither in the table nor in a review): 2",)


def test_a_missing_item_leaves_its_index_lost() -> None:
    entries, table, reviews = _file()
    del table["b"]
    assert reconcile(ACCEPTED, entries, table, reviews, written=WROTE).lost == (1,)


def test_an_item_with_another_hash_is_not_this_record() -> None:
    # GIVEN the table's item for order "a" holds a different record than index 0 of this file
    entries, table, reviews = _file()
    table["a"] = "someone-else"
    # THEN index 0 is not stored: it is lost (no conflict review was sent for it either)
    result = reconcile(ACCEPTED, entries, table, reviews, written=WROTE)
    assert result.stored == (1,) and result.lost == (0,)


def test_identical_records_in_one_file_are_one_stored_and_one_duplicate() -> None:
    """Failure class: the table counting an identical duplicate as a second stored record (the ledger
    counts one new item and one duplicate); the record that wrote the item is the stored one."""
    entries = [_valid(0, "a", "h"), _valid(1, "a", "h")]
    count = FileCount(origin="ledger", records=2, file_rejected=False)
    result = reconcile(count, entries, {"a": "h"}, [], written={(1, "h")})
    assert (result.stored, result.duplicates, result.in_table) == ((1,), (0,), (0, 1))
    assert result.problems == ()


def test_a_record_whose_item_another_file_wrote_is_a_duplicate() -> None:
    entries = [_valid(0, "a", "h0"), _valid(1, "b", "h1")]
    count = FileCount(origin="ledger", records=2, file_rejected=False)
    result = reconcile(count, entries, {"a": "h0", "b": "h1"}, [], written={(1, "h1")})
    assert (result.stored, result.duplicates, result.problems) == ((1,), (0,), ())


def test_a_record_both_in_the_table_and_in_a_review_is_a_problem() -> None:
    """Failure class: one record given two outcomes, which would make records < stored + duplicates +
    rejected while nothing is lost."""
    entries, table, reviews = _file()
    result = reconcile(ACCEPTED, entries, table, [*reviews, _review(0)], written=WROTE)
    assert result.problems == ("both in the table and in a review: 0",)


def test_a_large_entry_without_order_id_is_found_by_its_hash() -> None:
    entries = [_valid(0, None, "h0", "large"), _valid(1, None, "h1", "large")]
    count = FileCount(origin="ledger", records=2, file_rejected=False)
    result = reconcile(count, entries, {"\ufffe-id": "h0"}, [], written={(0, "h0")})
    assert result.stored == (0,) and result.lost == (1,)


def test_a_count_beyond_the_manifest_is_lost_records() -> None:
    # GIVEN the pipeline counted 6 records, the manifest and the queue account for 4
    entries, table, reviews = _file()
    count = FileCount(origin="ledger", records=6, file_rejected=False)
    assert reconcile(count, entries, table, reviews, written=WROTE).lost == (4, 5)


def test_a_review_outside_the_count_is_a_problem() -> None:
    entries, table, reviews = _file()
    result = reconcile(ACCEPTED, entries, table, [*reviews, _review(9)], written=WROTE)
    assert result.lost == () and result.problems == ("indices outside 0..3: 9",)


def test_duplicate_reviews_of_one_index_count_once() -> None:
    entries, table, reviews = _file()
    result = reconcile(ACCEPTED, entries, table, [*reviews, _review(2)], written=WROTE)
    assert result.rejected == (2, 3) and result.problems == ()


def test_a_missing_manifest_is_named() -> None:
    count = FileCount(origin="ledger", records=1, file_rejected=False)
    result = reconcile(count, None, {}, [], written=())
    assert result.lost == (0,)
    assert "the file's manifest is missing: no record can be found in the table" in result.problems


def test_an_unknown_count_is_a_problem_not_a_sum() -> None:
    entries, table, reviews = _file()
    unknown = FileCount(origin="unknown", records=None, file_rejected=None)
    result = reconcile(unknown, entries, table, reviews, written=WROTE)
    assert result.records is None and result.stored == (0, 1) and result.rejected == (2, 3)
    assert result.problems == (
        "the pipeline's record count is unknown: no ledger count and no validator result",
    )


def test_a_rejected_file_needs_its_file_review() -> None:
    rejected = FileCount(origin="ledger", records=None, file_rejected=True, reason="empty_file")
    assert reconcile(rejected, None, {}, [FILE_REVIEW], written=()).problems == ()
    assert reconcile(rejected, None, {}, [], written=()).problems == (
        "the file was rejected (empty_file) but no file review is in the queue",
    )


def test_a_file_review_for_an_accepted_file_is_a_problem() -> None:
    entries, table, reviews = _file()
    assert reconcile(ACCEPTED, entries, table, [*reviews, FILE_REVIEW], written=WROTE).problems == (
        "a file review is in the queue for a file the pipeline accepted",
    )


def test_ledger_count_reads_the_mark_file_done_attributes() -> None:
    accepted = {
        "file_id": {"S": "b/k#v"},
        "status": {"S": "DONE"},
        "records": {"N": "4"},
        "valid": {"N": "2"},
        "large": {"N": "1"},
        "invalid": {"N": "1"},
        "file_rejected": {"BOOL": False},
    }
    assert ledger_count(accepted) == FileCount(
        origin="ledger", records=4, file_rejected=False, valid=2, large=1, invalid=1, status="DONE"
    )
    rejected = {"status": {"S": "DONE"}, "file_rejected": {"BOOL": True}, "reason": {"S": "not_json"}}
    assert ledger_count(rejected) == FileCount(
        origin="ledger", records=None, file_rejected=True, reason="not_json", status="DONE"
    )


def test_a_ledger_without_a_count_gives_none() -> None:
    assert ledger_count(None) is None
    assert ledger_count({"status": {"S": "DONE"}, "execution_arn": {"S": "arn"}}) is None


def test_the_ledger_wins_over_the_validator_and_a_disagreement_is_named() -> None:
    ledger = ledger_count({"records": {"N": "5"}, "file_rejected": {"BOOL": False}})
    validator = validator_count({"file_rejected": False, "records": 4, "valid": 4, "large": 0, "invalid": 0})
    chosen, problems = pipeline_count(ledger, validator)
    assert chosen.origin == "ledger" and chosen.records == 5
    assert problems == ["the ledger counts 5 records but the validator counted 4 records"]
    assert pipeline_count(None, validator) == (validator, [])
    unknown, none = pipeline_count(None, None)
    assert (unknown.origin, unknown.records, unknown.file_rejected, none) == ("unknown", None, None, [])


def test_validator_count_of_a_rejected_file() -> None:
    count = validator_count({"file_rejected": True, "records": None, "reason": "truncated", "review": {}})
    assert count == FileCount(origin="validator", records=None, file_rejected=True, reason="truncated")
    assert validator_count(None) is None and validator_count({"error": "x"}) is None


def test_manifest_entries_flatten_batches_in_order() -> None:
    batches = [{"batch": 0, "records": [_invalid(0), _invalid(1)]}, {"batch": 1, "records": [_invalid(2)]}]
    assert [e["index"] for e in manifest_entries(batches)] == [0, 1, 2]


def test_ranges_name_runs_of_indices() -> None:
    assert ranges([9, 0, 3, 4, 5, 3]) == "0, 3-5, 9"
    assert ranges([]) == ""


@settings(derandomize=True, max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["stored", "duplicate", "reviewed", "conflict", "lost"]), max_size=30))
def test_exactly_the_dropped_indices_are_lost(fates: list[str]) -> None:
    # GIVEN a file whose records each met one fate, the lost ones leaving no trace in table or queue
    entries: list[dict[str, Any]] = []
    table: dict[str, str] = {}
    reviews: list[dict[str, Any]] = []
    # the duplicates' identical item was written by another file
    written: set[tuple[int, str]] = set()
    for index, fate in enumerate(fates):
        order_id = "dup" if fate == "duplicate" else f"o{index}"
        entries.append(_valid(index, order_id, "dup-hash" if fate == "duplicate" else f"h{index}"))
        if fate in ("stored", "duplicate"):
            table[order_id] = entries[-1]["hash"]
            if fate == "stored":
                written.add((index, entries[-1]["hash"]))
        elif fate == "conflict":
            table[order_id] = "another record"
            reviews.append(_review(index, "conflict"))
        elif fate == "reviewed":
            reviews.append(_review(index))
    # WHEN reconciled against the pipeline's count
    count = FileCount(origin="ledger", records=len(fates), file_rejected=False)
    result = reconcile(count, entries, table, reviews, written=written)
    # THEN the lost indices are exactly those, and the rest add up with the ledger's meanings
    assert result.lost == tuple(i for i, fate in enumerate(fates) if fate == "lost")
    assert result.stored == tuple(i for i, fate in enumerate(fates) if fate == "stored")
    assert result.duplicates == tuple(i for i, fate in enumerate(fates) if fate == "duplicate")
    assert len(result.stored) + len(result.duplicates) + len(result.rejected) + len(result.lost) == len(fates)
    assert bool(result.problems) == bool(result.lost)


def _done(stored: int, duplicates: int, rejected: int) -> FileCount:
    return FileCount(
        origin="ledger",
        records=4,
        file_rejected=False,
        status="DONE",
        stored=stored,
        duplicates=duplicates,
        rejected=rejected,
    )


def test_a_ledger_reconciliation_that_agrees_with_the_table_and_queue_is_no_problem() -> None:
    entries, table, reviews = _file()
    assert reconcile(_done(1, 1, 2), entries, table, reviews, written=WROTE).problems == ()


def test_a_ledger_reconciliation_that_does_not_add_up_is_named() -> None:
    entries, table, reviews = _file()
    problems = reconcile(_done(2, 1, 2), entries, table, reviews, written=WROTE).problems
    assert "the ledger's records 4 != stored 2 + duplicates 1 + rejected 2" in problems
    assert "the ledger counts 3 puts but 2 records are in the table" in problems
    problems = reconcile(_done(2, 0, 1), entries, table, reviews, written=WROTE).problems
    assert problems == (
        "the ledger's records 4 != stored 2 + duplicates 0 + rejected 1",
        "the ledger counts 1 rejected but reviews name 2 records",
    )


def test_the_ledger_item_gives_its_reconciliation() -> None:
    item = {"status": {"S": "DONE"}, "records": {"N": "4"}, "file_rejected": {"BOOL": False}}
    item |= {"stored": {"N": "1"}, "duplicates": {"N": "1"}, "rejected": {"N": "2"}}
    count = ledger_count(item)
    assert count is not None and (count.stored, count.duplicates, count.rejected) == (1, 1, 2)
