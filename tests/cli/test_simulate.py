"""`python simulate.py FILE... [--json]`: the user's offline try-out, run as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from .conftest import REPO_ROOT

pytestmark = pytest.mark.cli


def _simulate(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "simulate.py"), *arguments],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _order(order_id: str) -> dict[str, object]:
    return {"order-info": {"order_id": order_id}, "contact-info": {"name": "Ana"}}


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = _simulate(str(tmp_path / "nowhere.json"))
    assert result.returncode == 2 and "no such file" in result.stderr and result.stdout == ""


def test_name_the_rule_ignores_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text("order_id\n1\n")
    result = _simulate(str(tmp_path / "orders.csv"))
    assert result.returncode == 2 and "orders.csv" in result.stderr and ".jsonl" in result.stderr


@pytest.mark.e2e
def test_readme_sample_prints_one_stored_record() -> None:
    result = _simulate("examples/sample-order.json")
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.splitlines()
    assert header.split() == ["FILE", "STATUS", "RECORDS", "STORED", "REJECTED", "FILE_REJECTED", "REASONS"]
    assert row.split() == ["examples/sample-order.json", "SUCCEEDED", "1", "1", "0", "no", "-"]
    assert "1/1 executions finished" in result.stderr


@pytest.mark.e2e
def test_json_over_a_directory_prints_one_correct_line_per_file(tmp_path: Path) -> None:
    # GIVEN a directory of good and bad files
    folder = tmp_path / "drop"
    folder.mkdir()
    uid = uuid.uuid4().hex[:8]
    (folder / "good.json").write_text(json.dumps([_order(f"{uid}-1"), _order(f"{uid}-2")]))
    (folder / "mixed.jsonl").write_text(
        json.dumps(_order(f"{uid}-3")) + "\n{oops\n" + json.dumps({"a": 1}) + "\n"
    )
    (folder / "empty.json").write_text("")
    # WHEN simulated with --json
    result = _simulate("--json", str(folder))
    # THEN exactly one JSON object per file, per line, with the documented keys and the real counts
    assert result.returncode == 0, result.stderr
    rows = {Path(row["file"]).name: row for row in map(json.loads, result.stdout.splitlines())}
    assert set(rows) == {"good.json", "mixed.jsonl", "empty.json"}
    assert all(
        list(row) == ["file", "status", "records", "stored", "rejected", "file_rejected", "reasons"]
        for row in rows.values()
    )
    assert rows["good.json"] | {"file": ""} == {
        "file": "",
        "status": "SUCCEEDED",
        "records": 2,
        "stored": 2,
        "rejected": 0,
        "file_rejected": False,
        "reasons": [],
    }
    assert rows["mixed.jsonl"]["records"] == 3 and rows["mixed.jsonl"]["stored"] == 1
    assert rows["mixed.jsonl"]["reasons"] == ["missing_order_info", "unparseable_line"]
    assert rows["empty.json"] | {"file": ""} == {
        "file": "",
        "status": "SUCCEEDED",
        "records": None,
        "stored": 0,
        "rejected": 0,
        "file_rejected": True,
        "reasons": ["empty_file"],
    }
    assert rows["good.json"]["file"] == str(folder / "good.json")


@pytest.mark.e2e
def test_files_sharing_orders_are_each_counted_in_argument_order(tmp_path: Path) -> None:
    # GIVEN a file, a second file with the same two orders, and a third that changes one of them
    uid = uuid.uuid4().hex[:8]
    first, again, changed = tmp_path / "first.json", tmp_path / "again.jsonl", tmp_path / "changed.json"
    first.write_text(json.dumps([_order(f"{uid}-1"), _order(f"{uid}-2")]))
    again.write_text("\n".join(json.dumps(_order(f"{uid}-{n}")) for n in (1, 2)) + "\n")
    changed.write_text(json.dumps({**_order(f"{uid}-1"), "note": "edited"}))
    # WHEN simulated together
    result = _simulate("--json", str(first), str(again), str(changed))
    # THEN each file's identical re-store counts for that file, and the change is a conflict
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    counts = [(row["records"], row["stored"], row["rejected"], row["reasons"]) for row in rows]
    assert counts == [(2, 2, 0, []), (2, 2, 0, []), (1, 0, 1, ["conflict"])]
