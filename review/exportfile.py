"""Reading an export file back: its lines, the `show` table and the replay file built from it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from handlers.core.replay import ORIGIN_FIELDS, RECORD_FIELD, REPLAY_FIELD
from handlers.values.jsontext import dumps
from review.entries import loads
from review.errors import ReviewError

COLUMNS = (("reason", 22), ("file", 30), ("index", 6), ("order_id", 14), ("message", 0))


def read_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, export line); a line that is not one (a torn write) is named on stderr and skipped."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ReviewError(f"cannot read {path}: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise ReviewError(f"{path} is not UTF-8 text") from error
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = loads(line)
        except ValueError:
            value = None
        if not isinstance(value, dict) or "review" not in value:
            print(f"{path}:{number}: not an export line (skipped)", file=sys.stderr)
            continue
        yield number, value


def origin_of_line(line: dict[str, Any]) -> dict[str, Any]:
    """The line's `origin`, or {} when a hand edit left something else there."""
    origin = line.get("origin")
    return origin if isinstance(origin, dict) else {}


def _cell(value: Any, width: int) -> str:
    text = "-" if value is None else str(value)
    if width and len(text) > width:
        text = text[: width - 1] + "…"
    return text.ljust(width) if width else text


def table(path: Path) -> str:
    rows: list[list[Any]] = [[name.upper() for name, _ in COLUMNS]]
    for _, line in read_lines(path):
        origin = origin_of_line(line)
        rows.append(
            [
                str(line.get("reason")),
                str(origin.get("key") or "-"),
                "file" if line.get("file_rejected") else origin.get("record_index"),
                line.get("order_id"),
                line.get("message"),
            ]
        )
    return "\n".join(
        "  ".join(_cell(value, width) for value, (_, width) in zip(row, COLUMNS, strict=True)).rstrip()
        for row in rows
    )


def replay_lines(path: Path) -> tuple[list[str], list[str]]:
    """(replay file lines, notes on what is not replayed). Each message is replayed once."""
    lines: list[str] = []
    notes: list[str] = []
    seen: set[str] = set()
    for number, line in read_lines(path):
        message_id = str(line.get("message_id"))
        if message_id in seen:
            continue  # an export re-run may hold a message twice
        seen.add(message_id)
        if line.get("file_rejected"):
            notes.append(
                f"line {number}: the file was rejected whole ({line.get('reason')}): fix it, upload it again"
            )
            continue
        if line.get("record") is None:
            notes.append(
                f"line {number}: no record ({line.get('reason')}): put the corrected record in `record`"
            )
            continue
        origin = {k: origin_of_line(line).get(k) for k in ORIGIN_FIELDS}
        if isinstance(origin["record_index"], int) and origin["bucket"]:
            replayed: Any = {REPLAY_FIELD: origin, RECORD_FIELD: line["record"]}
        else:
            notes.append(f"line {number}: no origin record index: replayed without provenance")
            replayed = line["record"]
        try:
            lines.append(dumps(replayed))
        except TypeError:
            notes.append(f"line {number}: a number in `record` is beyond what JSON readers hold")
    return lines, notes
