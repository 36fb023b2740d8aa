"""The review command's pure parts: export lines, the show table, replay lines and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from handlers.values.jsontext import dumps
from review.cli import main
from review.entries import export_line, loads
from review.exportfile import replay_lines, table

SOURCE = {"bucket": "b", "key": "orders.jsonl", "version_id": "v1", "etag": "e"}


def _body(**fields: Any) -> dict[str, Any]:
    base = {"schema": "sales-pipeline.review/2", "reason": "missing_contact_info", "message": "no contact",
            "file_rejected": False, "source": SOURCE, "record_index": 4, "line": 5, "order_id": "7",
            "record": None, "record_item": None, "record_pointer": None, "rejections": None,
            "minimal": False}  # fmt: skip
    return {**base, **fields}


def _never(*_: Any) -> Any:
    raise AssertionError("not expected")


def test_inline_record_and_origin() -> None:
    body = _body(record={"order-info": {"order_id": "7"}})
    line = export_line("m1", body, fetch=_never, replay_origin=_never)
    assert line["record"] == {"order-info": {"order_id": "7"}} and line["record_text"] is None
    assert line["origin"] == {"bucket": "b", "key": "orders.jsonl", "version_id": "v1", "record_index": 4}
    assert line["review"]["reason"] == "missing_contact_info"


def test_an_unparseable_line_is_record_text_and_an_escaped_key_is_unescaped() -> None:
    source = {**SOURCE, "key": "odd\\u0001.jsonl", "key_encoding": "json-escaped"}
    body = _body(reason="unparseable_line", record='{"order-info": ', source=source)
    line = export_line("m", body, fetch=_never, replay_origin=_never)
    assert (line["record"], line["record_text"]) == (None, '{"order-info": ')
    assert line["origin"]["key"] == "odd\u0001.jsonl"


def test_a_conflict_item_becomes_the_record_without_the_pipelines_attributes() -> None:
    item = {"order_id": {"S": "7"}, "order-info": {"M": {"order_id": {"S": "7"}, "qty": {"N": "2"}}},
            "price": {"N": "1.10"}, "_pipeline_hash": {"S": "h"}, "_pipeline_source": {"M": {}}}  # fmt: skip
    line = export_line("m", _body(reason="conflict", record_item=item), fetch=_never, replay_origin=_never)
    assert line["record"] == {"order-info": {"order_id": "7", "qty": 2}, "price": loads("1.10")}
    assert '"price":1.10' in dumps(line["record"])  # exact decimal text kept


def test_a_claim_check_is_fetched_and_a_replay_envelope_unwrapped_with_its_first_origin() -> None:
    first = {"bucket": "b", "key": "orders.jsonl", "version_id": "v0", "record_index": 9}
    raw = json.dumps({"_pipeline_replay": first, "record": {"order-info": {"order_id": "7"}}}).encode()
    pointer = {"bucket": "b", "key": "_pipeline/claims/x/0.claims", "version_id": "p", "offset": 0}
    pointer["length"] = len(raw)
    replay_source = {**SOURCE, "key": "replay/2025.jsonl"}
    body = _body(reason="too_deep", record_pointer=pointer, source=replay_source, line=1)
    line = export_line("m", body, fetch=lambda p: raw, replay_origin=lambda s, n: first)
    assert line["record"] == {"order-info": {"order_id": "7"}}
    assert line["origin"] == first


def test_an_unreadable_claim_check_keeps_the_message() -> None:
    def gone(_: Any) -> bytes:
        raise KeyError("NoSuchKey")

    pointer = {"bucket": "b", "key": "k", "version_id": None, "offset": 0, "length": 3}
    line = export_line("m", _body(record_pointer=pointer), fetch=gone, replay_origin=_never)
    assert line["record"] is None and line["resolve_error"] == "claim check not readable: KeyError"
    assert line["review"]["record_pointer"] == pointer


def _export_file(tmp_path: Path, lines: list[dict[str, Any]]) -> Path:
    path = tmp_path / "export.jsonl"
    path.write_text("".join(dumps(line) + "\n" for line in lines) + '{"torn', encoding="utf-8")
    return path


def test_replay_lines_once_per_message_with_origin_skipping_what_cannot_be_replayed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixed = export_line("m1", _body(record={"order-info": {"order_id": "7"}, "n": loads("1.10")}),
                        fetch=_never, replay_origin=_never)  # fmt: skip
    unparseable = _body(reason="unparseable_line", record="{")
    empty = export_line("m2", unparseable, fetch=_never, replay_origin=_never)
    whole = export_line("m3", _body(file_rejected=True, reason="not_json", record_index=None),
                        fetch=_never, replay_origin=_never)  # fmt: skip
    path = _export_file(tmp_path, [fixed, fixed, empty, whole])

    lines, notes = replay_lines(path)

    assert lines == [
        '{"_pipeline_replay":{"bucket":"b","key":"orders.jsonl","version_id":"v1","record_index":4},'
        '"record":{"order-info":{"order_id":"7"},"n":1.10}}'
    ]
    assert len(notes) == 2 and "put the corrected record" in notes[0] and "rejected whole" in notes[1]
    assert "not an export line" in capsys.readouterr().err


def test_show_prints_one_row_per_line(tmp_path: Path) -> None:
    line = export_line("m1", _body(record={"a": 1}), fetch=_never, replay_origin=_never)
    rows = table(_export_file(tmp_path, [line])).splitlines()
    assert rows[0].split() == ["REASON", "FILE", "INDEX", "ORDER_ID", "MESSAGE"]
    assert rows[1].split() == ["missing_contact_info", "orders.jsonl", "4", "7", "no", "contact"]


@pytest.mark.parametrize("command", ["summary", "export", "show", "replay", "status"])
def test_every_subcommand_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0 and f"usage: review {command}" in capsys.readouterr().out


def test_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(tmp_path / "missing.jsonl")]) == 1
    assert capsys.readouterr().err.strip().count("\n") == 0
    (tmp_path / "empty.jsonl").write_text("")
    assert main(["replay", str(tmp_path / "empty.jsonl"), "--dry-run"]) == 1
    assert capsys.readouterr().err == f"review: error: {tmp_path / 'empty.jsonl'}: no record to replay\n"
