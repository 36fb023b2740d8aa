"""Account for every record of a file: the pipeline's own count against what the table and the queue hold.

Pure functions (no AWS calls) so that the rule "every index 0..records-1 is in the table or in a
review" is tested on its own; `emulator.outcome` gathers the inputs from the emulated stack.

One meaning of *stored*, the ledger's: a record is stored when its item is in the table with its hash
and was written by this record (the item's `_pipeline_source` names this file and this index); a
duplicate when its identical item is there but was written by another record (an earlier file, or an
identical record earlier in this file: the pipeline never overwrites an item). So records == stored +
duplicates + rejected exactly when every record is accounted for.


Over 300 lines: a file's records reconciled one by one against the table, the review queue and the ledger,
and every problem it names.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from handlers.seams.ledgeritem import (
    LEDGER_DUPLICATES,
    LEDGER_FILE_REJECTED,
    LEDGER_INVALID,
    LEDGER_LARGE,
    LEDGER_REASON,
    LEDGER_RECORDS,
    LEDGER_REJECTED,
    LEDGER_STATUS,
    LEDGER_STATUS_DONE,
    LEDGER_STORED,
    LEDGER_VALID,
)
from handlers.seams.shapes import (
    BATCH_RECORDS,
    KEY_HASH,
    KEY_INDEX,
    KEY_ORDER_ID,
    KEY_STATUS,
    RESULT_FILE_REJECTED,
    RESULT_INVALID,
    RESULT_LARGE,
    RESULT_REASON,
    RESULT_RECORDS,
    RESULT_VALID,
    STATUS_LARGE,
    STATUS_VALID,
)

STORED_STATUSES = frozenset({STATUS_VALID, STATUS_LARGE})


@dataclass(frozen=True)
class FileCount:
    """What the pipeline itself says about a file: from its ledger item, else the validator's result.

    `origin` is "ledger", "validator" or "unknown"; `records` is None for a rejected file and when
    the count is unknown.
    """

    origin: str
    records: int | None
    file_rejected: bool | None
    reason: str | None = None
    valid: int | None = None
    large: int | None = None
    invalid: int | None = None
    status: str | None = None
    # The ledger's reconciliation of a DONE accepted file (counted by the pipeline itself).
    stored: int | None = None
    duplicates: int | None = None
    rejected: int | None = None


def ledger_count(item: Mapping[str, Any] | None) -> FileCount | None:
    """The count in a file ledger item (DynamoDB JSON), or None when the item holds no count.

    MarkFileDone writes `records`/`valid`/`large`/`invalid` and `file_rejected` = false for an
    accepted file, `file_rejected` = true and `reason` for a rejected one; an item without either
    (a ledger written before that, or a file still IN_PROGRESS/FAILED) gives no count.
    """
    if not item:
        return None
    file_rejected = _bool(item.get(LEDGER_FILE_REJECTED))
    records = _number(item.get(LEDGER_RECORDS))
    if file_rejected is None and records is None:
        return None
    return FileCount(
        origin="ledger",
        records=None if file_rejected else records,
        file_rejected=file_rejected if file_rejected is not None else False,
        reason=_string(item.get(LEDGER_REASON)),
        valid=_number(item.get(LEDGER_VALID)),
        large=_number(item.get(LEDGER_LARGE)),
        invalid=_number(item.get(LEDGER_INVALID)),
        status=_string(item.get(LEDGER_STATUS)),
        stored=_number(item.get(LEDGER_STORED)),
        duplicates=_number(item.get(LEDGER_DUPLICATES)),
        rejected=_number(item.get(LEDGER_REJECTED)),
    )


def validator_count(result: Mapping[str, Any] | None) -> FileCount | None:
    """The count in the validator's result (the parent's `$.validation`), or None without one."""
    if not result or not isinstance(result.get(RESULT_FILE_REJECTED), bool):
        return None
    file_rejected = bool(result[RESULT_FILE_REJECTED])
    records = result.get(RESULT_RECORDS)
    return FileCount(
        origin="validator",
        records=None if file_rejected or not isinstance(records, int) else records,
        file_rejected=file_rejected,
        reason=result.get(RESULT_REASON) if file_rejected else None,
        valid=result.get(RESULT_VALID),
        large=result.get(RESULT_LARGE),
        invalid=result.get(RESULT_INVALID),
    )


def pipeline_count(ledger: FileCount | None, validator: FileCount | None) -> tuple[FileCount, list[str]]:
    """The ledger's count when it has one, else the validator's; and any disagreement between them.

    Never the sum of stored, duplicates and rejected: that sum is what is being checked, so it cannot
    be the reference.
    """
    problems = []
    if (
        ledger
        and validator
        and (ledger.records, ledger.file_rejected)
        != (
            validator.records,
            validator.file_rejected,
        )
    ):
        problems.append(
            f"the ledger counts {_describe(ledger)} but the validator counted {_describe(validator)}"
        )
    chosen = ledger or validator or FileCount(origin="unknown", records=None, file_rejected=None)
    return chosen, problems


@dataclass(frozen=True)
class Reconciliation:
    """Where each record index went: `stored` (its item is in the table, written by this record),
    `duplicates` (its identical item is in the table, written by another record), `rejected` (a review
    names it), `lost` (none of these). `problems` is empty exactly when every record is accounted for."""

    records: int | None
    stored: tuple[int, ...]
    duplicates: tuple[int, ...]
    rejected: tuple[int, ...]
    lost: tuple[int, ...]
    problems: tuple[str, ...]

    @property
    def in_table(self) -> tuple[int, ...]:
        """The indices whose item is in the table with their hash: stored and duplicates."""
        return tuple(sorted((*self.stored, *self.duplicates)))


def reconcile(
    count: FileCount,
    entries: Iterable[Mapping[str, Any]] | None,
    table_hashes: Mapping[str, str],
    reviews: Iterable[Mapping[str, Any]],
    *,
    written: Collection[tuple[int, str]],
) -> Reconciliation:
    """Check a file's records against the table and the review queue.

    `entries`: the file's manifest entries (None when there is no manifest); `table_hashes`: order_id
    -> `_pipeline_hash` of the items in the table; `reviews`: the review messages for this file;
    `written`: (record_index, `_pipeline_hash`) of the table's items whose `_pipeline_source` names
    this file. A valid or large entry is in the table when the table's item for its order_id has the
    entry's hash: stored when this file's record at that index wrote it, else a duplicate (an
    identical record within the file: one stored, the other a duplicate). An index is rejected when a
    record review names it (a conflict review included); one both in the table and rejected is a
    problem (the pipeline gives each record one outcome).
    """
    reviews = list(reviews)
    in_table = _in_table_indices(entries or [], table_hashes)
    by_this = {(index, digest) for index, digest in written}
    stored = [i for i, digest in in_table if (i, digest) in by_this]
    duplicates = [i for i, digest in in_table if (i, digest) not in by_this]
    present = sorted(set(stored) | set(duplicates))
    rejected = sorted({int(r["record_index"]) for r in reviews if _is_record_review(r)})
    file_reviews = [r for r in reviews if r.get("file_rejected")]
    problems: list[str] = []
    lost: list[int] = []
    if count.file_rejected:
        if not file_reviews:
            problems.append(f"the file was rejected ({count.reason}) but no file review is in the queue")
        if present:
            problems.append(f"the file was rejected but records are in the table: {ranges(present)}")
    elif count.records is None:
        problems.append("the pipeline's record count is unknown: no ledger count and no validator result")
    else:
        if entries is None and count.records:
            problems.append("the file's manifest is missing: no record can be found in the table")
        accounted = set(present) | set(rejected)
        lost = [i for i in range(count.records) if i not in accounted]
        if lost:
            problems.append(f"lost (neither in the table nor in a review): {ranges(lost)}")
        twice = sorted(set(present) & set(rejected))
        if twice:
            problems.append(f"both in the table and in a review: {ranges(twice)}")
        outside = sorted(i for i in accounted if not 0 <= i < count.records)
        if outside:
            problems.append(f"indices outside 0..{count.records - 1}: {ranges(outside)}")
        if file_reviews:
            problems.append("a file review is in the queue for a file the pipeline accepted")
        problems += _ledger_problems(count, in_table=len(present), rejected=len(rejected))
    return Reconciliation(
        records=count.records,
        stored=tuple(stored),
        duplicates=tuple(duplicates),
        rejected=tuple(rejected),
        lost=tuple(lost),
        problems=tuple(problems),
    )


def _ledger_problems(count: FileCount, *, in_table: int, rejected: int) -> list[str]:
    """A DONE ledger item's own reconciliation against its records and what the table and queue hold:
    records = stored + duplicates + rejected; stored + duplicates = the records whose item is in the
    table with their hash; rejected = the records a review names. (Its stored/duplicates split is not
    compared with the table's: the ledger counts each put's outcome in the run that finished the file,
    so a record whose item an earlier run of the same file wrote, a re-driven file's or a child run
    twice, is a duplicate there.)"""
    done = count.origin == "ledger" and count.status == LEDGER_STATUS_DONE
    if not done or None in (count.stored, count.duplicates):
        return []
    new, duplicates, ledger_rejected = count.stored or 0, count.duplicates or 0, count.rejected or 0
    problems = []
    if count.records != new + duplicates + ledger_rejected:
        problems.append(
            f"the ledger's records {count.records} != stored {new} + duplicates {duplicates} "
            f"+ rejected {ledger_rejected}"
        )
    if new + duplicates != in_table:
        problems.append(f"the ledger counts {new + duplicates} puts but {in_table} records are in the table")
    if ledger_rejected != rejected:
        problems.append(f"the ledger counts {ledger_rejected} rejected but reviews name {rejected} records")
    return problems


def manifest_entries(batches: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The entries of a manifest (a JSON array of batches), in file order."""
    return [entry for batch in batches for entry in batch.get(BATCH_RECORDS, [])]


