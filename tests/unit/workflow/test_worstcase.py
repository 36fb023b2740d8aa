"""Worst cases computed from the rendered ASL (workflow/worstcase.py, workflow/budgets.py).

Failure class: a Retry or MaxConcurrency change pushes a lane past its time limit (an EXPRESS
execution stops at 5 minutes without a Catch: records stranded) and nothing shows it, because moto
runs no clock (and runs a Distributed Map's children as STANDARD, so their 5 minutes are not enforced
there at all). Shown to bite by mutation: raise any one MaxAttempts of the small lane or of a batch
child, or put 400 records in a batch child, and the build refuses, naming the path.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

import build
import workflow.budgets
import workflow.express
from handlers.seams.throughput import BATCH_MAX_RECORDS, INLINE_MAX_RECORDS
from resources.compute import STORE_LARGE_TIMEOUT_SECONDS
from workflow.budgets import EXPRESS_LIMIT_SECONDS, EXPRESS_MARGIN_SECONDS, worst_cases
from workflow.worstcase import Settings, WorstCaseError, graph_cost, retrier_waits

OUTPUT = Path(__file__).resolve().parents[3] / "output"
SOURCES = {"StateMachine": "statemachine.asl.json", "SmallFileStateMachine": "smallfile.asl.json"}


def _rendered() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    template = json.loads((OUTPUT / "template.json").read_text(encoding="utf-8"))
    definitions = {
        machine: json.loads((OUTPUT / name).read_text(encoding="utf-8")) for machine, name in SOURCES.items()
    }
    return template, definitions


def test_one_task_waits_every_backoff_at_its_cap_and_every_attempt_at_its_timeout() -> None:
    retrier = {
        "ErrorEquals": ["X"],
        "IntervalSeconds": 1,
        "BackoffRate": 2.0,
        "MaxAttempts": 4,
        "MaxDelaySeconds": 3,
    }
    assert retrier_waits(retrier) == 1 + 2 + 3 + 3
    states = {"T": {"Type": "Task", "Resource": "r", "TimeoutSeconds": 5, "Retry": [retrier], "End": True}}
    cost = graph_cost(states, "T", Settings(items={}, attempt_seconds=lambda state: 99.0))
    assert (cost.seconds, cost.transitions, cost.requests) == (5 * 5 + 9, 5, 5)


def test_a_map_runs_its_items_in_waves_and_the_worst_branch_is_taken() -> None:
    item = {
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.x", "BooleanEquals": True, "Next": "Slow"}],
                "Default": "Fast",
            },
            "Slow": {"Type": "Task", "Resource": "r", "TimeoutSeconds": 7, "End": True},
            "Fast": {"Type": "Pass", "End": True},
        },
    }
    states = {"M": {"Type": "Map", "MaxConcurrency": 10, "ItemProcessor": item, "End": True}}
    cost = graph_cost(states, "M", Settings(items={"M": 25}, attempt_seconds=lambda state: 1.0))
    # 3 waves of the slow branch; every item counted in transitions and requests
    assert (cost.seconds, cost.transitions, cost.requests) == (21.0, 1 + 25 * 2, 25)
    assert cost.path == ("M[3 waves of 25 x C > Slow]",)


def test_a_loop_has_no_worst_case() -> None:
    states = {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}
    with pytest.raises(WorstCaseError, match="loop"):
        graph_cost(states, "A", Settings(items={}, attempt_seconds=lambda state: 1.0))


def test_the_committed_table_is_what_the_rendered_asl_gives_and_the_small_lane_fits_with_margin() -> None:
    template, definitions = _rendered()
    table, problems = worst_cases(template, definitions, SOURCES)
    assert problems == []
    assert table == (OUTPUT / "worstcase.md").read_text(encoding="utf-8")
    # the largest inline file's worst case stays under 5 minutes with a minute to spare
    row = next(line for line in table.splitlines() if line.startswith(f"| {INLINE_MAX_RECORDS} records |"))
    seconds = int(row.split("|")[2].strip().removesuffix(" s").replace(",", ""))
    assert seconds <= EXPRESS_LIMIT_SECONDS - EXPRESS_MARGIN_SECONDS


def _small_lane_retriers() -> list[tuple[str, int]]:
    _, definitions = _rendered()
    return _retriers(definitions["SmallFileStateMachine"]["States"])


def _batch_child_retriers() -> list[tuple[str, int]]:
    _, definitions = _rendered()
    return _retriers(definitions["StateMachine"]["States"]["ProcessBatches"]["ItemProcessor"]["States"])


def _retriers(states: dict[str, Any]) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []

    def walk(states: dict[str, Any]) -> None:
        for name, state in states.items():
            found.extend((name, index) for index in range(len(state.get("Retry", []))))
            if "ItemProcessor" in state:
                walk(state["ItemProcessor"]["States"])

    walk(states)
    return found


def _find(states: dict[str, Any], name: str) -> dict[str, Any]:
    if name in states:
        found: dict[str, Any] = states[name]
        return found
    for state in states.values():
        if "ItemProcessor" in state:
            try:
                return _find(state["ItemProcessor"]["States"], name)
            except KeyError:
                continue
    raise KeyError(name)


@pytest.mark.parametrize(("state", "index"), _small_lane_retriers())
def test_raising_any_one_max_attempts_of_the_small_lane_is_refused_naming_the_path(
    state: str, index: int
) -> None:
    # GIVEN the rendered definitions with one retrier of the small lane raised to 20 attempts
    template, definitions = _rendered()
    mutated = copy.deepcopy(definitions)
    _find(mutated["SmallFileStateMachine"]["States"], state)["Retry"][index]["MaxAttempts"] = 20
    # WHEN the worst cases are computed
    _, problems = worst_cases(template, mutated, SOURCES)
    # THEN the small lane is refused on a path through that state, shown with its 21 attempts
    refused = [p for p in problems if "SmallFileStateMachine: worst case" in p]
    assert refused and all("exceeds the EXPRESS limit of 300 s less 60 s margin" in p for p in refused)
    assert any(f"{state}[21 x " in p for p in refused), refused


@pytest.mark.parametrize(("state", "index"), _batch_child_retriers())
def test_raising_any_one_max_attempts_of_a_batch_child_is_refused_naming_the_path(
    state: str, index: int
) -> None:
    """Fails before this change (a ProcessBatches child past 5 minutes was accepted by
    ACCEPTED_CHILD_OVERRUNS, so a child's retriers could grow without limit and nothing was refused)."""
    # GIVEN the rendered definitions with one retrier inside the batch child raised to 20 attempts
    template, definitions = _rendered()
    mutated = copy.deepcopy(definitions)
    child = mutated["StateMachine"]["States"]["ProcessBatches"]["ItemProcessor"]["States"]
    _find(child, state)["Retry"][index]["MaxAttempts"] = 20
    # WHEN the worst cases are computed
    _, problems = worst_cases(template, mutated, SOURCES)
    # THEN the child is refused on a path through that state, shown with its 21 attempts
    [refused] = [p for p in problems if "ProcessBatches child's worst case" in p]
    assert refused.startswith("worstcase.md: StateMachine: a ProcessBatches child's worst case ")
    assert f"for {BATCH_MAX_RECORDS} records exceeds the EXPRESS limit of 300 s less 60 s margin" in refused
    assert f"{state}[21 x " in refused, refused


def test_a_large_record_attempt_bounded_only_by_the_lambdas_timeout_is_refused() -> None:
    """StoreLargeRecord's TimeoutSeconds is what lets a child fit; without it each attempt
    may last the function's own timeout (60 s before this change, 10 s since: still too long)."""
    template, definitions = _rendered()
    mutated = copy.deepcopy(definitions)
    child = mutated["StateMachine"]["States"]["ProcessBatches"]["ItemProcessor"]["States"]
    del _find(child, "StoreLargeRecord")["TimeoutSeconds"]
    _, problems = worst_cases(template, mutated, SOURCES)
    [refused] = [p for p in problems if "ProcessBatches child's worst case" in p]
    assert f"StoreLargeRecord[3 x {STORE_LARGE_TIMEOUT_SECONDS} s + 3 s waits]" in refused


def test_a_batch_child_storing_10_records_at_once_is_refused() -> None:
    """The child's inline Map back at 10 at once (RECORD_CONCURRENCY before this change)
    runs 200 records in 20 waves of the record path: refused, the waves named."""
    template, definitions = _rendered()
    mutated = copy.deepcopy(definitions)
    child = mutated["StateMachine"]["States"]["ProcessBatches"]["ItemProcessor"]["States"]
    child["StoreBatch"]["MaxConcurrency"] = 10
    _, problems = worst_cases(template, mutated, SOURCES)
    [refused] = [p for p in problems if "ProcessBatches child's worst case" in p]
    assert f"StoreBatch[20 waves of {BATCH_MAX_RECORDS} x RouteRecord > " in refused


def test_build_refuses_a_batch_child_of_400_records(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Through build.py: BATCH_MAX_RECORDS back at 400 (its value before this change: 10
    waves of 40 in one child) is refused, the path named, and nothing is written. Fails before this
    change: the child's overrun was accepted (ACCEPTED_CHILD_OVERRUNS) and the build wrote output/."""
    monkeypatch.setattr(workflow.budgets, "BATCH_MAX_RECORDS", 400)
    assert build.main(["--output", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "worstcase.md: StateMachine: a ProcessBatches child's worst case 464 s for 400 records" in err
    assert "StoreBatch[10 waves of 400 x RouteRecord > StoreLargeRecord[3 x 8 s + 3 s waits]" in err
    assert not list(tmp_path.iterdir())


def test_build_refuses_a_lane_budget_past_the_limit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Through build.py: the lane's retry budget raised to 6 (the large lane's) and 400 records inline
    (the manifest batch's maximum), the state of main before the small lane's time bound: refused."""
    monkeypatch.setattr(workflow.express, "LANE_ATTEMPTS", 6)
    monkeypatch.setattr(workflow.budgets, "INLINE_MAX_RECORDS", 400)
    assert build.main(["--output", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "worstcase.md: SmallFileStateMachine: worst case " in err
    assert "StoreRecords[10 waves of 400 x RouteRecord > StoreRecord[7 x 2 s + 51 s waits]" in err
    assert not list(tmp_path.iterdir())


def test_the_design_docs_small_lane_figure_is_the_tables() -> None:
    """The design document's limit sentence comes from output/worstcase.md (it said 220 s, one wave's
    waits)."""
    design = " ".join((OUTPUT.parent / "docs" / "design.md").read_text(encoding="utf-8").split())
    match = re.search(r"its worst case \([^)]*\) is (\d+) s for (\d+) records", design)
    assert match, "docs/design.md: the small lane's worst-case sentence is missing"
    table = (OUTPUT / "worstcase.md").read_text(encoding="utf-8")
    assert f"| {match.group(2)} records | {match.group(1)} s |" in table
    assert int(match.group(2)) == INLINE_MAX_RECORDS


def test_the_design_docs_batch_child_figure_is_the_tables() -> None:
    """A batch child fits its 5 minutes: the design document's figure for a batch child comes from
    output/worstcase.md, and fits."""
    design = " ".join((OUTPUT.parent / "docs" / "design.md").read_text(encoding="utf-8").split())
    match = re.search(r"A batch child's worst case \([^)]*\) is (\d+) s for (\d+) records", design)
    assert match, "docs/design.md: the batch child's worst-case sentence is missing"
    table = (OUTPUT / "worstcase.md").read_text(encoding="utf-8")
    assert f"| one ProcessBatches child: {match.group(2)} records | {match.group(1)} s |" in table
    assert int(match.group(2)) == BATCH_MAX_RECORDS
    assert int(match.group(1)) <= EXPRESS_LIMIT_SECONDS - EXPRESS_MARGIN_SECONDS


def test_a_task_waiting_past_its_lambdas_timeout_or_a_timeout_past_lambdas_maximum_is_refused() -> None:
    template, definitions = _rendered()
    mutated = copy.deepcopy(definitions)
    mutated["SmallFileStateMachine"]["States"]["ValidateFile"]["TimeoutSeconds"] = 901
    template = copy.deepcopy(template)
    template["Resources"]["StoreLargeFunction"]["Properties"]["Timeout"] = 1000
    _, problems = worst_cases(template, mutated, SOURCES)
    assert (
        "worstcase.md: SmallFileStateMachine: ValidateFile waits 901 s (TimeoutSeconds) for "
        "${ValidatorFunctionArn}, whose timeout is 900 s" in problems
    )
    assert (
        "worstcase.md: StateMachine: ${StoreLargeFunctionArn} has a timeout of 1000 s, past Lambda's 900 s"
        in problems
    )
