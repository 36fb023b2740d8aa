"""The one rewrite of the artifact (moto's ASL grammar) changes exactly two things."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from emulator.patches.asl_grammar import moto_compatible_definition


def _map(execution_type: str, tolerated: Any, inner: dict[str, Any]) -> dict[str, Any]:
    return {
        "Type": "Map",
        "MaxConcurrency": 5,
        "ToleratedFailureCount": 3,
        "ToleratedFailurePercentage": tolerated,
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": execution_type},
            "StartAt": "Inner",
            "States": {"Inner": inner},
        },
        "ResultPath": None,
        "End": True,
    }


PUT = {
    "Type": "Task",
    "Resource": "arn:${Partition}:states:::dynamodb:putItem",
    "TimeoutSeconds": 10,
    "End": True,
}
INLINE = {
    "Type": "Map",
    "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Put", "States": {"Put": PUT}},
}


def test_rewrites_only_express_and_integer_tolerated_percentage_at_every_depth() -> None:
    # GIVEN a distributed map holding a parallel branch with another distributed map
    nested = _map("EXPRESS", 10, {**INLINE, "End": True})
    definition = {
        "StartAt": "Outer",
        "TimeoutSeconds": 3600,
        "States": {
            "Outer": _map(
                "EXPRESS",
                0,
                {"Type": "Parallel", "Branches": [{"StartAt": "N", "States": {"N": nested}}], "End": True},
            ),
            "Flag": {"Type": "Pass", "Result": {"on": True, "count": 1}, "End": True},
        },
    }
    original = copy.deepcopy(definition)

    # WHEN
    rewritten = moto_compatible_definition(definition)

    # THEN exactly these two fields changed, at both depths, and nothing else
    expected = copy.deepcopy(original)
    for state in (
        expected["States"]["Outer"],
        expected["States"]["Outer"]["ItemProcessor"]["States"]["Inner"]["Branches"][0]["States"]["N"],
    ):
        state["ItemProcessor"]["ProcessorConfig"]["ExecutionType"] = "STANDARD"
        state["ToleratedFailurePercentage"] = float(state["ToleratedFailurePercentage"])
    assert rewritten == expected
    outer = rewritten["States"]["Outer"]
    assert isinstance(outer["ToleratedFailurePercentage"], float)
    assert isinstance(outer["MaxConcurrency"], int) and isinstance(outer["ToleratedFailureCount"], int)
    assert definition == original  # the input (the artifact) is not touched


def test_leaves_standard_float_and_non_map_states_alone() -> None:
    definition = {
        "StartAt": "M",
        "States": {
            "M": _map("STANDARD", 5.5, PUT),
            "P": {"Type": "Pass", "ToleratedFailurePercentage": 1, "End": True},
        },
    }
    assert moto_compatible_definition(definition) == definition


OUTPUT_ASL = Path(__file__).resolve().parents[3] / "output" / "statemachine.asl.json"


def _leaves(node: Any, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    if isinstance(node, dict):
        return {k: v for key, value in node.items() for k, v in _leaves(value, (*path, key)).items()}
    if isinstance(node, list):
        return {k: v for i, value in enumerate(node) for k, v in _leaves(value, (*path, str(i))).items()}
    return {path: node}


def test_rendered_asl_keeps_the_aws_form_and_the_rewrite_touches_only_the_two_fields() -> None:
    # GIVEN the committed artifact
    asl = json.loads(OUTPUT_ASL.read_text(encoding="utf-8"))
    before = _leaves(asl)
    # THEN it holds the AWS form: EXPRESS children of a Distributed Map
    express = [p for p, v in before.items() if p[-2:] == ("ProcessorConfig", "ExecutionType")]
    assert express and all(before[p] == "EXPRESS" for p in express)
    # AND the emulator's rewrite of it changes those fields and integer percentages, nothing else
    after = _leaves(moto_compatible_definition(asl))
    assert before.keys() == after.keys()
    changed = {p[-1] for p in before if type(before[p]) is not type(after[p]) or before[p] != after[p]}
    assert changed <= {"ExecutionType", "ToleratedFailurePercentage"} and "ExecutionType" in changed
