"""A bounded loop is priced from the rendered ASL; every other cycle still has no worst case.

Failure classes: a loop without a bound accepted (an execution that can run past its history or its
year and a worst case that claims otherwise); a loop whose counter another state can reset, or that is
entered elsewhere than at its guard, or whose guard is not a literal bound, priced as if bounded; the
continuation loop (workflow/turns.py) priced other than its MAX_CONTINUATIONS laps. Fails before this
change: every cycle raised WorstCaseError, so the continuation loop could not be built.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from handlers.seams.throughput import MAX_CONTINUATIONS
from workflow.worstcase import Settings, WorstCaseError, graph_cost

OUTPUT = Path(__file__).resolve().parents[3] / "output"
SETTINGS = Settings(items={}, attempt_seconds=lambda state: 10.0)


def _loop(bound: Any = 5) -> dict[str, Any]:
    """Start (counter 0) -> Guard (count < bound) -> Work (10 s) -> Count (+1) -> Guard; Done."""
    return {
        "Start": {"Type": "Pass", "Result": {"count": 0}, "ResultPath": "$.turn", "Next": "Guard"},
        "Guard": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.turn.count", "NumericLessThan": bound, "Next": "Work"}],
            "Default": "Done",
        },
        "Work": {"Type": "Task", "Resource": "r", "ResultPath": "$.result", "Next": "Route"},
        "Route": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.result.more", "BooleanEquals": True, "Next": "Count"}],
            "Default": "Done",
        },
        "Count": {
            "Type": "Pass",
            "Parameters": {"count.$": "States.MathAdd($.turn.count, 1)"},
            "ResultPath": "$.turn",
            "Next": "Guard",
        },
        "Done": {"Type": "Succeed"},
    }


def test_a_bounded_loop_is_priced_as_its_bound_plus_one_laps_plus_the_way_out() -> None:
    cost = graph_cost(_loop(5), "Start", SETTINGS)
    # a lap: Guard, Work (10 s, 1 request), Route, Count; 6 laps (5 + the part of one more), then Done
    assert (cost.seconds, cost.requests, cost.transitions) == (60.0, 6, 1 + 6 * 4 + 1)
    assert cost.path == ("Start", "Guard[5 + 1 laps of Guard > Work > Route > Count]", "Done")


def test_the_bound_scales_the_price() -> None:
    small, large = graph_cost(_loop(2), "Start", SETTINGS), graph_cost(_loop(20), "Start", SETTINGS)
    assert (small.seconds, large.seconds) == (30.0, 210.0)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"Count": {"Type": "Pass", "Next": "Guard"}}, "no counter incremented"),
        (
            {
                "Count": {
                    "Type": "Pass",
                    "Parameters": {"count.$": "States.MathAdd($.turn.count, 2)"},
                    "ResultPath": "$.turn",
                    "Next": "Guard",
                }
            },
            "adds 2",
        ),
        (
            {
                "Count": {
                    "Type": "Pass",
                    "Parameters": {"count.$": "States.MathAdd($.turn.count, 1)"},
                    "ResultPath": "$.other",
                    "Next": "Guard",
                }
            },
            "increments another path",
        ),
        (
            {"Work": {"Type": "Task", "Resource": "r", "Next": "Route"}},
            "the task's result replaces the state",
        ),
        ({"Work": {"Type": "Task", "Resource": "r", "ResultPath": "$.turn", "Next": "Route"}}, "resets"),
        ({"Work": {"Type": "Task", "Resource": "r", "ResultPath": "$", "Next": "Route"}}, "replaces all"),
        (
            {
                "Work": {
                    "Type": "Task",
                    "Resource": "r",
                    "ResultPath": "$.result",
                    "OutputPath": "$.result",
                    "Next": "Route",
                }
            },
            "OutputPath",
        ),
        (
            {
                "Work": {
                    "Type": "Task",
                    "Resource": "r",
                    "ResultPath": "$.result",
                    "Next": "Route",
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Count"}],
                }
            },
            "a Catch stays on the loop",
        ),
        (
            {
                "Guard": {
                    "Type": "Choice",
                    "Default": "Work",
                    "Choices": [{"Variable": "$.turn.count", "NumericGreaterThan": 5, "Next": "Done"}],
                }
            },
            "no upper bound",
        ),
        (
            {
                "Guard": {
                    "Type": "Choice",
                    "Default": "Done",
                    "Choices": [{"Variable": "$.turn.count", "NumericLessThanPath": "$.max", "Next": "Work"}],
                }
            },
            "a bound from the state data",
        ),
        (
            {"Start": {"Type": "Pass", "Result": {"count": -100}, "ResultPath": "$.turn", "Next": "Guard"}},
            "a negative start",
        ),
        (
            {
                "Start": {
                    "Type": "Pass",
                    "Parameters": {"count.$": "$.n"},
                    "ResultPath": "$.turn",
                    "Next": "Guard",
                }
            },
            "a start from the state data",
        ),
        (
            {"Start": {"Type": "Pass", "Result": {"count": 0}, "ResultPath": "$.turn", "Next": "Work"}},
            "entered inside",
        ),
        (
            {
                "Route": {
                    "Type": "Choice",
                    "Default": "Done",
                    "Choices": [
                        {"Variable": "$.result.more", "BooleanEquals": True, "Next": "Count"},
                        {"Variable": "$.result.again", "BooleanEquals": True, "Next": "Work"},
                    ],
                }
            },
            "a loop inside the loop",
        ),
    ],
)
def test_any_other_cycle_has_no_worst_case(change: dict[str, Any], why: str) -> None:
    states = {**_loop(), **change}
    with pytest.raises(WorstCaseError, match="loop"):
        graph_cost(states, "Start", SETTINGS)


@pytest.mark.parametrize("bound", [5.0, True, "5", -1])
def test_the_bound_is_a_literal_non_negative_integer(bound: Any) -> None:
    with pytest.raises(WorstCaseError, match="loop"):
        graph_cost(_loop(bound), "Start", SETTINGS)


def test_the_rendered_continuation_loop_is_the_priced_shape_with_max_continuations() -> None:
    """The committed ASL's loop is accepted as rendered, and priced at MAX_CONTINUATIONS laps; with its
    counter Pass removed it is refused (the build would fail)."""
    states = json.loads((OUTPUT / "statemachine.asl.json").read_text(encoding="utf-8"))["States"]
    guard = states["CanContinue"]
    assert guard["Choices"] == [
        {"Variable": "$.turn.count", "NumericLessThan": MAX_CONTINUATIONS, "Next": "ContinueValidation"}
    ]
    assert states["StartContinuations"]["Result"] == {"count": 0}
    text = (OUTPUT / "worstcase.md").read_text(encoding="utf-8")
    assert f"CanContinue[{MAX_CONTINUATIONS} + 1 laps of CanContinue > ContinueValidation" in text
    broken = copy.deepcopy(states)
    broken["CountContinuation"] = {"Type": "Pass", "Next": "CanContinue"}
    settings = Settings(
        items={"CountRanges": 1, "ValidateRanges": 1, "ProcessBatches": 1, "StoreBatch": 1},
        attempt_seconds=lambda state: 1.0,
    )
    graph_cost(states, "StartContinuations", settings)
    with pytest.raises(WorstCaseError, match="CanContinue"):
        graph_cost(broken, "StartContinuations", settings)
