"""The small-file lane's state machine (EXPRESS), pinned as literal dicts where it differs from the
large-file parent; the per-record graph and the file ends are the parent's own (shared, not copied)."""

from __future__ import annotations

from typing import Any

import pytest

from workflow.definition import build_definition, build_small_file_definition

EXPRESS_SECONDS = 300  # an EXPRESS execution's maximum duration


@pytest.fixture(scope="module")
def small() -> dict[str, Any]:
    states: dict[str, Any] = build_small_file_definition()["States"]
    return states


@pytest.fixture(scope="module")
def parent() -> dict[str, Any]:
    states: dict[str, Any] = build_definition()["States"]
    return states


def test_claim_file_claims_for_the_express_lane_and_never_takes_over_a_handed_off_file(
    small: dict[str, Any],
) -> None:
    claim = small["ClaimFile"]
    assert claim["Parameters"]["Item"]["lane"] == {"S": "express"}
    assert claim["Parameters"]["ConditionExpression"] == "attribute_not_exists(file_id) OR #status = :failed"
    assert claim["Parameters"]["ExpressionAttributeValues"] == {":failed": {"S": "FAILED"}}
    assert claim["Retry"][0]["MaxAttempts"] == 2
    assert claim["Catch"][0] == {
        "ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"],
        "Next": "AlreadyProcessed",
        "ResultPath": None,
    }


def test_validate_file_asks_for_the_inline_result_and_hands_off_what_the_large_lane_retries_better(
    small: dict[str, Any],
) -> None:
    validate = small["ValidateFile"]
    assert validate["Parameters"] == {
        "bucket.$": "$.file.bucket",
        "key.$": "$.file.key",
        "version_id.$": "$.file.version_id",
        "etag.$": "$.file.etag",
        "inline": True,
    }
    assert validate["TimeoutSeconds"] == 30 and validate["ResultPath"] == "$.validation"
    [retry] = validate["Retry"]
    assert retry["MaxAttempts"] == 1 and "Lambda.TooManyRequestsException" not in retry["ErrorEquals"]
    to_handoff, to_failed = validate["Catch"]
    assert to_handoff["Next"] == "DescribeHandOff" and to_handoff["ResultPath"] == "$.error"
    assert {"States.Timeout", "Lambda.TooManyRequestsException", "TransientError"} <= set(
        to_handoff["ErrorEquals"]
    )
    assert to_failed == {"ErrorEquals": ["States.ALL"], "Next": "MarkFileFailed", "ResultPath": "$.error"}


def test_route_file_rejects_hands_off_stores_or_is_done(small: dict[str, Any]) -> None:
    assert small["RouteFile"]["Choices"] == [
        {"Variable": "$.validation.file_rejected", "BooleanEquals": True, "Next": "SendFileRejection"},
        {"Variable": "$.validation.handoff", "BooleanEquals": True, "Next": "MarkFileHandedOff"},
        {"Variable": "$.validation.batches", "NumericGreaterThan": 0, "Next": "StoreRecords"},
    ]
    # a file without records: zero outcome counts (NoRecords), then MarkFileDone
    assert small["RouteFile"]["Default"] == "NoRecords" and small["NoRecords"]["Next"] == "MarkFileDone"


def test_hand_off_marks_the_ledger_first_then_starts_the_large_lane_with_the_original_event(
    small: dict[str, Any],
) -> None:
    assert small["DescribeHandOff"] == {
        "Type": "Pass",
        "Parameters": {
            "file_rejected": False,
            "handoff": True,
            "handoff_reason.$": "$.error.Error",
            "records": None,
        },
        "ResultPath": "$.validation",
        "Next": "MarkFileHandedOff",
    }
    mark = small["MarkFileHandedOff"]
    assert mark["Parameters"]["ExpressionAttributeValues"][":status"] == {"S": "HANDED_OFF"}
    assert mark["Parameters"]["ExpressionAttributeValues"][":handoff_reason"] == {
        "S.$": "$.validation.handoff_reason"
    }
    assert mark["Next"] == "HandOff"
    hand_off = small["HandOff"]
    assert hand_off["Resource"] == "${StatesStartExecutionArn}"
    assert hand_off["Parameters"] == {
        "StateMachineArn": "${LargeFileStateMachineArn}",
        "Input.$": "$$.Execution.Input",
    }
    assert hand_off["ResultPath"] is None and hand_off["Next"] == "FileHandedOff"
    assert hand_off["Catch"] == [
        {"ErrorEquals": ["States.ALL"], "Next": "MarkFileFailed", "ResultPath": "$.error"}
    ]
    assert small["FileHandedOff"]["Type"] == "Succeed"


