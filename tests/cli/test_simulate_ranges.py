"""`python simulate.py FILE --json --range-bytes N`: watch a file split into ranges."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from handlers.seams.throughput import INLINE_MAX_RECORDS

from .simulating import simulate

pytestmark = pytest.mark.cli


@pytest.mark.parametrize("value", ["0", "-5"])
def test_range_bytes_below_one_is_a_usage_error(tmp_path: Path, value: str) -> None:
    (tmp_path / "a.jsonl").write_text("{}\n")
    result = simulate(str(tmp_path / "a.jsonl"), "--range-bytes", value)
    assert result.returncode == 2 and "--range-bytes must be 1 or more" in result.stderr
    assert result.stdout == ""


@pytest.mark.e2e
def test_a_split_file_reports_its_validations(tmp_path: Path) -> None:
    """Failure class: a split nobody can watch (validations missing, or 1 for a split file)."""
    # GIVEN a JSON Lines file the small lane hands off, and ranges of a quarter of it
    uid = uuid.uuid4().hex[:8]
    lines = [
        json.dumps({"order-info": {"order_id": f"{uid}-{n}"}, "contact-info": {"name": "Ana"}})
        for n in range(INLINE_MAX_RECORDS + 10)
    ]
    path = tmp_path / "split.jsonl"
    path.write_text("\n".join(lines) + "\n")
    quarter = path.stat().st_size // 4
    # WHEN simulated with --range-bytes
    result = simulate("--json", "--range-bytes", str(quarter), str(path))
    # THEN every record is stored, read by 4 or 5 validator invocations
    assert result.returncode == 0, result.stderr
    [row] = map(json.loads, result.stdout.splitlines())
    assert (row["records"], row["stored"], row["lost"]) == (len(lines), len(lines), [])
    assert row["validations"] in (4, 5)
