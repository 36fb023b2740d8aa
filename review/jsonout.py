"""`--output json` of status, summary and show: one JSON document on stdout, numbers as numbers."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

from review.exportfile import origin_of_line, read_lines
from review.show import check_export, kept, violated
from review.summary import Summary


def plain(value: Any) -> Any:
    """A DynamoDB-deserialised value as JSON: Decimal as int or float, a set as a sorted list."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return [plain(v) for v in sorted(value)]
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value() and value.adjusted() < 30:
            return int(value)
        number = float(value)
        exact = math.isfinite(number) and value.adjusted() < 30
        return number if exact else str(value)  # beyond what readers hold as a number: its exact text
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def document(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)


def status(found: list[tuple[str, dict[str, Any] | None]]) -> str:
    """`[{"file_id", "latest", "entry"}]`, newest version first; `entry` null when not processed yet."""
    return document(
        [
            {"file_id": file_id, "latest": position == 0, "entry": plain(item)}
            for position, (file_id, item) in enumerate(found)
        ]
    )


def summary(found: Summary) -> str:
    """`{"visible", "in_flight", "scanned", "by_reason", "by_rule", "by_file"}`: counts, largest first."""
    return document(
        {
            "visible": found.visible,
            "in_flight": found.in_flight,
            "scanned": found.scanned,
            "by_reason": _ranked(found.by_reason),
            "by_rule": _ranked(found.by_rule),
            "by_file": _ranked(found.by_file),
        }
    )


def _ranked(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def show(path: Path, *, reason: str | None = None, file: str | None = None) -> str:
    """One object per export line kept by `--reason`/`--file`: what the table shows, with the whole origin."""
    check_export(path)
    rows = []
    for number, line in read_lines(path):
        if not kept(line, reason=reason, file=file):
            continue
        origin = origin_of_line(line)
        row = {
            "line": number,
            "reason": line.get("reason"),
            "file_rejected": bool(line.get("file_rejected")),
            "origin": origin,
            "order_id": line.get("order_id"),
            "message": line.get("message"),
            "message_id": line.get("message_id"),
            "violations": violated(line),
        }
        rows.append(plain(row))  # a hand-edited line may hold any JSON value anywhere
    return document(rows)
