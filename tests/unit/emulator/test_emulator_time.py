"""Emulated time (emulator/patches/sfn_emulated_time.py, emulator/clock.py): Retry waits advance the
execution's clock instead of sleeping, and an EXPRESS execution stops at 5 emulated minutes.

Failure class: an EXPRESS lane that runs past AWS's 5-minute limit (the EXPRESS 5-minute bound). Before the
patch
moto slept every Retry interval for real and had no EXPRESS limit: each run below waited minutes
(these tests' 60-second wait failed) and the EXPRESS ones would then have been caught and SUCCEEDED.
"""

from __future__ import annotations

from typing import Any

from .machines import Machines

MISSING_TABLE = "emulator-time-no-such-table"


def _retrying_task(interval: int, attempts: int, *, next_state: str | None = None) -> dict[str, Any]:
    """A task that always fails (a missing table), retried `attempts` times from `interval` seconds
    doubling, then caught."""
    task: dict[str, Any] = {
        "Type": "Task",
        "Resource": "arn:aws:states:::dynamodb:getItem",
        "Parameters": {"TableName": MISSING_TABLE, "Key": {"id": {"S": "x"}}},
        "Retry": [
            {
                "ErrorEquals": ["DynamoDB.ResourceNotFoundException"],
                "IntervalSeconds": interval,
                "MaxAttempts": attempts,
                "BackoffRate": 2.0,
            }
        ],
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught", "ResultPath": "$.error"}],
    }
    return task


def _machine(interval: int, attempts: int) -> dict[str, Any]:
    return {
        "StartAt": "Work",
        "States": {
            "Work": {**_retrying_task(interval, attempts), "Next": "Done"},
            "Caught": {"Type": "Pass", "End": True},
            "Done": {"Type": "Succeed"},
        },
    }


def test_express_past_five_emulated_minutes_times_out(machines: Machines) -> None:
    """Waits of 100 + 200 + 400 s pass 300 s at the third: TIMED_OUT, and the Catch never runs."""
    described = machines.run(_machine(100, 3), {}, machine_type="EXPRESS")
    assert described["status"] == "TIMED_OUT"
    assert "Caught" not in machines.entered(described["executionArn"])


def test_express_within_five_emulated_minutes_is_caught(machines: Machines) -> None:
    """Waits of 90 + 180 s stay under 300 s: the retries run out and the Catch runs."""
    described = machines.run(_machine(90, 2), {}, machine_type="EXPRESS")
    assert described["status"] == "SUCCEEDED"
    assert "Caught" in machines.entered(described["executionArn"])


def test_standard_waits_are_emulated_and_not_limited(machines: Machines) -> None:
    """A STANDARD run with the same 700 s of waits is not limited (a year on AWS), and returns at
    once: the waits are emulated."""
    described = machines.run(_machine(100, 3), {})
    assert described["status"] == "SUCCEEDED"
    assert "Caught" in machines.entered(described["executionArn"])


def _map_machine(items: int) -> dict[str, Any]:
    """An inline Map of `items` iterations, 10 at a time, each retrying 50 + 100 s then caught."""
    iteration = {
        "StartAt": "Work",
        "States": {"Work": {**_retrying_task(50, 2), "End": True}, "Caught": {"Type": "Pass", "End": True}},
    }
    return {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "MaxConcurrency": 10,
                "Iterator": iteration,
                "End": True,
            }
        },
    }


def test_an_inline_map_costs_its_waves_not_its_items(machines: Machines) -> None:
    """10 iterations of 150 s of waits, 10 at a time: one wave, 150 s. 20 of them: two waves, 300 s
    and more, so the EXPRESS run times out (AWS runs 10 at a time: the 11th starts after a first
    one ends)."""
    one_wave = machines.run(
        _map_machine(10), {"items": [{"i": i} for i in range(10)]}, machine_type="EXPRESS"
    )
    assert one_wave["status"] == "SUCCEEDED"
    two_waves = machines.run(
        _map_machine(20), {"items": [{"i": i} for i in range(20)]}, machine_type="EXPRESS"
    )
    assert two_waves["status"] == "TIMED_OUT"
