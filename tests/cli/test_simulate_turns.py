"""`python simulate.py FILE --json --turn-records N`: watch a file continued from checkpoints. Failure class:
a continuation nobody can watch (`validations` not counting the turns)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from handlers.seams.throughput import INLINE_MAX_RECORDS

from .simulating import simulate

pytestmark = pytest.mark.cli


@pytest.mark.parametrize("value", ["0", "-5"])
def test_turn_records_below_one_is_a_usage_error(tmp_path: Path, value: str) -> None:
    (tmp_path / "a.json").write_text("[]\n")
    result = simulate(str(tmp_path / "a.json"), "--turn-records", value)
    assert result.returncode == 2 and "--turn-records must be 1 or more" in result.stderr
    assert result.stdout == ""


@pytest.mark.e2e
def test_a_continued_array_reports_its_turns_as_validations(tmp_path: Path) -> None:
    # GIVEN an array the small lane hands off (170 records), turns of 60 records
    uid = uuid.uuid4().hex[:8]
    records = [
        {"order-info": {"order_id": f"{uid}-{n}"}, "contact-info": {"name": "Ana"}} for n in range(170)
    ]
    assert len(records) > INLINE_MAX_RECORDS
    path = tmp_path / "continued.json"
    path.write_text(json.dumps(records, indent=1))
    # WHEN simulated with --turn-records 60
    result = simulate("--json", "--turn-records", "60", str(path))
    # THEN every record is stored, read by 3 validator turns (60, 60, 50)
    assert result.returncode == 0, result.stderr
    [row] = map(json.loads, result.stdout.splitlines())
    assert (row["records"], row["stored"], row["lost"]) == (170, 170, [])
    assert row["validations"] == 3
