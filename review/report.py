"""`review report KEY`: the data-quality report of an uploaded file, from its ledger entry (counts per
reason and per rule, the reconciliation) and the review messages waiting for it (the first records
breaking each rule). Messages are only looked at, never consumed; no record content is read."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from handlers.core.pipeline import RULE_EXAMPLES
from handlers.seams.ledgeritem import (
    LEDGER_FILE_REJECTED,
    LEDGER_INVALID,
    LEDGER_LARGE,
    LEDGER_OUTCOMES,
    LEDGER_REASON,
    LEDGER_RECORDS,
    LEDGER_REJECTED_BY_REASON,
    LEDGER_REJECTED_BY_RULE,
    LEDGER_STATUS,
    LEDGER_STATUS_DONE,
    LEDGER_STORED,
    LEDGER_VALID,
)
from quality.model import Example, FileQuality, split_rule
from review import status, summary
from review.entries import exact_key
from review.errors import ReviewError
from review.stack import Stack

ORIGIN = "pipeline's file ledger and its review messages"


def _int(value: Any) -> int:
    return int(value) if isinstance(value, (int, Decimal)) else 0


def _counts(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        return {}
    return {str(name): _int(n) for name, n in value.items() if _int(n)}


def _names_file(body: dict[str, Any], bucket: str, key: str, version_id: str | None) -> bool:
    source = body.get("source")
    if not isinstance(source, dict) or source.get("bucket") != bucket or exact_key(source) != key:
        return False
    return version_id is None or source.get("version_id") == version_id


def file_quality(name: str, entry: dict[str, Any], reviews: list[dict[str, Any]]) -> FileQuality:
    """A DONE ledger entry (deserialized) and the file's review messages as a report's figures."""
    if entry.get(LEDGER_STATUS) != LEDGER_STATUS_DONE:
        raise ReviewError(
            f"{name}: the newest version is {entry.get(LEDGER_STATUS, 'not processed')}, not DONE "
            "(wait for it: review status KEY --wait)"
        )
    if entry.get(LEDGER_FILE_REJECTED) is True:
        said = next((r for r in reviews if r.get("file_rejected")), {})
        return FileQuality(
            name=name,
            records=None,
            file_rejected=True,
            reason=str(entry.get(LEDGER_REASON)),
            message=said.get("message") or "(the file review has been taken off the queue)",
            position=said.get("position") if isinstance(said.get("position"), dict) else None,
            origin=ORIGIN,
        )
    records = _int(entry.get(LEDGER_RECORDS))
    if LEDGER_STORED in entry:
        parts = tuple((n, _int(entry.get(n))) for n in LEDGER_OUTCOMES)
    else:
        parts = (
            ("valid", _int(entry.get(LEDGER_VALID)) + _int(entry.get(LEDGER_LARGE))),
            ("rejected", _int(entry.get(LEDGER_INVALID))),
        )
    examples: dict[str, list[Example]] = {}
    ordered = sorted(
        (r for r in reviews if not r.get("file_rejected") and isinstance(r.get("record_index"), int)),
        key=lambda r: int(r["record_index"]),
    )
    for review in ordered:
        for rule in summary.violated_rules(review):
            found = examples.setdefault(rule, [])
            if len(found) < RULE_EXAMPLES:
                line = review.get("line")
                found.append(
                    Example(
                        int(review["record_index"]),
                        line if isinstance(line, int) else None,
                        *split_rule(rule),
                    )
                )
    return FileQuality(
        name=name,
        records=records,
        parts=parts,
        rejected_by_reason=_counts(entry.get(LEDGER_REJECTED_BY_REASON)),
        rejected_by_rule=_counts(entry.get(LEDGER_REJECTED_BY_RULE)),
        examples=examples,
        origin=ORIGIN,
    )


def gather(s3: Any, dynamodb: Any, sqs: Any, stack: Stack, key: str, *, wait_seconds: int) -> FileQuality:
    """The newest version of `key`: its ledger entry and the review messages naming it."""
    versions = status.versions(s3, stack.bucket, key)
    if not versions:
        raise ReviewError(f"s3://{stack.bucket}/{key}: no such object in the stack's bucket")
    version_id, etag = versions[0]
    entry = status.entry(dynamodb, stack.ledger_table, f"{stack.bucket}/{key}#{version_id or etag}")
    if entry is None:
        raise ReviewError(
            f"s3://{stack.bucket}/{key}: no ledger entry (not processed yet, or not an order file)"
        )
    reviews: list[dict[str, Any]] = []

    def keep(body: dict[str, Any]) -> None:
        if _names_file(body, stack.bucket, key, version_id):
            reviews.append(body)

    summary.scan_bodies(sqs, stack.queue_url, wait_seconds=wait_seconds, each=keep)
    return file_quality(f"s3://{stack.bucket}/{key}", entry, reviews)
