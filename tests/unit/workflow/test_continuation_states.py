"""The continuation loop's states (workflow/turns.py), as rendered.

Failure classes: a turn that is not retried like ValidateFile; a turn that fails, or a file past
MAX_CONTINUATIONS turns, ending anywhere but MarkFileFailed (FAILED in the ledger, never DONE with
records missing); the loop on an EXPRESS child instead of the STANDARD parent; a turn's event missing
its checkpoint or part pointers; the combining step not told its parts are turns.
"""

from __future__ import annotations

import json
from pathlib import Path

from handlers.seams.throughput import MAX_CONTINUATIONS

OUTPUT = Path(__file__).resolve().parents[3] / "output"
LARGE = json.loads((OUTPUT / "statemachine.asl.json").read_text(encoding="utf-8"))["States"]
IDENTITY = {name + ".$": f"$.file.{name}" for name in ("bucket", "key", "version_id", "etag")}


def test_the_loop_is_bounded_by_max_continuations_on_the_standard_parent() -> None:
    assert LARGE["StartContinuations"] == {
        "Type": "Pass",
        "Result": {"count": 0},
        "ResultPath": "$.turn",
        "Next": "CanContinue",
    }
    assert LARGE["CanContinue"] == {
        "Type": "Choice",
        "Choices": [
            {"Variable": "$.turn.count", "NumericLessThan": MAX_CONTINUATIONS, "Next": "ContinueValidation"}
        ],
        "Default": "MarkFileTooManyContinuations",
    }
    assert LARGE["CountContinuation"] == {
        "Type": "Pass",
        "Parameters": {"count.$": "States.MathAdd($.turn.count, 1)"},
        "ResultPath": "$.turn",
        "Next": "CanContinue",
    }
    assert LARGE["RouteContinuation"] == {
        "Type": "Choice",
        "Choices": [{"Variable": "$.validation.checkpoint", "IsPresent": True, "Next": "CountContinuation"}],
        "Default": "CombineTurns",
    }


def test_a_turn_is_the_validator_from_the_checkpoint_retried_like_validate_file() -> None:
    turn = LARGE["ContinueValidation"]
    assert turn["Resource"] == LARGE["ValidateFile"]["Resource"]
    assert turn["Parameters"] == {
        **IDENTITY,
        "checkpoint.$": "$.validation.checkpoint",
        "parts.$": "$.validation.parts",
    }
    assert turn["ResultPath"] == "$.validation" and turn["Next"] == "RouteContinuation"
    combine = LARGE["CombineTurns"]
    assert combine["Parameters"] == {**IDENTITY, "parts.$": "$.validation.parts", "turns": True}
    assert combine["Next"] == "RouteSplitFile"
    for name in ("ContinueValidation", "CombineTurns"):
        assert LARGE[name]["Retry"] == LARGE["ValidateFile"]["Retry"], name
        assert LARGE[name]["Catch"] == LARGE["ValidateFile"]["Catch"], name
        assert LARGE[name]["Catch"][0]["Next"] == "MarkFileFailed"


def test_past_max_continuations_the_file_is_failed_with_a_named_error_and_not_redriven() -> None:
    """FAILED with TooManyContinuations, only while this run owns the claim, and out of the watchdog's
    index (open_since removed): a re-drive would need as many turns again."""
    assert LARGE["CanContinue"]["Default"] == "MarkFileTooManyContinuations"
    mark = LARGE["MarkFileTooManyContinuations"]
    parameters = mark["Parameters"]
    assert parameters["ExpressionAttributeValues"][":status"] == {"S": "FAILED"}
    assert parameters["ExpressionAttributeValues"][":error_name"] == {"S": "TooManyContinuations"}
    assert parameters["UpdateExpression"].endswith(" REMOVE #open_since")
    assert parameters["ConditionExpression"] == "#execution_arn = :execution"
    assert mark["Next"] == "TooManyContinuations"
    assert mark["Catch"] == LARGE["MarkFileFailed"]["Catch"]
    assert LARGE["TooManyContinuations"]["Type"] == "Fail"
    assert LARGE["TooManyContinuations"]["Error"] == "TooManyContinuations"


def test_the_picture_shows_the_loop() -> None:
    """output/statemachine.md draws the continuation loop: its guard's two ways and the edge back."""
    picture = (OUTPUT / "statemachine.md").read_text(encoding="utf-8")
    assert f's_CanContinue -->|"1: $.turn.count #lt; {MAX_CONTINUATIONS}"| s_ContinueValidation' in picture
    assert 's_CanContinue -->|"default"| s_MarkFileTooManyContinuations' in picture
    assert "s_CountContinuation --> s_CanContinue" in picture
