"""Throughput settings live in handlers/seams/throughput.py only, and the state machine takes them from
there."""

from __future__ import annotations

import ast
from pathlib import Path

from handlers.seams import throughput
from workflow.definition import build_definition
from workflow.names import PROCESS_BATCHES, STORE_BATCH

ROOT = Path(__file__).resolve().parents[3]
SETTINGS = (
    "BATCH_MAX_BYTES",
    "BATCH_MAX_RECORDS",
    "INLINE_RECORD_MAX_BYTES",
    "BATCH_CONCURRENCY",
    "RECORD_CONCURRENCY",
)
CODE = ("handlers", "workflow", "resources", "benchmarks", "emulator")


def _assigned_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AnnAssign)
            else []
        )
        names.update(target.id for target in targets if isinstance(target, ast.Name))
    return names


def test_each_setting_is_assigned_in_throughput_only() -> None:
    # GIVEN every module of the product / WHEN listing where a throughput setting is assigned
    places = {
        setting: sorted(
            str(path.relative_to(ROOT))
            for folder in CODE
            for path in (ROOT / folder).rglob("*.py")
            if setting in _assigned_names(path)
        )
        for setting in SETTINGS
    }
    # THEN each is assigned exactly once, in handlers/seams/throughput.py
    assert places == {setting: ["handlers/seams/throughput.py"] for setting in SETTINGS}


def test_the_state_machine_runs_the_declared_concurrency() -> None:
    # GIVEN the rendered definition
    parent = build_definition()["States"][PROCESS_BATCHES]
    child = parent["ItemProcessor"]["States"][STORE_BATCH]
    # THEN the Distributed Map and the child's inline Map run the declared number at once
    assert parent["MaxConcurrency"] == throughput.BATCH_CONCURRENCY
    assert child["MaxConcurrency"] == throughput.RECORD_CONCURRENCY
    # AND a child stays inside the inline Map's limit of 40 concurrent iterations
    assert throughput.RECORD_CONCURRENCY <= 40
    # AND a batch, with room for the Step Functions envelope, fits the 262,144-byte payload
    assert throughput.INLINE_RECORD_MAX_BYTES < throughput.BATCH_MAX_BYTES < 262_144
