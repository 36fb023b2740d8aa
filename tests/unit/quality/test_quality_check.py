"""`check` (quality/cli.py): the validator core's verdicts on local files, per reason and per rule,
with exit statuses 0/1/2 and one-line errors.

Failure classes: a check that disagrees with the pipeline (it must call handlers.core.pipeline.process_file
itself: a re-implementation would drift), per-rule counts that are wrong (a record breaking two rules
counts under both), record content leaking into the output, and bad input as a traceback.
"""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from handlers.core import classify as records
from handlers.core.pipeline import process_file
from handlers.core.rules import load_rules
from handlers.seams.errors import FileRejected
from quality import checking
from quality.cli import main

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures" / "files"
STRICT = REPO / "examples" / "record-contract.json"
EXAMPLE = REPO / "examples" / "orders-to-check.jsonl"


class _Sink:
    """A manifest and claim sink keeping nothing (written here, not imported from quality)."""

    def write(self, data: bytes) -> None:
        pass

    def commit(self) -> None:
        return None

    def abort(self) -> None:
        pass

    def put(self, key: str, body: bytes) -> str:
        return "v"


def _order(n: int, **info: Any) -> dict[str, Any]:
    return {
        "order-info": {"order_id": f"A-{n}", "item": "Desk", "quantity": 1, **info},
        "contact-info": {"name": f"Customer {n}", "email": f"c{n}@example.com"},
    }


def _json_lines(tmp_path: Path, name: str, values: list[Any]) -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(v) + "\n" for v in values))
    return path


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_counts_per_rule_count_a_record_under_every_rule_it_breaks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN records breaking one rule, another, and both (a record breaking two rules)
    records = [
        _order(0),
        _order(1, quantity=0),
        _order(2, currency="XXX"),
        _order(3, quantity=0, currency="XXX"),
        _order(4, quantity=0),
    ]
    path = _json_lines(tmp_path, "orders.jsonl", records)
    # WHEN checked against the example contract with --json
    status, out, _ = _run([str(path), "--contract", str(STRICT), "--json"], capsys)
    # THEN the counts per rule are exact, with each rule's first records (index, line)
    row = json.loads(out)
    assert status == 1
    assert (row["records"], row["valid"], row["rejected"], row["file_rejected"]) == (5, 1, 4, False)
    # the example contract's x-reason codes name the reasons
    assert row["rejected_by_reason"] == {"invalid_quantity": 3, "invalid_currency": 1}
    assert row["rejected_by_rule"] == {"/order-info/quantity minimum": 3, "/order-info/currency enum": 2}
    assert row["examples"]["/order-info/quantity minimum"] == [
        {"index": 1, "line": 2},
        {"index": 3, "line": 4},
        {"index": 4, "line": 5},
    ]
    assert list(row) == [
        "file", "records", "valid", "rejected", "file_rejected", "reason",
        "rejected_by_reason", "rejected_by_rule", "examples", "message", "position",
    ]  # fmt: skip
    assert "Customer" not in out and "example.com" not in out


