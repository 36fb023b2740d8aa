"""Review messages the state machine sends or builds itself: the send, conflict reviews, minimal reviews.

A minimal review (docs/reference.md "Review messages") replaces a full review whose sendMessage failed
after its retries (e.g. a body SQS refuses): the reason, the provenance and the claim-check pointer
still reach review, so one unsendable message no longer fails the file.
"""

from __future__ import annotations

from typing import Any

from handlers.seams.settings import REASON_CONFLICT, REVIEW_SCHEMA
from handlers.seams.shapes import KEY_INDEX, KEY_LINE, KEY_ORDER_ID, KEY_POINTER, KEY_REVIEW
from workflow import names
from workflow.paths import RECORD_KEY, REVIEW_SOURCE, STORED_ITEM, entry
from workflow.retries import DEFAULT_ATTEMPTS, SQS_TRANSIENT, transient
from workflow.sdk import Pass, Task

CONFLICT_MESSAGE = "order_id is already stored with different content; the stored item was not changed"
MINIMAL_MESSAGE = (
    "The full review message could not be sent to the review queue; this minimal review keeps its "
    "reason, its provenance and its claim-check pointer (if any)"
)
# Where the per-record states keep the review being sent: SendRejection (the manifest entry's own
# review), SendConflict and SendMinimalReview all read it here, so one fallback path serves them all.
RECORD_REVIEW = entry(KEY_REVIEW)
# Where a Catch puts the caught error ({"Error", "Cause"}); only its name travels on.
ERROR_PATH = "$.error"


def send_review(
    state_id: str,
    *,
    review_path: str,
    output_path: str | None = entry(KEY_INDEX),
    max_attempts: int = DEFAULT_ATTEMPTS,
) -> Task:
    """SQS sendMessage of the review message at `review_path` (its reason also as an attribute)."""
    fields: dict[str, Any] = {"output_path": output_path} if output_path else {}
    return Task(
        state_id,
        resource=names.service("sqs:sendMessage"),
        parameters={
            "QueueUrl": names.sub(names.REVIEW_QUEUE_URL),
            "MessageBody.$": f"States.JsonToString({review_path})",
            "MessageAttributes": {"reason": {"DataType": "String", "StringValue.$": f"{review_path}.reason"}},
        },
        result_path=None,
        retry=transient(SQS_TRANSIENT, max_attempts=max_attempts),
        **fields,
    )


def conflict_review(state_id: str, *, inline: bool) -> Pass:
    """Build the review/3 `conflict` message for an inline item or a claim-checked record.

    Its `source` is the batch's review source (SQS-safe); a claim-checked record carries its
    pointer, never its content. The output keeps the review at RECORD_REVIEW.
    """
    review: dict[str, Any] = {
        "schema": REVIEW_SCHEMA,
        "reason": REASON_CONFLICT,
        "message": CONFLICT_MESSAGE,
        "file_rejected": False,
        "source.$": REVIEW_SOURCE,
        "record_index.$": entry(KEY_INDEX),
        "line.$": entry(KEY_LINE),
        "order_id.$": entry(KEY_ORDER_ID),
        "record": None,
        "record_item": None,
        "record_pointer": None,
        "rejections": None,
        "minimal": False,
        # review/3: like a record rejected by a DynamoDB rule, the reason is the one violation.
        "violations": [
            {"path": "/order-info/order_id", "rule": REASON_CONFLICT, "message": CONFLICT_MESSAGE}
        ],
        "violations_omitted": 0,
        "rules": [],  # a conflict breaks no contract rule
    }
    if inline:
        del review["record_item"]
        # The item as it would have been stored, `_pipeline_source` included.
        review["record_item.$"] = STORED_ITEM
    else:
        del review["record_pointer"]
        review["record_pointer.$"] = entry(KEY_POINTER)
    return Pass(state_id, parameters={RECORD_KEY: {f"{KEY_INDEX}.$": entry(KEY_INDEX), KEY_REVIEW: review}})


def _minimal_review(review_path: str, *, file_rejected: bool) -> dict[str, Any]:
    """The minimal review of the review at `review_path`, naming the error caught at ERROR_PATH."""
    review: dict[str, Any] = {
        "schema": REVIEW_SCHEMA,
        "reason.$": f"{review_path}.reason",
        "message": MINIMAL_MESSAGE,
        "file_rejected": file_rejected,
        "source.$": f"{review_path}.source",
        "record_index": None,
        "line": None,
        "record_pointer": None,
        "send_error.$": f"{ERROR_PATH}.Error",
        "minimal": True,
    }
    if not file_rejected:
        # A file review has no record fields to copy (null by contract): literals there, so the
        # parent's Pass cannot fail on a missing path (a Pass has no Catch).
        for field in ("record_index", "line", "record_pointer"):
            del review[field]
            review[f"{field}.$"] = f"{review_path}.{field}"
    return review


def describe_minimal_review() -> Pass:
    """Per record: replace the state with the record index and the minimal review at RECORD_REVIEW."""
    return Pass(
        names.DESCRIBE_MINIMAL_REVIEW,
        parameters={
            RECORD_KEY: {
                f"{KEY_INDEX}.$": entry(KEY_INDEX),
                KEY_REVIEW: _minimal_review(RECORD_REVIEW, file_rejected=False),
            }
        },
    )


def describe_minimal_file_review(*, review_path: str, result_path: str) -> Pass:
    """Per file: add the minimal review at `result_path`, keeping the parent's state (file, validation)."""
    return Pass(
        names.DESCRIBE_MINIMAL_FILE_REVIEW,
        parameters=_minimal_review(review_path, file_rejected=True),
        result_path=result_path,
    )
