"""Review messages (schema sales-pipeline.review/2) for rejected records and rejected files.

Every text in a review must be one SQS accepts: callers pass the REVIEW source (sqssafe.review_source),
an SQS-safe order id (or None) and an inline record only when all its strings are SQS-safe.
"""

from __future__ import annotations

from typing import Any

from handlers.contract import REVIEW_SCHEMA
from handlers.model import Pointer


def record_review(
    *,
    reason: str,
    message: str,
    source: dict[str, Any],
    index: int,
    line: int | None,
    order_id: str | None,
    record: Any = None,
    pointer: Pointer | None = None,
) -> dict[str, Any]:
    """Exactly one of `record` (as received, parsed) and `pointer` (claim check) is meant to be given."""
    return {
        "schema": REVIEW_SCHEMA,
        "reason": reason,
        "message": message,
        "file_rejected": False,
        "source": source,
        "record_index": index,
        "line": line,
        "order_id": order_id,
        "record": record if pointer is None else None,
        "record_item": None,
        "record_pointer": pointer,
        "minimal": False,
        "rejections": None,
    }


def file_review(
    *, reason: str, message: str, source: dict[str, Any], rejections: dict[str, Any] | None = None
) -> dict[str, Any]:
    """`rejections` (too_many_rejections only): counts per reason and the first examples, no content."""
    return {
        "schema": REVIEW_SCHEMA,
        "reason": reason,
        "message": message,
        "file_rejected": True,
        "source": source,
        "record_index": None,
        "line": None,
        "order_id": None,
        "record": None,
        "record_item": None,
        "record_pointer": None,
        "minimal": False,
        "rejections": rejections,
    }
