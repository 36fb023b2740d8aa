"""Per-file error tolerance: past MAX_REJECTED_RECORDS rejected records the whole file is rejected."""

from __future__ import annotations

from typing import Any

from handlers.seams.errors import FileRejected
from handlers.seams.settings import REASON_TOO_MANY_REJECTIONS, REJECTION_EXAMPLES


class RejectionTally:
    """Counts rejected records per reason and keeps the first examples (provenance only, no content)."""

    def __init__(self, max_rejected: int, log: list[list[Any]] | None = None) -> None:
        if max_rejected < 0:
            raise ValueError("max_rejected must be 0 or more")
        # A byte range of a split file logs each rejection in order, [index, line, reason, message (the
        # first REJECTION_EXAMPLES only)], at most max_rejected + 1 of them: the file's tally is replayed
        # from the ranges' logs (handlers/flows/ranges.py).
        self.log = log
        self.max_rejected = max_rejected
        self.rejected = 0
        self.counts: dict[str, int] = {}
        self.examples: list[dict[str, Any]] = []

    def count(self, *, records_read: int, index: int, line: int | None, reason: str, message: str) -> None:
        """Count one rejected record; raise FileRejected(too_many_rejections) when it is one too many."""
        self.rejected += 1
        if self.log is not None:
            self.log.append([index, line, reason, message if len(self.log) < REJECTION_EXAMPLES else None])
        self.counts[reason] = self.counts.get(reason, 0) + 1
        if len(self.examples) < REJECTION_EXAMPLES:
            self.examples.append({"record_index": index, "line": line, "reason": reason, "message": message})
        if self.rejected > self.max_rejected:
            summary = {
                "records_read": records_read,
                "rejected": self.rejected,
                "counts": dict(sorted(self.counts.items())),
                "examples": self.examples,
            }
            raise FileRejected(
                REASON_TOO_MANY_REJECTIONS,
                f"more than {self.max_rejected} records of the file were rejected, so the file is rejected "
                "whole (the first ones are listed under rejections)",
                summary,
            )
