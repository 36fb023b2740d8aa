"""`python simulate.py FILE... [--json]` (an alias of `sales-pipeline simulate`): the user's offline
try-out, run as a user runs it."""

from __future__ import annotations

import json
import re
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

from .conftest import BLOCKS, REPO_ROOT, command_block
from .simulating import simulate

pytestmark = pytest.mark.cli



def _order(order_id: str) -> dict[str, object]:
    return {"order-info": {"order_id": order_id}, "contact-info": {"name": "Ana"}}


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = simulate(str(tmp_path / "nowhere.json"))
    assert result.returncode == 2 and "no such file" in result.stderr and result.stdout == ""


def test_name_the_rule_ignores_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text("order_id\n1\n")
    result = simulate(str(tmp_path / "orders.csv"))
    assert result.returncode == 2 and "orders.csv" in result.stderr and ".jsonl" in result.stderr


def _first_upload(document: Path) -> tuple[str, str]:
    """The README's first-upload block and the output it shows; a missing one fails (never skips)."""
    block = command_block(document, "first-upload")
    assert block, f"{document.name} has no ```sh block right after a <!-- first-upload: ... --> comment"
    text = document.read_text(encoding="utf-8")
    shown = re.search(r"<!-- first-upload-output -->\s*```text\n(.*?)```", text, re.S)
    assert shown, f"{document.name} has no first-upload-output block"
    return block, shown.group(1)


