"""The small-file lane's state machine (EXPRESS), pinned as literal dicts where it differs from the
large-file parent; the per-record graph and the file ends are the parent's own (shared, not copied)."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest

from handlers.seams.throughput import INLINE_MAX_RECORDS, SMALL_FILE_RECORD_CONCURRENCY
from workflow.definition import build_definition, build_small_file_definition
from workflow.retries import EXPRESS_LANE_ATTEMPTS
from workflow.worstcase import Settings, graph_cost

OUTPUT = Path(__file__).resolve().parents[3] / "output"

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


def _lane_variant(child: dict[str, Any]) -> dict[str, Any]:
    """The batch children's per-record graph as the small lane runs it: the lane's retry budget on every
    call, and no claim-checked branch (the validator hands off a file with a large record)."""
    variant = copy.deepcopy(child)
    states = variant["States"]
    for name in ("StoreLargeRecord", "DescribeLargeConflict"):
        del states[name]
    route = states["RouteRecord"]
    route["Choices"] = [c for c in route["Choices"] if c["Next"] != "StoreLargeRecord"]
    states["UnknownEntry"]["Cause"] = "A manifest entry has a status other than valid or invalid"
    for state in states.values():
        for retrier in state.get("Retry", []):
            retrier["MaxAttempts"] = EXPRESS_LANE_ATTEMPTS
    return variant


def test_store_records_runs_the_per_record_graph_of_the_batch_children_within_the_lane_budget(
    small: dict[str, Any], parent: dict[str, Any]
) -> None:
    """Pins the small lane's time bound: its per-record graph is the children's own, except the lane's
    retry budget (2 attempts, was 6) and no StoreLargeRecord branch (was a 60 s Lambda x 7 attempts)."""
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
    # its outcome counts go to MarkFileDone through the conflict breaker's CheckConflicts (past the
    # file's budget of conflicts with other files' records: MarkFileConflicted)
    assert store["ResultPath"] == "$.outcomes" and store["Next"] == "CheckConflicts"
    assert small["CheckConflicts"] == {
        "Type": "Choice",
        "Choices": [
            {
                "Variable": "$.outcomes.conflicts",
                "NumericGreaterThanPath": "$.validation.max_conflicts",
                "Next": "MarkFileConflicted",
            }
        ],
        "Default": "MarkFileDone",
    }
    assert store["Catch"] == [
        {"ErrorEquals": ["States.ALL"], "Next": "MarkFileFailed", "ResultPath": "$.error"}
    ]
    assert store["MaxConcurrency"] == SMALL_FILE_RECORD_CONCURRENCY
    child = parent["ProcessBatches"]["ItemProcessor"]["States"]["StoreBatch"]["ItemProcessor"]
    assert store["ItemProcessor"] == _lane_variant(child)


def test_every_retry_of_the_small_lane_is_within_its_budget(small: dict[str, Any]) -> None:
    retriers = [(name, retrier) for name, state in _all_states(small) for retrier in state.get("Retry", [])]
    assert retriers and all(r["MaxAttempts"] <= EXPRESS_LANE_ATTEMPTS for _, r in retriers), retriers


def _all_states(states: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = list(states.items())
    for state in states.values():
        if "ItemProcessor" in state:
            found += _all_states(state["ItemProcessor"]["States"])
    return found


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
    their_sets = theirs["UpdateExpression"].removesuffix(" REMOVE #open_since")
    assert mine["UpdateExpression"].startswith(their_sets + ", ")
    assert mine["UpdateExpression"].endswith(" REMOVE #open_since")
    assert theirs["ExpressionAttributeValues"].items() <= mine["ExpressionAttributeValues"].items()


def _waits(retrier: dict[str, Any]) -> float:
    """The longest a retrier can wait in total (before jitter shortens it)."""
    interval, rate = retrier.get("IntervalSeconds", 1), retrier.get("BackoffRate", 2.0)
    cap = retrier.get("MaxDelaySeconds", float("inf"))
    return sum(min(interval * rate**k, cap) for k in range(retrier.get("MaxAttempts", 3)))


def _longest_wait(states: dict[str, Any], name: str, items: int) -> float:
    """Retry waits and Task timeouts on the worst path from `name` to an end (the graph has no cycles);
    a Map runs `items` items in ceil(items / MaxConcurrency) waves, each as long as its worst item.

    Before the small lane's time bound this added a Map's item path once, not once per wave (220 s claimed
    for a
    lane whose real worst case was ~510 s for 100 records).
    """
    state = states[name]
    own = sum(_waits(r) for r in state.get("Retry", []))
    if "TimeoutSeconds" in state:
        own += state["TimeoutSeconds"] * (1 + sum(r.get("MaxAttempts", 3) for r in state.get("Retry", [])))
    processor = state.get("ItemProcessor")
    if processor:
        waves = math.ceil(items / (state.get("MaxConcurrency") or items))
        own += waves * _longest_wait(processor["States"], processor["StartAt"], items)
    following = [state.get("Next"), state.get("Default")]
    following += [c["Next"] for c in state.get("Choices", []) + state.get("Catch", [])]
    return own + max((_longest_wait(states, n, items) for n in following if n), default=0.0)


def _rendered_small_file_asl() -> dict[str, Any]:
    rendered: dict[str, Any] = json.loads((OUTPUT / "smallfile.asl.json").read_text(encoding="utf-8"))
    return rendered


def test_the_worst_case_waiting_fits_an_express_execution_with_room_for_the_calls() -> None:
    """An EXPRESS execution that reaches 5 minutes stops without running a Catch: the ledger item would
    stay IN_PROGRESS. Every wait on the way, in every wave of the largest inline file, is bounded so that
    this cannot happen by waiting. Fails before the small lane's time bound: 40 waves x 153 s for 400
    records."""
    definition = _rendered_small_file_asl()
    assert definition == build_small_file_definition()  # output/ is what the code builds
    worst = _longest_wait(definition["States"], definition["StartAt"], INLINE_MAX_RECORDS)
    assert worst <= EXPRESS_SECONDS - 60, worst


def test_the_waits_alone_agree_with_the_rendered_worst_case_table() -> None:
    """Two computations of the same path (this test's waits-only one and workflow/worstcase.py's, which
    also counts each call) agree: the table's figure is the waits plus the calls' own bound."""
    definition = _rendered_small_file_asl()
    waits = _longest_wait(definition["States"], definition["StartAt"], INLINE_MAX_RECORDS)
    settings = Settings(items={"StoreRecords": INLINE_MAX_RECORDS}, attempt_seconds=lambda state: 0.0)
    assert graph_cost(definition["States"], definition["StartAt"], settings).seconds == waits