def ranges(indices: Iterable[int]) -> str:
    """`0, 3-5, 9`: a short way to name many indices."""
    spans: list[list[int]] = []
    for index in sorted(set(indices)):
        if spans and index == spans[-1][1] + 1:
            spans[-1][1] = index
        else:
            spans.append([index, index])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def _in_table_indices(
    entries: Iterable[Mapping[str, Any]], table_hashes: Mapping[str, str]
) -> list[tuple[int, str]]:
    """(index, hash) of the valid and large entries whose item is in the table with their hash."""
    all_hashes: set[str] | None = None
    found: dict[int, str] = {}
    for entry in entries:
        if entry.get(KEY_STATUS) not in STORED_STATUSES:
            continue
        order_id = entry.get(KEY_ORDER_ID)
        if isinstance(order_id, str):
            present = table_hashes.get(order_id) == entry.get(KEY_HASH)
        else:
            # A large entry's order_id is null when it holds a character SQS refuses; the hash covers
            # the whole record, order id included, so an item with that hash is this record.
            if all_hashes is None:
                all_hashes = set(table_hashes.values())
            present = entry.get(KEY_HASH) in all_hashes
        if present:
            found[int(entry[KEY_INDEX])] = str(entry.get(KEY_HASH))
    return sorted(found.items())


def _is_record_review(review: Mapping[str, Any]) -> bool:
    return not review.get("file_rejected") and isinstance(review.get("record_index"), int)


def _describe(count: FileCount) -> str:
    if count.file_rejected:
        return f"a rejected file ({count.reason})"
    return f"{count.records} records"


def _number(attribute: Mapping[str, Any] | None) -> int | None:
    return int(attribute["N"]) if attribute and "N" in attribute else None


def _bool(attribute: Mapping[str, Any] | None) -> bool | None:
    return bool(attribute["BOOL"]) if attribute and "BOOL" in attribute else None


def _string(attribute: Mapping[str, Any] | None) -> str | None:
    return str(attribute["S"]) if attribute and "S" in attribute else None
