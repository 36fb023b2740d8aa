"""The conflict breaker's states in the rendered ASL (workflow/breaker.py; end to end:
tests/e2e/test_e2e_conflict_breaker.py).

Failure class: conflicts with records other files stored bypassed MaxRejectedRecords, so
a small upload could send any number of conflict reviews. Fails before the breaker: none of these
states existed and a file ended DONE whatever its conflicts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
LARGE = json.loads((ROOT / "output" / "statemachine.asl.json").read_text())
SMALL = json.loads((ROOT / "output" / "smallfile.asl.json").read_text())
CHILD = LARGE["States"]["ProcessBatches"]["ItemProcessor"]["States"]
TRIPPED = {"S": "TooManyConflicts"}


def test_a_child_counts_the_files_conflicts_so_far_and_trips_past_the_budget() -> None:
    count = CHILD["CountBatch"]
    assert count["Parameters"]["ReturnValues"] == "ALL_NEW"
    assert count["ResultSelector"] == {
        "conflicts.$": "States.StringToJson($.Attributes.rejected_by_reason.M.conflict.N)"
    }
    assert (count["ResultPath"], count["Next"]) == ("$.file_conflicts", "CheckBatchConflicts")
    assert "OutputPath" not in count
    assert CHILD["CheckBatchConflicts"] == {
        "Type": "Choice",
        "Choices": [
            {
                "Variable": "$.file_conflicts.conflicts",
                "NumericGreaterThanPath": "$.max_conflicts",
                "Next": "TripConflictBreaker",
            }
        ],
        "Default": "BatchCounted",
    }


def test_the_tripping_child_marks_the_file_failed_out_of_the_index_then_fails() -> None:
    trip = CHILD["TripConflictBreaker"]
    parameters = trip["Parameters"]
    assert parameters["Key"] == {"file_id": {"S.$": "$.ledger.file_id"}}
    assert parameters["UpdateExpression"] == (
        "SET #status = :failed, finished_at = :now, #error_name = :error REMOVE #open_since"
    )
    # only the parent execution's own claim
    assert parameters["ConditionExpression"] == "#execution_arn = :execution"
    assert parameters["ExpressionAttributeValues"][":execution"] == {"S.$": "$.ledger.execution_arn"}
    assert parameters["ExpressionAttributeValues"][":error"] == TRIPPED
    # the child fails whatever the write did: the Distributed Map (no tolerated failure) stops
    assert trip["Next"] == "BatchTooManyConflicts"
    assert trip["Catch"] == [
        {"ErrorEquals": ["States.ALL"], "Next": "BatchTooManyConflicts", "ResultPath": None}
    ]
    assert CHILD["BatchTooManyConflicts"]["Type"] == "Fail"
    assert CHILD["BatchTooManyConflicts"]["Error"] == "TooManyConflicts"
    assert LARGE["States"]["ProcessBatches"]["ToleratedFailurePercentage"] == 0


def test_the_parent_never_marks_over_the_breaker() -> None:
    mark_failed = LARGE["States"]["MarkFileFailed"]["Parameters"]
    assert mark_failed["ConditionExpression"].endswith(
        "AND (attribute_not_exists(#error_name) OR #error_name <> :unless_error)"
    )
    assert mark_failed["ExpressionAttributeValues"][":unless_error"] == TRIPPED


def test_the_small_lane_checks_after_its_one_batch_and_marks_the_file_failed_with_its_counts() -> None:
    states: dict[str, Any] = SMALL["States"]
    assert states["StoreRecords"]["Next"] == "CheckConflicts"
    assert states["CheckConflicts"]["Choices"][0]["Next"] == "MarkFileConflicted"
    conflicted = states["MarkFileConflicted"]
    done = states["MarkFileDone"]
    values = conflicted["Parameters"]["ExpressionAttributeValues"]
    assert values[":status"] == {"S": "FAILED"} and values[":error_name"] == TRIPPED
    # the same counts as MarkFileDone (every record of the batch is stored or reviewed by now)
    assert {k: v for k, v in values.items() if k not in (":status", ":error_name")} == {
        k: v for k, v in done["Parameters"]["ExpressionAttributeValues"].items() if k != ":status"
    }
    assert conflicted["Parameters"]["UpdateExpression"].endswith(" REMOVE #open_since")
    assert "#open_since = :now" not in conflicted["Parameters"]["UpdateExpression"]
    assert conflicted["Next"] == "TooManyConflicts"
    assert states["TooManyConflicts"]["Type"] == "Fail"
    assert states["TooManyConflicts"]["Error"] == "TooManyConflicts"