@pytest.mark.e2e
def test_readme_sample_prints_one_stored_record() -> None:
    """The README's first upload, run verbatim with bash from the checkout, prints what the README shows.
    Failure class: the newcomer's first command no longer runs, or prints something else."""
    block, shown = _first_upload(BLOCKS["first-upload"])
    result = subprocess.run(
        ["bash", "-c", "set -euo pipefail\n" + block],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == shown
    header, row = result.stdout.splitlines()
    assert header.split() == [
        *("FILE", "STATUS", "RECORDS", "STORED", "DUPLICATES", "REJECTED", "FILE_REJECTED", "REASONS")
    ]
    assert row.split() == ["examples/sample-order.json", "SUCCEEDED", "1", "1", "0", "0", "no", "-"]
    assert "1/1 executions finished" in result.stderr


def test_a_missing_first_upload_block_fails(tmp_path: Path) -> None:
    """Failure class: the README loses its first upload and the test stops running it, silently."""
    document = tmp_path / "README.md"
    document.write_text("# sales-pipeline\n\n<!-- first-upload -->\nno block here\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="first-upload"):
        _first_upload(document)


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
    result = simulate("--json", str(folder))
    # THEN exactly one JSON object per file, per line, with the documented keys and the real counts
    assert result.returncode == 0, result.stderr
    rows = {Path(row["file"]).name: row for row in map(json.loads, result.stdout.splitlines())}
    assert set(rows) == {"good.json", "mixed.jsonl", "empty.json"}
    assert all(
        # per-rule verdicts added the ledger's maps (objects, or null for a file without them)
        list(row)
        == [
            *("file", "status", "records", "stored", "duplicates", "rejected", "file_rejected", "reasons"),
            "lost",
            *("rejected_by_reason", "rejected_by_rule"),
            # validator invocations that read the file (its ranges when split)
            "validations",
        ]
        for row in rows.values()
    )
    assert rows["good.json"] | {"file": ""} == {
        "file": "",
        "status": "SUCCEEDED",
        "records": 2,
        "stored": 2,
        "duplicates": 0,
        "rejected": 0,
        "file_rejected": False,
        "reasons": [],
        "lost": [],
        "rejected_by_reason": {},
        "rejected_by_rule": {},
        "validations": 1,
    }
    assert rows["mixed.jsonl"]["records"] == 3 and rows["mixed.jsonl"]["stored"] == 1
    assert rows["mixed.jsonl"]["reasons"] == ["missing_order_info", "unparseable_line"]
    # the ledger's counts as objects (the emulator view used to make every map null)
    assert rows["mixed.jsonl"]["rejected_by_reason"] == {"missing_order_info": 1, "unparseable_line": 1}
    # ({"a": 1} breaks two rules: it counts under both)
    assert rows["mixed.jsonl"]["rejected_by_rule"] == {"/contact-info required": 1, "/order-info required": 1}
    assert rows["empty.json"] | {"file": ""} == {
        "file": "",
        "status": "SUCCEEDED",
        "records": None,
        "stored": 0,
        "duplicates": 0,
        "rejected": 0,
        "file_rejected": True,
        "reasons": ["empty_file"],
        "lost": [],
        "rejected_by_reason": None,
        "rejected_by_rule": None,
        "validations": 1,
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
    result = simulate("--json", str(first), str(again), str(changed))
    # THEN the second file's identical records are its duplicates (the first file stored them, as
    # the ledger counts them), and the change is a conflict
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    names = ("records", "stored", "duplicates", "rejected", "reasons")
    counts = [tuple(row[name] for name in names) for row in rows]
    assert counts == [(2, 2, 0, 0, []), (2, 0, 2, 0, []), (1, 0, 0, 1, ["conflict"])]


@pytest.mark.e2e
def test_reviews_option_shows_each_rejection_and_the_ledger_without_record_content(tmp_path: Path) -> None:
    # GIVEN a JSON Lines file: an order, a broken line, a record without order-info, the order again
    uid = uuid.uuid4().hex[:8]
    order = json.dumps(_order(f"{uid}-1"))
    path = tmp_path / "mixed.jsonl"
    path.write_text(f'{order}\n{{oops\n{{"a": "secret-{uid}"}}\n{order}\n')
    # WHEN simulated with --reviews
    result = simulate("--reviews", str(path))
    # THEN the order is stored once and its identical repeat is a duplicate (the row adds up: 4 = 1 +
    # 1 + 2), and under the file's line come its ledger entry and one line per rejected record
    # (reason, index, line, message), no record content
    assert result.returncode == 0, result.stderr
    _, row_line, ledger, rules, *reviews = result.stdout.splitlines()
    assert row_line.split()[1:7] == ["SUCCEEDED", "4", "1", "1", "2", "no"]
    assert ledger.startswith("  ledger: status DONE, ")
    # the ledger's counts per rule, and each review's violations on their own lines
    assert rules == "    rejected by rule: /contact-info required 1, /order-info required 1"
    assert reviews == [
        "  review: index 1 line 2 unparseable_line: the line is not one complete JSON value",
        '  review: index 2 line 3 missing_order_info: "order-info" is missing or is not an object',
        "    violation: /order-info required: is required",
        "    violation: /contact-info required: is required",
    ]
    assert f"secret-{uid}" not in result.stdout and "Ana" not in result.stdout

    # WHEN the same is asked with --json
    result = simulate("--json", "--reviews", str(path))
    # THEN the row carries the ledger entry and the reviews, still without record content
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    row = json.loads(line)
    assert row["records_from"] in ("ledger", "validator") and row["ledger"]["status"] == "DONE"
    assert [(r["reason"], r["record_index"], r["line"]) for r in row["reviews"]] == [
        ("unparseable_line", 1, 2),
        ("missing_order_info", 2, 3),
    ]
    assert [v["path"] for v in row["reviews"][1]["violations"]] == ["/order-info", "/contact-info"]
    assert row["rejected_by_rule"] == {"/contact-info required": 1, "/order-info required": 1}
    assert f"secret-{uid}" not in line and "Ana" not in line


@pytest.mark.e2e
@pytest.mark.parametrize("form", [[], ["--json"]])
def test_a_lost_record_is_named_and_the_exit_status_is_1(
    form: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN three orders, and a table that loses order 1's item once the executions have finished
    # (what a putItem that fails unnoticed leaves behind)
    import simulate
    from emulator import outcome

    uid = uuid.uuid4().hex[:8]
    path = tmp_path / "lossy.json"
    path.write_text(json.dumps([_order(f"{uid}-{n}") for n in range(3)]))
    wait = outcome.Executions.wait

    def wait_then_drop(self: outcome.Executions, *args: Any, **kwargs: Any) -> Any:
        found = wait(self, *args, **kwargs)
        self.stack.clients.dynamodb.delete_item(
            TableName=self.stack.output("OrdersTableName"), Key={"order_id": {"S": f"{uid}-1"}}
        )
        return found

    monkeypatch.setattr(outcome.Executions, "wait", wait_then_drop)
    # WHEN simulated
    status = simulate.main([*form, str(path)])
    out, err = capsys.readouterr()
    # THEN the run fails and names the lost index, in either output form
    assert status == 1
    if form:
        [row] = map(json.loads, out.splitlines())
        counts = [row[name] for name in ("records", "stored", "duplicates", "rejected", "lost")]
        assert counts == [3, 2, 0, 0, [1]]
        assert "lossy.json: lost (neither in the table nor in a review): 1" in err
    else:
        _, row_line, problem, ledger_problem = out.splitlines()
        assert row_line.split()[1:6] == ["SUCCEEDED", "3", "2", "0", "0"]
        assert problem == "  problem: lost (neither in the table nor in a review): 1"
        # AND the ledger's own reconciliation (3 puts) disagrees with the table
        assert ledger_problem == "  problem: the ledger counts 3 puts but 2 records are in the table"


def test_reviews_lines_read_the_ledger_counts_and_never_print_record_content() -> None:
    # GIVEN outcomes as the merged pipeline leaves them: ledger counts, a record review, a file review
    import simulate
    from emulator.outcome import FileOutcome
    from emulator.reconcile import FileCount

    accepted = FileOutcome(
        status="SUCCEEDED",
        records=3,
        stored=2,
        rejected=1,
        file_rejected=False,
        reasons=["conflict"],
        items=[],
        reviews=[
            {
                "reason": "conflict",
                "file_rejected": False,
                "record_index": 2,
                "line": None,
                "message": "an order with this order_id is stored with different content",
                "record_item": {"contact-info": {"M": {"name": {"S": "Ana"}}}},
            }
        ],
        count=FileCount(origin="ledger", records=3, file_rejected=False),
        ledger={"status": "DONE", "records": 3, "valid": 1, "large": 1, "invalid": 0, "file_rejected": False},
    )
    rejections = {
        "records_read": 1001,
        "rejected": 1001,
        "counts": {"not_an_object": 1001},
        "examples": [{"record_index": 0, "line": 1, "reason": "not_an_object", "message": "not an object"}],
    }
    rejected = FileOutcome(
        status="SUCCEEDED",
        records=None,
        stored=0,
        rejected=0,
        file_rejected=True,
        reasons=["too_many_rejections"],
        items=[],
        reviews=[
            {
                "reason": "too_many_rejections",
                "file_rejected": True,
                "record_index": None,
                "line": None,
                "message": "too many rejected records",
                "rejections": rejections,
            }
        ],
        count=FileCount(origin="ledger", records=None, file_rejected=True, reason="too_many_rejections"),
        ledger={"status": "DONE", "file_rejected": True, "reason": "too_many_rejections"},
    )
    # WHEN rendered with --reviews
    table = simulate.render_table(
        [simulate.Report("a.json", accepted), simulate.Report("b.jsonl", rejected)], reviews=True
    )
    # THEN each file's ledger line and reviews follow its row, without the record's content
    assert table.splitlines()[1:] == [
        # the REASONS column counts the rejected records per reason
        "a.json   SUCCEEDED  3        2       0           1         no             conflict 1",
        "  ledger: status DONE, records 3 (valid 1, large 1, invalid 0), file_rejected no",
        "  review: index 2 conflict: an order with this order_id is stored with different content",
        "b.jsonl  SUCCEEDED  -        0       0           0         yes            too_many_rejections",
        "  ledger: status DONE, file rejected (too_many_rejections)",
        "  file review: too_many_rejections: too many rejected records",
        "    rejected: not_an_object 1001",
        "    example: index 0 line 1 not_an_object: not an object",
    ]
    assert "Ana" not in table


def test_the_ledger_line_shows_the_files_reconciliation() -> None:
    import simulate
    from emulator.outcome import FileOutcome
    from emulator.reconcile import FileCount

    # GIVEN a DONE ledger item with the pipeline's own counts
    ledger = {"status": "DONE", "records": 5, "valid": 3, "large": 1, "invalid": 1, "stored": 2}
    ledger |= {"duplicates": 1, "rejected": 2}
    ledger["rejected_by_reason"] = {"conflict": 1, "not_an_object": 1, "x": 0}
    result = FileOutcome(
        status="SUCCEEDED",
        records=5,
        stored=3,
        rejected=2,
        file_rejected=False,
        reasons=[],
        items=[],
        reviews=[],
        count=FileCount(origin="ledger", records=5, file_rejected=False),
        ledger=ledger,
    )
    # THEN its line names stored, duplicates and rejected per reason (zeros left out)
    assert simulate._ledger_line(result) == (
        "ledger: status DONE, records 5 (valid 3, large 1, invalid 1), stored 2, duplicates 1, "
        "rejected 2 (conflict 1, not_an_object 1), file_rejected no"
    )


def test_a_fault_rate_outside_0_to_1_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "orders.json").write_text("[]")
    result = simulate("--faults", "1.5", str(tmp_path / "orders.json"))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "sales-pipeline simulate: error: --faults: fault rate must be between 0 and 1, got 1.5"
    ]


@pytest.mark.e2e
def test_faults_are_counted_per_file_in_json(tmp_path: Path) -> None:
    """Every file's line has `faults_injected` by kind; at rate 1 for every kind the first call of
    each file already fails, so each file has faults (and none is reported as accounted for)."""
    for name in ("a.jsonl", "b.jsonl"):
        lines = [json.dumps(_order(f"f-{uuid.uuid4().hex[:8]}")) for _ in range(2)]
        (tmp_path / name).write_text("\n".join(lines) + "\n")
    result = simulate("--json", "--faults", "1", "--seed", "5", str(tmp_path))
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(row["file"]).name for row in rows] == ["a.jsonl", "b.jsonl"]
    for row in rows:
        assert isinstance(row["faults_injected"], dict) and sum(row["faults_injected"].values()) > 0
        assert row["status"] != "SUCCEEDED"
    assert result.returncode == 1
