"""`review show FILE.jsonl`: an export file as a table, by file and record index, with each record's
line and the contract rules it breaks (the last column, never cut); `--reason` and `--file` keep only
some of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from handlers.core.rules import review_rules
from review.entries import loads
from review.errors import ReviewError
from review.exportfile import origin_of_line, read_lines

COLUMNS = (
    ("reason", 22),
    ("file", 30),
    ("index", 6),
    ("line", 6),
    ("order_id", 14),
    ("message", 48),
    ("violations", 0),
)


def _is_export_line(text: str) -> bool:
    try:
        value = loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(value, dict) and "review" in value


def check_export(path: Path) -> None:
    """ReviewError (one line) unless `path` is a readable file with at least one export line, or empty."""
    if path.is_dir():
        raise ReviewError(f"{path} is a directory, not an export file")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ReviewError(f"cannot read {path}: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise ReviewError(f"{path} is not UTF-8 text, so not an export file") from error
    lines = [line for line in text.split("\n") if line.strip()]
    if lines and not any(_is_export_line(line) for line in lines):
        raise ReviewError(
            f"{path} is not a review export (no line of it is one: make one with `review export`)"
        )


def _cell(value: Any, width: int) -> str:
    text = "-" if value is None else str(value)
    if width and len(text) > width:
        text = text[: width - 1] + "…"
    return text.ljust(width) if width else text


def kept(line: dict[str, Any], *, reason: str | None, file: str | None) -> bool:
    """Whether an export line passes `--reason` and `--file` (a key, or its last part)."""
    key = str(origin_of_line(line).get("key") or "-")
    if reason is not None and line.get("reason") != reason:
        return False
    return file is None or file in (key, key.rsplit("/", 1)[-1])


def violated(line: dict[str, Any]) -> list[str]:
    """The contract rules (their keys, handlers/core/rules.py) an export line's review names."""
    review = line.get("review")
    return review_rules(review) if isinstance(review, dict) else []


def rows(path: Path, *, reason: str | None = None, file: str | None = None) -> list[list[Any]]:
    """The table's rows (no header): sorted by file, then record index (the file's own review first)."""
    check_export(path)
    found: list[tuple[tuple[str, int], list[Any]]] = []
    for _, line in read_lines(path):
        if not kept(line, reason=reason, file=file):
            continue
        origin = origin_of_line(line)
        key = str(origin.get("key") or "-")
        index = origin.get("record_index")
        rules = violated(line)
        whole = bool(line.get("file_rejected"))
        row = [
            str(line.get("reason")),
            key,
            "file" if whole else index,
            line.get("line"),
            line.get("order_id"),
            line.get("message"),
            "; ".join(rules) or None,
        ]
        found.append(((key, -1 if whole or not isinstance(index, int) else index), row))
    return [row for _, row in sorted(found, key=lambda item: item[0])]


def table(path: Path, *, reason: str | None = None, file: str | None = None) -> str:
    body = rows(path, reason=reason, file=file)
    header = [name.upper() for name, _ in COLUMNS]
    return "\n".join(
        "  ".join(_cell(value, width) for value, (_, width) in zip(row, COLUMNS, strict=True)).rstrip()
        for row in [header, *body]
    )
