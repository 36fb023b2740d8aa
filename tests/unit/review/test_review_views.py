"""The review views: `show` sorted with LINE and VIOLATIONS and filters,
`summary` by rule, `report` from a ledger entry and reviews, `status --wait` naming each state change.

Failure classes: verdicts computed but not shown (fails before the verdicts were shown: no LINE/VIOLATIONS
columns, no
per-rule counts), and bad input (a file that is not an export, a directory) as a traceback or a page of
notes instead of one line with exit status 1.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from quality.report import render_html
from review import report, status, summary
from review.cli import main
from review.entries import export_line
from review.stack import Stack

SOURCE = {"bucket": "b", "key": "orders.jsonl", "version_id": "v1", "etag": "e"}
RULES = [
    {"path": "/order-info/quantity", "rule": "minimum", "message": "must be at least 1"},
    {"path": "/contact-info/email", "rule": "format", "message": "must be an email address"},
]


def _body(index: int | None, reason: str = "contract_violation", **fields: Any) -> dict[str, Any]:
    return {
        "schema": "sales-pipeline.review/3",
        "reason": reason,
        "message": "the record breaks 2 rule(s) of the record contract (listed under violations)",
        "file_rejected": index is None,
        "source": SOURCE,
        "record_index": index,
        "line": None if index is None else index + 1,
        "order_id": None,
        "record": {"contact-info": {"name": "Ana"}} if index is not None else None,
        "record_item": None,
        "record_pointer": None,
        "rejections": None,
        "minimal": False,
        "violations": RULES if reason == "contract_violation" else [],
        "violations_omitted": 0,
        **fields,
    }


def _export(tmp_path: Path, bodies: list[dict[str, Any]]) -> Path:
    path = tmp_path / "review.jsonl"
    lines = [
        export_line(f"m{n}", body, fetch=lambda _: b"", replay_origin=lambda *_: None)
        for n, body in enumerate(bodies)
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def test_show_sorts_by_file_and_index_with_line_and_violations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = {**SOURCE, "key": "a.jsonl"}
    path = _export(
        tmp_path,
        [_body(7), _body(2, "missing_contact_info"), _body(5, source=other), _body(None, "not_json")],
    )
    assert main(["show", str(path)]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].split() == ["REASON", "FILE", "INDEX", "LINE", "ORDER_ID", "MESSAGE", "VIOLATIONS"]
    assert [row.split()[:4] for row in rows[1:]] == [
        ["contract_violation", "a.jsonl", "5", "6"],
        ["not_json", "orders.jsonl", "file", "-"],
        ["missing_contact_info", "orders.jsonl", "2", "3"],
        ["contract_violation", "orders.jsonl", "7", "8"],
    ]
    assert rows[1].endswith("/order-info/quantity minimum; /contact-info/email format")
    assert "Ana" not in "\n".join(rows)


def test_show_filters_by_reason_and_by_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = {**SOURCE, "key": "in/a.jsonl"}
    path = _export(tmp_path, [_body(7), _body(2, "missing_contact_info"), _body(5, source=other)])
    assert main(["show", str(path), "--reason", "contract_violation", "--file", "orders.jsonl"]) == 0
    rows = capsys.readouterr().out.splitlines()[1:]
    assert [row.split()[:3] for row in rows] == [["contract_violation", "orders.jsonl", "7"]]
    assert main(["show", str(path), "--file", "a.jsonl"]) == 0  # a name matches its key's last part
    assert [row.split()[1] for row in capsys.readouterr().out.splitlines()[1:]] == ["in/a.jsonl"]


@pytest.mark.parametrize("kind", ["orders", "binary", "directory", "missing"])
def test_show_of_what_is_not_an_export_is_one_line_and_exit_1(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "x.jsonl"
    if kind == "orders":
        path.write_text("".join(json.dumps({"order-info": {"order_id": str(n)}}) + "\n" for n in range(50)))
    elif kind == "binary":
        path.write_bytes(b"\xff\xfe\x00garbage")
    elif kind == "directory":
        path.mkdir()
    assert main(["show", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("review: error: ")


class _Queue:
    """A hand-written SQS fake: receive hides messages, visibility 0 shows them again."""

    def __init__(self, bodies: list[dict[str, Any]]) -> None:
        self.bodies = bodies
        self.hidden: set[int] = set()

    def get_queue_attributes(self, **_: Any) -> dict[str, Any]:
        return {"Attributes": {"ApproximateNumberOfMessages": str(len(self.bodies))}}

    def receive_message(self, **_: Any) -> dict[str, Any]:
        ready = [n for n in range(len(self.bodies)) if n not in self.hidden][:10]
        self.hidden.update(ready)
        return {"Messages": [{"ReceiptHandle": str(n), "Body": json.dumps(self.bodies[n])} for n in ready]}

    def change_message_visibility_batch(self, *, Entries: list[dict[str, Any]], **_: Any) -> None:
        self.hidden.difference_update(int(e["ReceiptHandle"]) for e in Entries)


def test_summary_counts_by_rule_and_leaves_the_messages() -> None:
    queue = _Queue([_body(1), _body(2), _body(3, "missing_contact_info")])
    found = summary.scan(queue, "url", wait_seconds=0)
    assert found.by_rule == {"/order-info/quantity minimum": 2, "/contact-info/email format": 2}
    assert not queue.hidden
    text = summary.render(found)
    assert "by rule (records breaking it):\n        2  /contact-info/email format\n" in text


def test_summary_and_show_count_every_rule_a_review_names_listed_or_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Per-rule verdicts (every broken rule counted): a review lists 20 violations; its `rules` name every
    rule
    the record breaks, and the views count those (fails before: only the listed violations' rules)."""
    listed = [
        {"path": f"/order-info/lines/{n}/sku", "rule": "pattern", "message": "m",
         "key": "/order-info/lines/*/sku pattern", "schema": "#/x"}
        for n in range(20)
    ]  # fmt: skip
    every = ["/order-info/lines/*/sku pattern", "/contact-info/name required"]
    bodies = [_body(1, violations=listed, violations_omitted=11, rules=every), _body(2)]
    found = summary.scan(_Queue(bodies), "url", wait_seconds=0)
    assert found.by_rule == {
        "/order-info/lines/*/sku pattern": 1,
        "/contact-info/name required": 1,
        "/order-info/quantity minimum": 1,  # a review without `rules`: its listed violations
        "/contact-info/email format": 1,
    }
    assert main(["show", str(_export(tmp_path, bodies[:1]))]) == 0
    assert (
        capsys.readouterr()
        .out.splitlines()[1]
        .endswith("/order-info/lines/*/sku pattern; /contact-info/name required")
    )


