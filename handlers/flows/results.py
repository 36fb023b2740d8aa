"""The validator's result for a file (handlers/seams/shapes.py): accepted (counts, the manifest's
location, the ledger's attributes) or rejected (the file's review).
"""

from __future__ import annotations

import time

from handlers.core.pipeline import Summary
from handlers.core.reviewmessages import file_review
from handlers.core.reviewsafe import review_source
from handlers.flows.ledger import ledger_attributes
from handlers.seams.errors import FileRejected
from handlers.seams.model import Source
from handlers.seams.shapes import (
    LOCATION_BUCKET,
    LOCATION_KEY,
    LOCATION_VERSION_ID,
    RESULT_BATCHES,
    RESULT_FILE_REJECTED,
    RESULT_INVALID,
    RESULT_LARGE,
    RESULT_LEDGER,
    RESULT_MANIFEST,
    RESULT_MAX_CONFLICTS,
    RESULT_REASON,
    RESULT_RECORDS,
    RESULT_REJECTED_BY_REASON,
    RESULT_REVIEW,
    RESULT_VALID,
    AcceptedResult,
    RejectedResult,
)


def rejected_result(rejected: FileRejected, source: Source, retention_days: int) -> RejectedResult:
    review = file_review(
        reason=rejected.reason,
        message=rejected.message,
        source=review_source(source),
        rejections=rejected.rejections,
        position=rejected.position,
    )
    return {
        RESULT_FILE_REJECTED: True,
        RESULT_RECORDS: None,
        RESULT_REASON: rejected.reason,
        RESULT_REVIEW: review,
        RESULT_LEDGER: ledger_attributes(now=time.time(), retention_days=retention_days),
    }


def accepted_result(
    summary: Summary, *, bucket: str, location_key: str, retention_days: int, max_rejected: int
) -> AcceptedResult:
    return {
        RESULT_FILE_REJECTED: False,
        RESULT_RECORDS: summary.records,
        RESULT_VALID: summary.valid,
        RESULT_LARGE: summary.large,
        RESULT_INVALID: summary.invalid,
        RESULT_BATCHES: summary.batches,
        RESULT_MANIFEST: {
            LOCATION_BUCKET: bucket,
            LOCATION_KEY: location_key,
            LOCATION_VERSION_ID: summary.manifest_version,
        },
        RESULT_REJECTED_BY_REASON: dict(summary.rejected_by_reason),
        # The file's conflict budget (workflow/breaker.py): what MaxRejectedRecords leaves.
        RESULT_MAX_CONFLICTS: max_rejected - summary.invalid,
        RESULT_LEDGER: ledger_attributes(
            now=time.time(),
            retention_days=retention_days,
            rejected_by_reason=summary.rejected_by_reason,
            rejected_by_rule=summary.rejected_by_rule,
        ),
    }
