"""What `review replay` will upload, said before it asks: each record's origin, and how many records are
unchanged since the export (the pipeline would reject those again)."""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handlers.core.replay import RECORD_FIELD, origin_of
from handlers.seams.settings import REASON_UNPARSEABLE_LINE
from review.entries import fingerprint, loads, plain_item
from review.exportfile import read_lines
from review.words import count

SHOWN = 20  # records listed before `... and N more`


@dataclass(frozen=True)
class Plan:
    lines: list[str]  # the replay file's lines
    unchanged: int  # replayed records whose `record` is the one exported


def unchanged(line: dict[str, Any]) -> bool:
    """Whether the export line's `record` is still the record as exported."""
    record = line.get("record")
    if record is None:
        return False
    exported = line.get("record_sha256")
    if isinstance(exported, str):
        try:
            return fingerprint(record) == exported
        except TypeError:  # a number beyond JSON: not what was exported
            return False
    review = line.get("review")
    original = _original(review if isinstance(review, dict) else {})  # exported before record_sha256
    return original is not None and original == record


def _original(body: dict[str, Any]) -> Any:
    if body.get("record") is not None:
        unparseable = body.get("reason") == REASON_UNPARSEABLE_LINE and isinstance(body["record"], str)
        return None if unparseable else body["record"]
    if body.get("record_item") is not None:
        return plain_item(body["record_item"])
    return None  # a claim check: only record_sha256 tells


def plan(path: Path, lines: list[str]) -> Plan:
    """The plan for `lines` (exportfile.replay_lines of `path`): counted over the same messages, once each."""
    seen: set[str] = set()
    same = 0
    with contextlib.redirect_stderr(io.StringIO()):  # replay_lines already named the skipped lines
        for _, line in read_lines(path):
            message_id = str(line.get("message_id"))
            if message_id in seen or line.get("file_rejected"):
                continue
            seen.add(message_id)
            same += unchanged(line)
    return Plan(lines, min(same, len(lines)))


def describe(found: Plan, destination: str) -> list[str]:
    """The lines shown before the question: the destination, each record's origin, the unchanged count."""
    shown = [f"replay: {count(len(found.lines), 'record')} to upload as {destination}:"]
    for text in found.lines[:SHOWN]:
        shown.append(f"  {_origin(loads(text))}")
    if len(found.lines) > SHOWN:
        shown.append(f"  ... and {len(found.lines) - SHOWN} more")
    if found.unchanged:
        verb = "is" if found.unchanged == 1 else "are"
        shown.append(
            f"{found.unchanged} of {count(len(found.lines), 'record')} {verb} unchanged since the export "
            "(the pipeline will reject them again unless the cause was fixed elsewhere)"
        )
    return shown


def _origin(value: Any) -> str:
    origin = origin_of(value)
    record = value[RECORD_FIELD] if origin is not None else value
    info = record.get("order-info") if isinstance(record, dict) else None
    order = info.get("order_id") if isinstance(info, dict) else None
    where = f"{_printable(origin['key'])} record {origin['record_index']}" if origin else "(no origin)"
    return f"{where}, order_id {'-' if order is None else _printable(str(order))[:40]}"


def _printable(text: str) -> str:
    """A key or id as typed when it prints cleanly, else as a JSON string (control characters escaped)."""
    return text if text.isprintable() else json.dumps(text)
