"""Review messages (schema sales-pipeline.review/1) for rejected records and rejected files."""

from __future__ import annotations

from typing import Any

from handlers.contract import REVIEW_SCHEMA
from handlers.model import Pointer, Source


def record_review(
    *,
    reason: str,
    message: str,
    source: Source,
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
    }


def file_review(*, reason: str, message: str, source: Source) -> dict[str, Any]:
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
    }