def test_report_from_a_ledger_entry_and_its_reviews() -> None:
    entry = {
        "status": "DONE",
        "records": Decimal(20),
        "stored": Decimal(17),
        "duplicates": Decimal(0),
        "rejected": Decimal(3),
        "rejected_by_reason": {
            "contract_violation": Decimal(2),
            "missing_contact_info": Decimal(1),
            "conflict": 0,
        },
        "rejected_by_rule": {
            "/order-info/quantity minimum": Decimal(2),
            "/contact-info/email format": Decimal(2),
        },
    }
    found = report.file_quality(
        "s3://b/orders.jsonl", entry, [_body(9), _body(4), _body(1, "missing_contact_info")]
    )
    assert found.reconciliation() == "records 20 = stored 17 + duplicates 0 + rejected 3"
    assert found.rejected_by_reason == {"contract_violation": 2, "missing_contact_info": 1}
    assert [(e.index, e.line, e.path, e.rule) for e in found.examples["/order-info/quantity minimum"]] == [
        (4, 5, "/order-info/quantity", "minimum"),
        (9, 10, "/order-info/quantity", "minimum"),
    ]
    assert "Ana" not in render_html([found])


def test_report_of_a_file_not_done_is_an_error() -> None:
    with pytest.raises(Exception, match="IN_PROGRESS, not DONE"):
        report.file_quality("s3://b/k", {"status": "IN_PROGRESS"}, [])


