"""`review summary`: what waits in the review queue, by reason, by contract rule and by file, without
consuming it.

Messages are received with a short visibility timeout (hidden while the scan runs, so each is counted
once) and made visible again at once when the scan ends; an interrupted scan's messages come back by
themselves after SCAN_VISIBILITY_SECONDS. Nothing is deleted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from handlers.core.rules import review_rules
from review.entries import exact_key
from review.queue import BATCH, approximate_counts, body_of, drain
from review.words import count

SCAN_VISIBILITY_SECONDS = 30


@dataclass
class Summary:
    visible: int = 0
    in_flight: int = 0
    scanned: int = 0
    by_reason: Counter[str] = field(default_factory=Counter)
    # Records per contract rule (its key, handlers/core/rules.py); a record breaking two rules counts under
    # both, and once under a rule it breaks several times.
    by_rule: Counter[str] = field(default_factory=Counter)
    by_file: Counter[str] = field(default_factory=Counter)


def violated_rules(body: dict[str, Any]) -> list[str]:
    """The contract rules (their keys) a review names, each once: every rule the record breaks."""
    return review_rules(body)


def scan_bodies(
    sqs: Any, queue_url: str, *, wait_seconds: int, each: Callable[[dict[str, Any]], None]
) -> None:
    """Call `each` with every waiting message's body; the messages are left in the queue (made visible
    again when the scan ends)."""
    handles: list[str] = []
    try:
        for batch in drain(
            sqs, queue_url, visibility_timeout=SCAN_VISIBILITY_SECONDS, wait_seconds=wait_seconds
        ):
            for message in batch:
                handles.append(message["ReceiptHandle"])
                each(body_of(message))
    finally:
        release(sqs, queue_url, handles)


def scan(sqs: Any, queue_url: str, *, wait_seconds: int) -> Summary:
    found = Summary()
    found.visible, found.in_flight = approximate_counts(sqs, queue_url)

    def count(body: dict[str, Any]) -> None:
        found.scanned += 1
        found.by_reason[str(body.get("reason"))] += 1
        found.by_rule.update(violated_rules(body))
        source = body.get("source") or {}
        found.by_file[f"s3://{source.get('bucket')}/{exact_key(source)}"] += 1

    scan_bodies(sqs, queue_url, wait_seconds=wait_seconds, each=count)
    return found


def release(sqs: Any, queue_url: str, handles: list[str]) -> None:
    """Make scanned messages visible again now (visibility timeout 0)."""
    for start in range(0, len(handles), BATCH):
        entries = [
            {"Id": str(n), "ReceiptHandle": handle, "VisibilityTimeout": 0}
            for n, handle in enumerate(handles[start : start + BATCH])
        ]
        sqs.change_message_visibility_batch(QueueUrl=queue_url, Entries=entries)


def render(found: Summary) -> str:
    lines = [
        f"{count(found.visible, 'message')} waiting, {found.in_flight} in flight (SQS's estimate); "
        f"{found.scanned} scanned and left in the queue",
    ]
    for title, counts in (
        ("by reason", found.by_reason),
        ("by rule (records breaking it)", found.by_rule),
        ("by file", found.by_file),
    ):
        lines.append(f"{title}:")
        lines += [
            f"  {count:>7}  {name}" for name, count in sorted(counts.items(), key=lambda i: (-i[1], i[0]))
        ]
    return "\n".join(lines)
