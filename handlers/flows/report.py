"""What the validator says about a file: one line, or the file's EMF document carrying that line.

Fields are the file's bucket and key, counts and codes, never record content.
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any

from handlers.adapters.metrics import FileMetrics, documents, emit

# The logger keeps the entry module's name: log lines (and the benchmarks' measured bytes) unchanged.
LOGGER = logging.getLogger("handlers.validator")
LOGGER.setLevel(logging.INFO)


def line(message: str, **fields: Any) -> dict[str, Any]:
    """A log line's fields: the file's bucket and key, counts and codes, never record content."""
    return {"message": message, **fields}


def log(message: str, **fields: Any) -> None:
    """A line of its own, for what prints no metrics (a split plan, a hand-off, a rejected split file)."""
    LOGGER.info(json.dumps(line(message, **fields), sort_keys=True))


def emit_metrics(
    context: object, started: float, response: dict[str, Any], *, log: dict[str, Any], **measured: Any
) -> None:
    """The file's EMF metrics (handlers/adapters/metrics.py), dimensioned by this function's name. `log`:
    the file's log line ({"message", "bucket", "key", ...}), carried in the file's document instead of a
    line of its own (one line per file)."""
    name = getattr(context, "function_name", None) or os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "unknown")
    duration_ms = (time.monotonic() - started) * 1000
    size = int(response.get("ContentLength") or 0)
    found = FileMetrics(size_bytes=size, duration_ms=duration_ms, **measured)
    emit(documents(found, function_name=str(name), timestamp_ms=int(time.time() * 1000), properties=log))
