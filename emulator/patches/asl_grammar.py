"""Gap (moto 5.2.5): the ASL grammar rejects two forms AWS accepts.

`ItemProcessor.ProcessorConfig.ExecutionType: "EXPRESS"` (moto knows only STANDARD, and runs children
the same way either way) and an integer `ToleratedFailurePercentage` (`5` fails, `5.0` passes).
This is the ONE rewrite of the artifact, applied only inside the emulator when cfn_state_machine
creates a state machine; output/ keeps the AWS form. Nothing else changes.
"""

from __future__ import annotations

import copy
from typing import Any

PROVEN_BY = (
    "tests/unit/emulator/test_emulator_definition_rewrite.py::"
    "test_rewrites_only_express_and_integer_tolerated_percentage_at_every_depth"
)


def moto_compatible_definition(definition: dict[str, Any]) -> dict[str, Any]:
    """A copy of `definition` with, in every Map state at any depth, EXPRESS -> STANDARD and an
    integer `ToleratedFailurePercentage` -> the same value as a float (5 -> 5.0); nothing else."""
    rewritten: dict[str, Any] = copy.deepcopy(definition)
    _rewrite_states(rewritten.get("States", {}))
    return rewritten


def _rewrite_states(states: dict[str, Any]) -> None:
    for state in states.values():
        if not isinstance(state, dict):
            continue
        for branch in state.get("Branches", []):
            _rewrite_states(branch.get("States", {}))
        if state.get("Type") != "Map":
            continue
        processor = state.get("ItemProcessor") or state.get("Iterator") or {}
        config = processor.get("ProcessorConfig", {})
        if config.get("ExecutionType") == "EXPRESS":
            config["ExecutionType"] = "STANDARD"
        tolerated = state.get("ToleratedFailurePercentage")
        if isinstance(tolerated, int) and not isinstance(tolerated, bool):
            state["ToleratedFailurePercentage"] = float(tolerated)
        _rewrite_states(processor.get("States", {}))
