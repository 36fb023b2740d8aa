"""What simulate.py shows of each file's verdicts and its heartbeat: pure
rendering over FileOutcome values, no emulator.

Failure classes: verdicts the pipeline computes but no view shows (fails before the per-rule verdicts:
violations
were not printed, the ledger's maps came out null, the REASONS column had no counts) and silence while a
file is processed (no heartbeat).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import simulate
from emulator.outcome import FileOutcome, _plain_ledger
from emulator.reconcile import FileCount

VIOLATIONS = [
    {"path": "/order-info/quantity", "rule": "minimum", "message": "must be at least 1"},
    {"path": "/contact-info/email", "rule": "format", "message": "must be an email address"},
]


def _outcome(reviews: list[dict[str, Any]], ledger: dict[str, Any] | None = None) -> FileOutcome:
    return FileOutcome(
        status="SUCCEEDED",
        records=20,
        stored=20 - len(reviews),
        rejected=len(reviews),
        file_rejected=False,
        reasons=sorted({r["reason"] for r in reviews}),
        items=[],
        reviews=reviews,
        count=FileCount(origin="ledger", records=20, file_rejected=False),
        ledger=ledger,
    )


def _review(index: int, reason: str, violations: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "reason": reason,
        "file_rejected": False,
        "record_index": index,
        "line": index + 1,
        "message": "the record breaks 2 rule(s) of the record contract (listed under violations)",
        "violations": violations or [],
        "violations_omitted": 0,
        "record": {"contact-info": {"name": "Ana"}},
    }


def test_the_reasons_column_counts_records_per_reason_most_first() -> None:
    reviews = [_review(i, "missing_contact_info") for i in range(3)] + [_review(9, "contract_violation")]
    table = simulate.render_table([simulate.Report("a.jsonl", _outcome(reviews))])
    assert table.splitlines()[1].endswith("missing_contact_info 3, contract_violation 1")


def test_each_violation_is_its_own_line_under_its_review_and_no_content() -> None:
    result = _outcome([_review(4, "contract_violation", VIOLATIONS)])
    lines = simulate.render_table([simulate.Report("a.jsonl", result)], reviews=True).splitlines()
    at = next(n for n, line in enumerate(lines) if line.startswith("  review: index 4 line 5"))
    assert lines[at + 1 : at + 3] == [
        "    violation: /order-info/quantity minimum: must be at least 1",
        "    violation: /contact-info/email format: must be an email address",
    ]
    assert "Ana" not in "\n".join(lines)


def test_a_file_review_says_where_the_file_breaks() -> None:
    review = {
        "reason": "not_json",
        "file_rejected": True,
        "record_index": None,
        "line": None,
        "message": "JSON syntax error: Expecting property name enclosed in double quotes",
        "position": {"line": 1, "column": 14, "offset": 13},
    }
    lines = simulate._details(_outcome([review]))
    assert lines[1] == (
        "file review: not_json: JSON syntax error: Expecting property name enclosed in double quotes "
        "(line 1, column 14, offset 13)"
    )


def test_json_reviews_carry_violations_and_the_ledger_maps_are_objects() -> None:
    item = {
        "status": {"S": "DONE"},
        "records": {"N": "20"},
        "rejected_by_reason": {"M": {"contract_violation": {"N": "1"}, "conflict": {"N": "0"}}},
        "rejected_by_rule": {"M": {"/order-info/quantity minimum": {"N": "1"}}},
        "counted_batches": {"NS": ["2", "1"]},
        "expires_at": {"NULL": True},
    }
    ledger = _plain_ledger(item)
    assert ledger == {
        "status": "DONE",
        "records": 20,
        "rejected_by_reason": {"conflict": 0, "contract_violation": 1},
        "rejected_by_rule": {"/order-info/quantity minimum": 1},
        "counted_batches": [1, 2],
        "expires_at": None,
    }
    result = _outcome([_review(4, "contract_violation", VIOLATIONS)], ledger)
    row = simulate.Report("a.jsonl", result).row() | simulate._details_json(result)
    assert row["rejected_by_reason"] == {"contract_violation": 1}
    assert row["rejected_by_rule"] == {"/order-info/quantity minimum": 1}
    assert row["reviews"][0]["violations"] == VIOLATIONS
    assert "Ana" not in json.dumps(row)


def test_the_ledger_rules_follow_the_ledger_line() -> None:
    ledger = {"status": "DONE", "records": 20, "rejected_by_rule": {"/a type": 1, "/b minimum": 4}}
    lines = simulate._details(_outcome([], ledger))
    assert lines[1] == "  rejected by rule: /b minimum 4, /a type 1"


def test_the_heartbeat_prints_the_counts_so_far_every_interval(capsys: pytest.CaptureFixture[str]) -> None:
    now = [100.0]
    counts = iter(
        [
            {"classified": None, "stored": 0, "duplicates": 0, "rejected": 0},
            {"classified": 300, "stored": 120, "duplicates": 0, "rejected": 4},
        ]
    )
    beat = simulate._heartbeat("file 1/1 a.jsonl", lambda: next(counts), 5.0, clock=lambda: now[0])
    for step in range(21):  # polls every 0.5 s for 10 s: two beats
        now[0] = 100.0 + step * 0.5
        beat(0, 1)
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "file 1/1 a.jsonl: 5s, records classified -, stored 0, duplicates 0, rejected 0 so far",
        "file 1/1 a.jsonl: 10s, records classified 300, stored 120, duplicates 0, rejected 4 so far",
    ]


def test_a_failed_read_skips_a_beat_and_never_stops_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    def broken() -> dict[str, int | None]:
        raise RuntimeError("emulator busy")

    now = [0.0]
    beat = simulate._heartbeat("f", broken, 1.0, clock=lambda: now[0])
    now[0] = 5.0
    beat(0, 1)
    assert capsys.readouterr().err == ""