@pytest.mark.parametrize("name", ["r.pdf", "folder"])
def test_report_refuses_a_path_that_is_no_report_before_any_aws_call(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "folder").mkdir()
    # no stack, no endpoint, no credentials: the path is refused first, in one line
    assert main(["report", "k", "--out", str(tmp_path / name), "--endpoint-url", "http://127.0.0.1:9"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ("a report is .html or .md" in err or "is a directory" in err)


class _Ledger:
    """S3 and DynamoDB fakes for `status --wait`: the ledger entry moves through `states`."""

    def __init__(self, states: list[str | None]) -> None:
        self.states = states

    def list_object_versions(self, **_: Any) -> dict[str, Any]:
        return {"Versions": [{"Key": "k", "VersionId": "v1", "ETag": '"e"', "LastModified": 1}]}

    def get_item(self, **_: Any) -> dict[str, Any]:
        state = self.states.pop(0) if len(self.states) > 1 else self.states[0]
        return {} if state is None else {"Item": {"status": {"S": state}, "lane": {"S": "express"}}}


def test_status_wait_names_each_state_change(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(status.time, "sleep", lambda _: None)
    fake = _Ledger([None, None, "IN_PROGRESS", "IN_PROGRESS", "DONE"])
    heard: list[str] = []
    stack = Stack("s", "b", "url", "ledger")
    status.wait(fake, fake, stack, "k", 60, on_change=heard.append)
    assert heard == [
        "b/k#v1: no ledger entry",
        "b/k#v1: IN_PROGRESS (lane express)",
        "b/k#v1: DONE (lane express)",
    ]


@pytest.mark.parametrize("command", ["report"])
def test_the_new_subcommand_has_help_with_its_exit_status(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    out = capsys.readouterr().out
    assert exited.value.code == 0 and f"usage: review {command}" in out and "Exit status 0" in out


class _Bucket:
    """S3 and DynamoDB fakes for `review report`: versions of `key` and the ledger item, if any."""

    def __init__(self, versions: list[dict[str, Any]], item: dict[str, Any] | None) -> None:
        self.versions = versions
        self.item = item

    def list_object_versions(self, **_: Any) -> dict[str, Any]:
        return {"Versions": self.versions}

    def get_item(self, **_: Any) -> dict[str, Any]:
        return {} if self.item is None else {"Item": self.item}


@pytest.mark.parametrize(
    ("versions", "item", "said"),
    [
        ([], None, "no such object in the stack's bucket"),
        ([{"Key": "k", "VersionId": "v1", "ETag": '"e"', "LastModified": 1}], None, "no ledger entry"),
    ],
)
def test_report_of_a_key_the_stack_did_not_process_is_an_error(
    versions: list[dict[str, Any]], item: dict[str, Any] | None, said: str
) -> None:
    from review.errors import ReviewError

    fake = _Bucket(versions, item)
    with pytest.raises(ReviewError, match=said):
        report.gather(fake, fake, _Queue([]), Stack("s", "b", "url", "ledger"), "k", wait_seconds=0)


def test_report_gathers_only_the_files_own_reviews() -> None:
    item = {
        "status": {"S": "DONE"},
        "records": {"N": "20"},
        "stored": {"N": "18"},
        "duplicates": {"N": "0"},
        "rejected": {"N": "2"},
        "rejected_by_reason": {"M": {"contract_violation": {"N": "2"}}},
        "rejected_by_rule": {"M": {"/order-info/quantity minimum": {"N": "2"}}},
    }
    fake = _Bucket([{"Key": "orders.jsonl", "VersionId": "v1", "ETag": '"e"', "LastModified": 1}], item)
    other = _body(0, source={**SOURCE, "key": "other.jsonl"})
    old = _body(1, source={**SOURCE, "version_id": "v0"})
    queue = _Queue([_body(3), other, old, _body(8)])
    found = report.gather(fake, fake, queue, Stack("s", "b", "url", "ledger"), "orders.jsonl", wait_seconds=0)
    assert [e.index for e in found.examples["/order-info/quantity minimum"]] == [3, 8]
    assert found.reconciliation() == "records 20 = stored 18 + duplicates 0 + rejected 2"
    assert not queue.hidden  # looked at, not consumed
