"""A Distributed Map fails (States.ExceedToleratedFailureThreshold, catchable) past its tolerance.

Gap: moto 5.2.5 parses ToleratedFailurePercentage/Count but discards a failed child and reports the
Map as succeeded (emulator/patches/sfn_tolerated_failure.py). Every test here that expects a failure
fails without that patch.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from emulator import DeployedStack
from emulator.outcome import Executions, upload
from emulator.patches.sfn_tolerated_failure import exceeded

from .machines import Machines

THRESHOLD_ERROR = "States.ExceedToleratedFailureThreshold"


def _distributed_map(**tolerance: Any) -> dict[str, Any]:
    """A machine whose Distributed Map fails the children whose item is {"fail": true}; caught."""
    return {
        "StartAt": "Items",
        "States": {
            "Items": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Route",
                    "States": {
                        "Route": {
                            "Type": "Choice",
                            "Choices": [{"Variable": "$.fail", "BooleanEquals": True, "Next": "Broken"}],
                            "Default": "Fine",
                        },
                        "Broken": {"Type": "Fail", "Error": "ChildFailed", "Cause": "item asked to fail"},
                        "Fine": {"Type": "Pass", "End": True},
                    },
                },
                **tolerance,
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught", "ResultPath": "$.error"}],
                "ResultPath": None,
                "Next": "Done",
            },
            "Caught": {"Type": "Pass", "Parameters": {"caught.$": "$.error.Error"}, "End": True},
            "Done": {"Type": "Pass", "Result": {"caught": None}, "End": True},
        },
    }


def _items(failing: int, total: int) -> dict[str, Any]:
    return {"items": [{"fail": index < failing} for index in range(total)]}


@pytest.mark.parametrize(
    ("tolerance", "failing", "total", "caught"),
    [
        ({"ToleratedFailurePercentage": 0.0}, 1, 3, THRESHOLD_ERROR),
        ({"ToleratedFailurePercentage": 0.0}, 0, 3, None),
        ({}, 1, 2, THRESHOLD_ERROR),  # neither given: nothing tolerated
        ({"ToleratedFailureCount": 1}, 1, 3, None),
        ({"ToleratedFailureCount": 1}, 2, 3, THRESHOLD_ERROR),
        ({"ToleratedFailurePercentage": 50.0}, 2, 4, None),
        ({"ToleratedFailurePercentage": 50.0}, 3, 4, THRESHOLD_ERROR),
        ({"ToleratedFailurePercentage": 100.0}, 3, 3, None),  # the count, not given, is not in effect
        ({"ToleratedFailurePercentage": 50.0, "ToleratedFailureCount": 0}, 1, 4, THRESHOLD_ERROR),
    ],
    ids=[
        "pct0-one-fails",
        "pct0-none-fails",
        "neither-one-fails",
        "count1-one-fails",
        "count1-two-fail",
        "pct50-half-fails",
        "pct50-more-fail",
        "pct100-all-fail",
        "either-threshold",
    ],
)
def test_a_map_fails_with_the_aws_error_exactly_past_its_tolerance(
    machines: Machines, tolerance: dict[str, Any], failing: int, total: int, caught: str | None
) -> None:
    output = machines.output(_distributed_map(**tolerance), _items(failing, total))
    assert output["caught"] == caught


def test_an_uncaught_threshold_fails_the_execution_and_the_map_run(machines: Machines) -> None:
    definition = _distributed_map(ToleratedFailurePercentage=0.0)
    del definition["States"]["Items"]["Catch"]
    described = machines.run(definition, _items(1, 2))
    assert (described["status"], described["error"]) == ("FAILED", THRESHOLD_ERROR)
    sfn = machines.stack.clients.stepfunctions
    [run] = sfn.list_map_runs(executionArn=described["executionArn"])["mapRuns"]
    map_run = sfn.describe_map_run(mapRunArn=run["mapRunArn"])
    assert map_run["status"] == "FAILED"
    assert map_run["itemCounts"]["failed"] == 1


def test_a_conflicting_record_in_the_fixture_file_fails_its_map_and_is_caught(
    fixture_stack: DeployedStack,
) -> None:
    # GIVEN a file whose second record repeats the first's id (the conditional putItem fails)
    order_id = f"dup-{uuid.uuid4().hex[:8]}"
    body = json.dumps([{"id": order_id}, {"id": order_id}]).encode()
    target = upload(fixture_stack, f"dup-{order_id}.json", body)

    # WHEN its execution finishes
    [execution] = Executions(fixture_stack).wait([target], timeout=60)[target]

    # THEN the Map failed with the AWS error, which the machine caught and sent for review
    assert execution["status"] == "SUCCEEDED"
    sqs, queue = fixture_stack.clients.sqs, fixture_stack.output("QueueUrl")
    bodies = []
    while messages := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages"):
        bodies += [json.loads(m["Body"]) for m in messages]
    assert {"key": target.key, "error": THRESHOLD_ERROR} in bodies


@pytest.mark.parametrize(
    ("failed", "total", "count", "percentage", "expected"),
    [
        (0, 0, None, None, False),
        (1, 10, None, None, True),
        (1, 10, 1, None, False),
        (2, 10, 1, None, True),
        (1, 10, None, 10.0, False),
        (2, 10, None, 10.0, True),
        (2, 10, 5, 10.0, True),
        (2, 10, 1, 50.0, True),
        (10, 10, None, 100.0, False),
    ],
)
def test_threshold_arithmetic(
    failed: int, total: int, count: int | None, percentage: float | None, expected: bool
) -> None:
    assert exceeded(failed, total, count=count, percentage=percentage) is expected
