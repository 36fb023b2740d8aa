"""The conflict breaker: conflicts with other files' records count toward MaxRejectedRecords.

The validator rejects a file whole past MaxRejectedRecords rejected records, conflicts inside the file
included (handlers/core/conflicts.py). A conflict with a record another file stored is found only at store
time (StoreRecord's condition, workflow/recordstates.py), so its budget travels with the file: the
validator's result carries `max_conflicts` = MaxRejectedRecords minus the records it rejected. Past
it the file's stores stop and the file ends FAILED with error_name TooManyConflicts and its counts,
out of the watchdog's index (a re-drive would send the same conflicts to review again), and the
execution fails (the ExecutionsFailed alarm).

Small lane: its one batch (at most INLINE_MAX_RECORDS records) is stored by then; CheckConflicts
after StoreRecords. Large lane: the batch whose CountBatch takes the file's conflicts past the budget
trips it (TripConflictBreaker, then the child fails and, ToleratedFailurePercentage 0, the
Distributed Map starts no further batch); at most BATCH_CONCURRENCY batches are in flight then.
"""

from __future__ import annotations

from typing import Any

from stepfunctions.steps.choice_rule import ChoiceRule

from workflow.sdk import Choice

# The ledger attribute naming why a file is FAILED (MarkFileFailed writes the caught error's name).
ERROR_NAME = "error_name"
ERROR_TOO_MANY_CONFLICTS = "TooManyConflicts"
TOO_MANY_CONFLICTS_CAUSE = (
    "More than MaxRejectedRecords records of the file were rejected, counting its conflicts with "
    "records other files stored: its stores stopped. The ledger item is FAILED (error_name "
    "TooManyConflicts, not re-driven: the same conflicts would be sent to review again) and counts "
    "what was stored and reviewed"
)


def conflicts_past_limit(
    conflicts_path: str, limit_path: str, *, state_id: str, tripped: Any, default: Any
) -> Choice:
    """The breaker's test: the conflicts at `conflicts_path` past the file's budget at `limit_path`
    (the validator's `max_conflicts`) go to `tripped`, else `default`."""
    check = Choice(state_id)
    check.add_choice(ChoiceRule.NumericGreaterThanPath(conflicts_path, limit_path), tripped)
    check.default_choice(default)
    return check