def test_the_check_is_the_validator_core_itself(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The check calls handlers.core.pipeline.process_file (no second implementation): a change there is
    seen here."""
    called: list[str] = []

    def spy(body: Any, **kwargs: Any) -> Any:
        called.append(kwargs["source"]["key"])
        return process_file(body, **kwargs)

    monkeypatch.setattr(checking, "process_file", spy)
    checking.check_file(_json_lines(tmp_path, "a.jsonl", [_order(1)]))
    assert called == ["a.jsonl"]


@pytest.mark.parametrize("path", sorted(p for p in FIXTURES.iterdir() if p.is_file()), ids=lambda p: p.name)
def test_every_fixture_gets_the_cores_verdict(path: Path) -> None:
    """Same verdicts as process_file over the same bytes and name, for every form (gzip, JSON Lines,
    array, orders wrapper) and every file rejection."""
    found = checking.check_file(path)
    source = {"bucket": "local", "key": path.name, "version_id": None, "etag": None}
    try:
        summary = process_file(io.BytesIO(path.read_bytes()), source=source, manifest=_Sink(), claims=_Sink())
    except FileRejected as rejected:
        assert (found.file_rejected, found.reason, found.position) == (
            True,
            rejected.reason,
            rejected.position,
        )
        return
    assert not found.file_rejected
    assert (found.records, dict(found.parts)) == (
        summary.records,
        {"valid": summary.valid + summary.large, "rejected": summary.invalid},
    )
    assert found.rejected_by_reason == summary.rejected_by_reason


def test_exit_0_when_every_record_is_valid_and_a_directory_is_its_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _json_lines(tmp_path, "a.jsonl", [_order(1), _order(2)])
    (tmp_path / "b.json.gz").write_bytes(gzip.compress(json.dumps({"orders": [_order(3)]}).encode()))
    status, out, err = _run([str(tmp_path)], capsys)
    assert status == 0, err
    assert out.splitlines() == [
        f"{tmp_path / 'a.jsonl'}: records 2, valid 2, rejected 0",
        f"{tmp_path / 'b.json.gz'}: records 1, valid 1, rejected 0",
    ]


def test_a_rejected_file_says_where(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "one.json"
    path.write_text('{"name": "a",}}')
    status, out, _ = _run([str(path)], capsys)
    assert status == 1
    assert out == (
        f"{path}: file rejected: not_json: JSON syntax error: Expecting property name enclosed in double "
        "quotes (line 1, column 14, offset 13)\n"
    )


def test_text_output_lists_rules_with_their_first_records(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run([str(EXAMPLE), "--contract", str(STRICT)], capsys)
    assert status == 1
    lines = out.splitlines()
    assert lines[0] == f"{EXAMPLE}: records 40, valid 30, rejected 10"
    assert lines[1] == (
        "  by reason: invalid_currency 5, invalid_quantity 2, contract_violation 1, missing_contact_info 1, "
        "unparseable_line 1"
    )
    assert lines[3].split() == [
        "/order-info/currency", "enum", "5",
        "#4", "line", "5,", "#9", "line", "10,", "#17", "line", "18,",
        "#26", "line", "27,", "#33", "line", "34",
    ]  # fmt: skip


def test_a_contract_change_changes_the_verdicts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    contract = json.loads(STRICT.read_text())
    contract["properties"]["order-info"]["properties"]["currency"]["enum"].append("CHF")
    relaxed = tmp_path / "contract.json"
    relaxed.write_text(json.dumps(contract))
    _, out, _ = _run([str(EXAMPLE), "--contract", str(relaxed), "--json"], capsys)
    row = json.loads(out)
    assert "/order-info/currency enum" not in row["rejected_by_rule"] and row["rejected"] == 5


def test_progress_on_stderr_for_a_large_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(checking, "PROGRESS_MIN_BYTES", 1000)
    monkeypatch.setattr(checking, "PROGRESS_SECONDS", 0.0)
    path = _json_lines(tmp_path, "big.jsonl", [_order(n) for n in range(3000)])
    found = checking.check_file(path, say=lambda text: print(text, file=sys.stderr))
    err = capsys.readouterr().err
    assert found.records == 3000
    assert "MiB read" in err and "big.jsonl" in err


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("missing", "no such file or directory"),
        ("bad-name", "the pipeline ignores this name"),
        ("contract-missing", "cannot read the contract"),
        ("contract-directory", "is a directory"),
        ("contract-not-json", "not JSON at line 1, column"),
        ("contract-unsupported", "unsupported keyword"),
        ("contract-not-utf8", "not UTF-8"),
        ("report-suffix", "a report is .html or .md"),
        ("report-directory", "is a directory"),
        ("report-unwritable", "cannot write"),
        ("bad-option", "unrecognized arguments"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    case: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _json_lines(tmp_path, "ok.jsonl", [_order(1)])
    contract = tmp_path / "contract.json"
    argv = [str(good)]
    if case == "missing":
        argv = [str(tmp_path / "nowhere.json")]
    elif case == "bad-name":
        argv = [str(_json_lines(tmp_path, "orders.csv", [_order(1)]))]
    elif case == "contract-missing":
        argv += ["--contract", str(contract)]
    elif case == "contract-directory":
        argv += ["--contract", str(tmp_path)]
    elif case == "contract-not-json":
        contract.write_text('{"type": "object",}')
        argv += ["--contract", str(contract)]
    elif case == "contract-unsupported":
        contract.write_text(json.dumps({"type": "object", "if": {}, "minimun": 1}))
        argv += ["--contract", str(contract)]
    elif case == "contract-not-utf8":
        contract.write_bytes(b'{"type": "\xff"}')
        argv += ["--contract", str(contract)]
    elif case == "report-suffix":
        argv += ["--report", str(tmp_path / "r.pdf")]
    elif case == "report-directory":
        (tmp_path / "r.html").mkdir()
        argv += ["--report", str(tmp_path / "r.html")]
    elif case == "report-unwritable":
        argv += ["--report", str(tmp_path / "no" / "such" / "r.html")]
    else:
        argv += ["--no-such-option"]
    status, out, err = _run(argv, capsys)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 or (case == "bad-option" and err.startswith("usage:")), err
    assert expected in err and "Traceback" not in err


def test_help_documents_the_exit_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(["--help"], capsys)
    assert status == 0
    assert "exit status: 0 every record" in " ".join(out.split()) and "2 a usage error" in " ".join(
        out.split()
    )


def test_the_deployed_contract_is_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN the deployed rules replaced by a contract of this test's own (a member only it requires), so
    # the test holds whatever rules the shipped contract gains
    own = tmp_path / "own.json"
    own.write_text(json.dumps({"type": "object", "required": ["x-test-marker"]}), encoding="utf-8")
    monkeypatch.setattr(records, "RULES", load_rules(own))
    path = _json_lines(tmp_path, "a.jsonl", [_order(1), {**_order(2), "x-test-marker": 1}])
    # WHEN check runs without a contract / THEN the deployed rules decide; with one, that one does
    assert checking.check_file(path).rejected_by_rule == {"/x-test-marker required": 1}
    strict = checking.check_file(path, rules=load_rules(STRICT))
    assert strict.rejected_by_rule == {"/* additionalProperties": 1}  # any unknown member: one rule
