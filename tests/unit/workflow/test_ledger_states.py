"""Literal pins of the ledger's reconciliation in both state machines (workflow/recordstates.py, batches.py,
ledgerwrites.py, filestates.py, express.py): what each state writes, and the once-per-batch guard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
LARGE = json.loads((ROOT / "output" / "statemachine.asl.json").read_text())
SMALL = json.loads((ROOT / "output" / "smallfile.asl.json").read_text())
CHILD = LARGE["States"]["ProcessBatches"]["ItemProcessor"]["States"]
RECORD = CHILD["StoreBatch"]["ItemProcessor"]["States"]


def test_store_record_outputs_stored_and_an_identical_re_put_duplicate() -> None:
    """F5: a put never replaces an item; a failed condition with the same hash is the duplicate outcome."""
    store = RECORD["StoreRecord"]
    assert store["ResultSelector"] == {"outcome": "stored"}
    assert (store["ResultPath"], store["OutputPath"]) == ("$.outcome", "$.outcome")
    assert RECORD["IsIdenticalRePut"]["Choices"][0]["Next"] == "RecordDuplicate"
    assert RECORD["RecordDuplicate"] == {"Type": "Pass", "Parameters": {"outcome": "duplicate"}, "End": True}


def test_every_review_path_ends_in_the_rejected_outcome_with_its_reason() -> None:
    for name in ("SendRejection", "SendConflict", "SendMinimalReview"):
        assert RECORD[name]["Next"] == "RecordRejected" and "OutputPath" not in RECORD[name]
    assert RECORD["RecordRejected"]["Parameters"] == {
        "outcome": "rejected",
        "reason.$": "$.record.review.reason",
    }
    assert RECORD["StoreLargeRecord"]["ResultSelector"] == {"outcome.$": "$.outcome"}


@pytest.mark.parametrize("record_map", [CHILD["StoreBatch"], SMALL["States"]["StoreRecords"]])
def test_a_record_map_counts_its_outcomes(record_map: dict[str, Any]) -> None:
    assert record_map["ResultPath"] == "$.outcomes"
    selector = record_map["ResultSelector"]
    assert selector["stored.$"] == "States.ArrayLength($[?(@.outcome == 'stored')])"
    assert selector["duplicates.$"] == "States.ArrayLength($[?(@.outcome == 'duplicate')])"
    assert selector["rejected.$"] == "States.ArrayLength($[?(@.outcome == 'rejected')])"
    assert selector["conflicts.$"] == "States.ArrayLength($[?(@.reason == 'conflict')])"


def test_a_batch_is_counted_once_and_only_into_its_own_execution_item() -> None:
    count = CHILD["CountBatch"]
    assert CHILD["StoreBatch"]["Next"] == "CountBatch"
    parameters = count["Parameters"]
    assert parameters["UpdateExpression"].startswith(
        "ADD #stored :stored, #duplicates :duplicates, #rejected :rejected, #counted_batches :batches SET "
    )
    assert parameters["ConditionExpression"] == (
        "#execution_arn = :execution AND NOT contains(#counted_batches, :batch)"
    )
    [catch] = count["Catch"]
    assert catch["ErrorEquals"] == ["DynamoDB.ConditionalCheckFailedException"]
    assert CHILD[catch["Next"]] == {"Type": "Pass", "OutputPath": "$.batch", "End": True}
    selector = LARGE["States"]["ProcessBatches"]["ItemSelector"]
    assert selector["ledger"] == {"file_id.$": "$.file.file_id", "execution_arn.$": "$$.Execution.Id"}


def test_the_claim_starts_the_counters_at_zero_in_both_lanes() -> None:
    for definition in (LARGE, SMALL):
        item = definition["States"]["ClaimFile"]["Parameters"]["Item"]
        zeros = {name: item[name] for name in ("stored", "duplicates", "rejected", "rejected_by_reason")}
        assert zeros == {
            "stored": {"N": "0"},
            "duplicates": {"N": "0"},
            "rejected": {"N": "0"},
            "rejected_by_reason": {"M": {}},
        }


def test_the_large_lane_records_the_validators_reasons_before_its_batches() -> None:
    states = LARGE["States"]
    assert states["RouteFile"]["Choices"][1]["Next"] == "RecordValidation"
    assert states["RecordValidation"]["Next"] == "ProcessBatches"
    values = states["RecordValidation"]["Parameters"]["ExpressionAttributeValues"]
    assert values == {
        ":reasons.$": "$.validation.ledger.rejected_by_reason",
        ":execution": {"S.$": "$$.Execution.Id"},
    }
    assert states["RecordValidation"]["Parameters"]["ConditionExpression"] == "#execution_arn = :execution"
    assert "stored" not in states["MarkFileDone"]["Parameters"]["UpdateExpression"]


def test_the_small_lane_writes_its_counts_with_mark_file_done() -> None:
    done = SMALL["States"]["MarkFileDone"]["Parameters"]
    assert "#stored = :stored" in done["UpdateExpression"]
    assert done["ExpressionAttributeValues"][":rejected_by_reason"] == {
        "M.$": "States.JsonMerge($.validation.ledger.rejected_by_reason.M, $.outcomes.reasons, false)"
    }
    assert SMALL["States"]["RouteFile"]["Default"] == "NoRecords"
    assert SMALL["States"]["NoRecords"]["Next"] == "MarkFileDone"


@pytest.mark.parametrize("definition", [LARGE, SMALL], ids=["standard", "express"])
@pytest.mark.parametrize("state", ["MarkFileDone", "MarkFileRejected"])
def test_done_files_get_the_validators_expiry(definition: dict[str, Any], state: str) -> None:
    parameters = definition["States"][state]["Parameters"]
    assert "#expires_at = :expires_at" in parameters["UpdateExpression"]
    assert parameters["ExpressionAttributeValues"][":expires_at.$"] == "$.validation.ledger.expires_at"
    assert "expires_at" not in json.dumps(definition["States"]["MarkFileFailed"])


@pytest.mark.parametrize("definition", [LARGE, SMALL], ids=["standard", "express"])
def test_every_ledger_write_after_the_claim_changes_only_the_claim_it_owns(
    definition: dict[str, Any],
) -> None:
    """F11: a retried or late MarkFileFailed (or any later ledger write) cannot overwrite another
    execution's claim, e.g. a running STANDARD run's IN_PROGRESS after a hand-off. Fails before the
    watchdog change (the updates were unconditional)."""
    states = definition["States"]
    writes = [
        name
        for name, state in states.items()
        if state.get("Resource") == "${DynamodbUpdateItemArn}"
        and state["Parameters"]["TableName"] == "${FileLedgerTableName}"
    ]
    expected = {"MarkFileDone", "MarkFileRejected", "MarkFileFailed"}
    # The large lane's conflict breaker is tripped in a child (TripConflictBreaker), not the parent.
    # The large lane's continuation loop marks a file past its turns itself.
    large = {"RecordValidation", "MarkFileTooManyContinuations"}
    expected |= large if definition is LARGE else {"MarkFileHandedOff", "MarkFileConflicted"}
    assert set(writes) == expected
    for name in writes:
        parameters = states[name]["Parameters"]
        # MarkFileFailed also leaves a conflict breaker's mark alone (test_conflict_breaker_states.py).
        condition = parameters["ConditionExpression"].removesuffix(
            " AND (attribute_not_exists(#error_name) OR #error_name <> :unless_error)"
            * (name == "MarkFileFailed")
        )
        assert condition == "#execution_arn = :execution", name
        assert parameters["ExpressionAttributeNames"]["#execution_arn"] == "execution_arn", name
        assert parameters["ExpressionAttributeValues"][":execution"] == {"S.$": "$$.Execution.Id"}, name


@pytest.mark.parametrize("definition", [LARGE, SMALL], ids=["standard", "express"])
def test_open_files_carry_open_since_and_done_files_leave_the_index(definition: dict[str, Any]) -> None:
    """F1/F11: the watchdog's sparse index holds exactly the open files: the claim, a hand-off and a
    failure set open_since (the deadline counts from it), DONE removes it; the claim records the
    object's identity a re-drive is rebuilt from. Fails before the watchdog change."""
    states = definition["States"]
    claim = states["ClaimFile"]["Parameters"]["Item"]
    assert claim["open_since"] == {"S.$": "$$.State.EnteredTime"}
    assert claim["s3_object"] == {"S.$": "States.JsonToString($.file)"}
    opened = {"MarkFileFailed"} | ({"MarkFileHandedOff"} if definition is SMALL else set())
    for name in opened:
        expression = states[name]["Parameters"]["UpdateExpression"]
        assert "#open_since = :now" in expression and "REMOVE" not in expression, name
    # MarkFileConflicted: FAILED, but never re-driven (the same conflicts would be reviewed again).
    done = ("MarkFileDone", "MarkFileRejected") + (("MarkFileConflicted",) if definition is SMALL else ())
    for name in done:
        assert states[name]["Parameters"]["UpdateExpression"].endswith(" REMOVE #open_since"), name
