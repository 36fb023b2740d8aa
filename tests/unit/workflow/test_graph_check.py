"""check_graph finds what cfn-lint does not: dangling targets, unreachable states, paths that never end."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from workflow.definition import build_definition
from workflow.graph_check import check_graph


def test_the_real_definition_is_sound() -> None:
    assert check_graph(build_definition()) == []


def _mutated(mutate: Any) -> dict[str, Any]:
    definition = copy.deepcopy(build_definition())
    mutate(definition)
    return definition


def _records(d: dict[str, Any]) -> dict[str, Any]:
    states: dict[str, Any] = d["States"]["ProcessBatches"]["ItemProcessor"]["States"]["StoreBatch"][
        "ItemProcessor"
    ]["States"]
    return states


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.update(StartAt="Nowhere"), "StartAt 'Nowhere' is not a state"),
        (lambda d: d["States"]["ClaimFile"].update(Next="Nowhere"), "target 'Nowhere' is not a state"),
        (lambda d: d["States"]["RouteFile"].update(Default="Gone"), "target 'Gone' is not a state"),
        (
            lambda d: d["States"]["ClaimFile"]["Catch"][0].update(Next="Missing"),
            "target 'Missing' is not a state",
        ),
        (
            lambda d: _records(d)["StoreRecord"]["Catch"][0].update(Next="Missing"),
            "StoreBatch.ItemProcessor.StoreRecord: target 'Missing'",
        ),
        (lambda d: d["States"].update(Orphan={"Type": "Succeed"}), "$.Orphan: unreachable from StartAt"),
        (lambda d: d["States"]["ValidateFile"].update(End=True), "needs exactly one of Next or End"),
        (
            lambda d: d["States"].update(
                Loop={"Type": "Pass", "Next": "Loop"},
                RouteFile={**d["States"]["RouteFile"], "Default": "Loop"},
            ),
            "$.Loop: no path from here reaches an end",
        ),
    ],
)
def test_each_graph_defect_is_named(mutate: Any, expected: str) -> None:
    problems = check_graph(_mutated(mutate))
    assert any(expected in p for p in problems), problems