def test_store_records_runs_the_very_per_record_graph_of_the_batch_children(
    small: dict[str, Any], parent: dict[str, Any]
) -> None:
    store = small["StoreRecords"]
    assert store["ItemsPath"] == "$.validation.batch.records"
    assert store["ItemSelector"] == {
        "record.$": "$$.Map.Item.Value",
        "source.$": "$.validation.batch.source",
        "review_source.$": "$.validation.batch.review_source",
        "source_attribute": {
            "_pipeline_source": {
                "M": {
                    "bucket.$": "$.validation.batch.item_source.bucket",
                    "key.$": "$.validation.batch.item_source.key",
                    "version_id.$": "$.validation.batch.item_source.version_id",
                    "record_index": {"N.$": "States.JsonToString($$.Map.Item.Value.index)"},
                }
            }
        },
    }
    # its outcome counts go to MarkFileDone (the small lane's only ledger write after the claim)
    assert store["ResultPath"] == "$.outcomes" and store["Next"] == "MarkFileDone"
    assert store["Catch"] == [
        {"ErrorEquals": ["States.ALL"], "Next": "MarkFileFailed", "ResultPath": "$.error"}
    ]
    child = parent["ProcessBatches"]["ItemProcessor"]["States"]["StoreBatch"]["ItemProcessor"]
    assert store["ItemProcessor"] == child


def test_the_file_ends_are_the_parents_with_short_ledger_retries(
    small: dict[str, Any], parent: dict[str, Any]
) -> None:
    for name in ("MarkFileRejected", "MarkFileFailed", "SendFileRejection", "CheckObject"):
        mine, theirs = dict(small[name]), dict(parent[name])
        for state in (mine, theirs):
            state.pop("Retry", None)
        assert mine == theirs, name
    assert small["MarkFileDone"]["Retry"][0]["MaxAttempts"] == 2
    # MarkFileDone: the parent's attributes, plus the outcome counts the large lane's batches add
    mine, theirs = small["MarkFileDone"]["Parameters"], parent["MarkFileDone"]["Parameters"]
    assert mine["UpdateExpression"].startswith(theirs["UpdateExpression"] + ", ")
    assert theirs["ExpressionAttributeValues"].items() <= mine["ExpressionAttributeValues"].items()


def _waits(retrier: dict[str, Any]) -> float:
    """The longest a retrier can wait in total (before jitter shortens it)."""
    interval, rate = retrier.get("IntervalSeconds", 1), retrier.get("BackoffRate", 2.0)
    cap = retrier.get("MaxDelaySeconds", float("inf"))
    return sum(min(interval * rate**k, cap) for k in range(retrier.get("MaxAttempts", 3)))


def _longest_wait(states: dict[str, Any], name: str) -> float:
    """Retry waits and Task timeouts on the worst path from `name` to an end (the graph has no cycles)."""
    state = states[name]
    own = sum(_waits(r) for r in state.get("Retry", []))
    if "TimeoutSeconds" in state:
        own += state["TimeoutSeconds"] * (1 + sum(r.get("MaxAttempts", 3) for r in state.get("Retry", [])))
    processor = state.get("ItemProcessor")
    if processor:
        own += _longest_wait(processor["States"], processor["StartAt"])
    following = [state.get("Next"), state.get("Default")]
    following += [c["Next"] for c in state.get("Choices", []) + state.get("Catch", [])]
    return own + max((_longest_wait(states, n) for n in following if n), default=0.0)


def test_the_worst_case_waiting_fits_an_express_execution_with_room_for_the_calls() -> None:
    # An EXPRESS execution that reaches 5 minutes stops without running a Catch: the ledger item would
    # stay IN_PROGRESS. Every wait on the way is bounded so that this cannot happen by waiting.
    definition = build_small_file_definition()
    worst = _longest_wait(definition["States"], definition["StartAt"])
    assert worst <= EXPRESS_SECONDS - 60, worst
