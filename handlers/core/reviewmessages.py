"""Review messages (schema sales-pipeline.review/3) for rejected records and rejected files.

review/3 = review/2 plus `violations` (a record review: every rule the record breaks, at most
rules.MAX_VIOLATIONS, each {"path", "rule", "message"}, and a contract rule's "key" and "schema") and
`violations_omitted` (how many more); a file review has `violations: null` and `violations_omitted: 0`.
A record review also has `rules`: the key of every contract rule the record breaks, each once, listed
violations or not (bounded by the places in the contract; [] for a rejection by no contract rule).

Every text in a review must be one SQS accepts: callers pass the REVIEW source (sqssafe.review_source),
an SQS-safe order id (or None) and an inline record only when all its strings are SQS-safe.
"""

from __future__ import annotations

from typing import Any

from handlers.seams.model import Pointer
from handlers.seams.settings import REVIEW_SCHEMA

# A minimal review (docs/reference.md "Review messages"): what the state machine sends instead of a full
# review that SQS refused (workflow/reviewstates.py builds it in the ASL): these keys of the full review, and
# the name of the error that stopped the full one. workflow/seams.py checks both sides against this.
MINIMAL_REVIEW_SEND_ERROR = "send_error"
MINIMAL_REVIEW_KEYS = (
    "schema",
    "reason",
    "message",
    "file_rejected",
    "source",
    "record_index",
    "line",
    "record_pointer",
    "minimal",
    MINIMAL_REVIEW_SEND_ERROR,
)


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
    violations: list[dict[str, Any]] | None = None,
    violations_omitted: int = 0,
    rules: list[str] | None = None,
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
        "violations": violations if violations is not None else [],
        "violations_omitted": violations_omitted,
        "rules": rules if rules is not None else [],
    }


def file_review(
    *,
    reason: str,
    message: str,
    source: dict[str, Any],
    rejections: dict[str, Any] | None = None,
    position: dict[str, int] | None = None,
) -> dict[str, Any]:
    """`rejections` (too_many_rejections only): counts per reason and the first examples, no content.
    `position` (not_json, truncated: {"line", "column", "offset"} in the decoded text; not_utf8:
    {"byte_offset"} after gunzip): where the problem is; None for the other reasons."""
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
        "violations": None,
        "violations_omitted": 0,
        "position": position,
    }
