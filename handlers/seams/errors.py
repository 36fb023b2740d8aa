"""Named exceptions: the class name a Lambda raises is the error name an ASL Catch/Retry matches."""

from __future__ import annotations

from typing import Any


class FileRejected(Exception):
    """Whole-file rejection found by the core (internal: the validator turns it into a review message)."""

    def __init__(
        self,
        reason: str,
        message: str,
        rejections: dict[str, Any] | None = None,
        position: dict[str, int] | None = None,
    ) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message
        # too_many_rejections only: the review's `rejections` summary (counts and examples, no content).
        self.rejections = rejections
        # Where the problem is (not_json, truncated: line, column, offset in the decoded text; not_utf8:
        # byte_offset in the decompressed bytes); None when it has no one place.
        self.position = position


class OrderConflict(Exception):
    """A different record with the same order_id is already stored (the put condition failed)."""


class TransientError(Exception):
    """S3 or DynamoDB throttled or failed transiently: the state machine retries with backoff."""


class SourceNotFound(Exception):
    """The uploaded object (or a claim-check body) no longer exists: permanent, not retried."""


class ClaimMismatch(Exception):
    """A claim-check body no longer yields the valid record its manifest entry described."""


class ConfigurationError(Exception):
    """A required environment variable is missing: the function is deployed wrongly."""


class ValidationTimeBudgetExceeded(Exception):
    """The file could not be validated within one invocation's time (the Lambda timeout, less a margin):
    it is too large for one validator invocation at this memory size. Raised while streaming, with the
    file named, so the ledger records this error name instead of a silent timeout. Not retried."""


class SourceChanged(Exception):
    """A range of a split file found an object other than the one the file was planned from (another
    size or etag): its parts must not be combined. Not retried; the ledger marks the file FAILED."""


class InvalidCheckpoint(Exception):
    """A continuation's checkpoint or part pointers are not what a validator turn returns (wrong type,
    out of bounds): the file is not read on from there (FAILED in the ledger, never DONE)."""
