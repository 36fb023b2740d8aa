"""Validate one uploaded object (the validator Lambda's work; handlers/validator.py is its entry point).

The first read of a file routes it: the small-file lane validates inline (handlers/flows/inline.py);
the large lane splits a large JSON Lines file into ranges, or validates it in one pass that may stop
at a record boundary and continue (handlers/flows/steps.py runs the later steps).
"""

from __future__ import annotations

import time
from typing import Any

from handlers.adapters import s3read
from handlers.adapters.awserrors import transient_as_named_error
from handlers.adapters.s3io import S3ClaimWriter, S3ManifestWriter
from handlers.adapters.s3read import open_object
from handlers.core.pipeline import Summary, Turn, process_file
from handlers.flows.environment import limit_from_env, remaining_ms, turn_records
from handlers.flows.inline import INLINE_FLAG, validate_inline
from handlers.flows.ledger import ledger_attributes
from handlers.flows.ranges import is_gzip, is_splittable, plan
from handlers.flows.report import emit_metrics, line, log
from handlers.flows.results import accepted_result, rejected_result
from handlers.flows.steps import continue_step, split_step
from handlers.flows.turns import first_turn_result
from handlers.seams.errors import FileRejected
from handlers.seams.model import Source, file_hash, manifest_key
from handlers.seams.rangekeys import CHECKPOINT, PARTS, RANGE, RANGE_BYTES_ENV, RANGES
from handlers.seams.settings import (
    DEFAULT_LEDGER_RETENTION_DAYS,
    DEFAULT_MAX_FILE_BYTES,
    DEFAULT_MAX_REJECTED_RECORDS,
    LEDGER_RETENTION_DAYS_ENV,
    MAX_FILE_BYTES_ENV,
    MAX_REJECTED_RECORDS_ENV,
)
from handlers.seams.shapes import (
    LOCATION_BUCKET,
    LOCATION_KEY,
    LOCATION_VERSION_ID,
    RESULT_BATCHES,
    RESULT_COUNTS,
    RESULT_FILE_REJECTED,
    RESULT_HANDOFF,
    RESULT_INVALID,
    RESULT_LEDGER,
    RESULT_MAX_CONFLICTS,
    RESULT_RECORDS,
    RESULT_REJECTED_BY_REASON,
    RESULT_REJECTED_BY_RULE,
    SOURCE_ETAG,
    AcceptedResult,
    RejectedResult,
)
from handlers.seams.throughput import RANGE_BYTES, SPLIT_THRESHOLD_BYTES


class Prefixed:
    """A body whose first bytes were already read (the split check's gzip magic), read again first."""

    def __init__(self, head: bytes, body: Any) -> None:
        self._head = head
        self._body = body

    def read(self, amt: int = -1, /) -> bytes:
        if self._head:
            head, self._head = self._head, b""
            return head
        data: bytes = self._body.read(amt)
        return data

    def close(self) -> None:
        self._body.close()


def split_plan(key: str, body: Any, stored_bytes: int | None, max_file_bytes: int) -> tuple[Any, Any]:
    """(the ranges of a file to split, or None; the body to read otherwise). RANGE_BYTES (emulator
    only) sets both the threshold and the range size; unset, handlers/seams/throughput.py decides."""
    range_bytes = limit_from_env(RANGE_BYTES_ENV, 0)
    threshold = range_bytes or SPLIT_THRESHOLD_BYTES
    if stored_bytes is None or not is_splittable(
        key, stored_bytes, threshold=threshold, max_file_bytes=max_file_bytes
    ):
        return None, body
    head = body.read(2)
    if is_gzip(head):
        return None, Prefixed(head, body)
    return plan(stored_bytes, range_bytes=range_bytes or RANGE_BYTES), body


def validate(event: dict[str, Any], context: object) -> AcceptedResult | RejectedResult | dict[str, Any]:
    """Validate one uploaded object.

    Event: {"bucket": str, "key": str, "version_id": str | null, "etag": str | null} and, from the
    small-file lane, `"inline": true` (handlers/flows/inline.py: the entries inline, or a hand-off; every
    inline result has `handoff`).
    A continued file's turns (handlers/flows/turns.py) carry `checkpoint` and `parts`; a large-lane file that
    stops at a record boundary before its time runs out returns {"file_rejected": false, "records":
    null, "batches": 0, "checkpoint", "parts"} (the state machine invokes it again from there).
    A split file's steps (handlers/flows/rangestep.py) carry `range` or `parts`; a large-lane file that
    handlers/flows/ranges.py splits returns only its plan: {"file_rejected": false, "records": null,
    "ranges": [{"range", "start", "end"}, ...]}.
    Returns (docs/seams.md; counts and pointers only, never record content):
      {"file_rejected": false, "records", "valid", "large", "invalid", "batches",
       "manifest": {"bucket", "key", "version_id"}}
      or {"file_rejected": true, "records": null, "reason": code, "review": <review message>}.
    Raises TransientError (retry), SourceNotFound (object gone), ConfigurationError (a bad limit),
    ValidationTimeBudgetExceeded (less than VALIDATION_TIME_MARGIN_MS left of the invocation where no
    record boundary can be resumed from: the ledger records the name), InvalidCheckpoint (a
    continuation's checkpoint is not one a turn returns).
    Prints the file's metrics on stdout in Embedded Metric Format (handlers/adapters/metrics.py).
    Limits: MAX_REJECTED_RECORDS (default 1000) and MAX_FILE_BYTES (decoded, default 2 GiB).
    Needs s3:GetObject and s3:GetObjectVersion on the bucket's objects, s3:ListBucket on the bucket (a
    missing key is NoSuchKey, not AccessDenied); s3:PutObject and s3:AbortMultipartUpload on
    `_pipeline/*`. (build.py proves the template grants these: resources/permissions.py.)
    """
    max_rejected = limit_from_env(MAX_REJECTED_RECORDS_ENV, DEFAULT_MAX_REJECTED_RECORDS)
    max_file_bytes = limit_from_env(MAX_FILE_BYTES_ENV, DEFAULT_MAX_FILE_BYTES)
    retention_days = limit_from_env(LEDGER_RETENTION_DAYS_ENV, DEFAULT_LEDGER_RETENTION_DAYS)
    bucket = str(event[LOCATION_BUCKET])
    version_id = event.get(LOCATION_VERSION_ID) or None
    s3 = s3read.s3_client()  # the container's (a test patches it here)
    if CHECKPOINT in event:
        return continue_step(event, s3, context, max_rejected=max_rejected, max_file_bytes=max_file_bytes)
    if RANGE in event or PARTS in event:
        return split_step(event, s3, context, max_rejected=max_rejected, retention_days=retention_days)
    started = time.monotonic()
    key, response = open_object(s3, bucket, str(event[LOCATION_KEY]), version_id)
    etag = event.get(SOURCE_ETAG) or str(response.get("ETag", "")).strip('"') or None
    source: Source = {"bucket": bucket, "key": key, "version_id": version_id, "etag": etag}
    location_key = manifest_key(file_hash(source))
    body = response["Body"]
    inline = event.get(INLINE_FLAG) is True
    # The stored size: an uncompressed object past MAX_FILE_BYTES is rejected before it is streamed.
    length = response.get("ContentLength")
    stored_bytes = length if isinstance(length, int) else None
    if not inline:
        # A large uncompressed JSON Lines file is validated in ranges (handlers/flows/ranges.py): its plan
        # only.
        with transient_as_named_error("validate"):
            ranges, body = split_plan(key, body, stored_bytes, max_file_bytes)
        if ranges is not None:
            body.close()
            log("file split", bucket=bucket, key=key, ranges=len(ranges))
            return {RESULT_FILE_REJECTED: False, RESULT_RECORDS: None, RESULT_BATCHES: 0, RANGES: ranges}

    def emit_counts(summary: Summary, log: dict[str, Any] | None = None) -> None:
        """An accepted file's metrics (both lanes); called by validate_inline only when it keeps the file."""
        emit_metrics(
            context,
            started,
            response,
            log=log or line("file validated inline", bucket=bucket, key=key, handoff=False),
            records=summary.records,
            valid=summary.valid + summary.large,
            rejected_by_reason=summary.rejected_by_reason,
        )

    try:
        with transient_as_named_error("validate"):
            if inline:
                # Small-file lane: the entries come back in the result, or a hand-off
                # (handlers/flows/inline.py).
                inline_result = validate_inline(
                    body,
                    source=source,
                    claims=S3ClaimWriter(s3, bucket),
                    max_rejected=max_rejected,
                    max_file_bytes=max_file_bytes,
                    on_summary=emit_counts,
                    stored_bytes=stored_bytes,
                )
                if inline_result[RESULT_HANDOFF]:
                    # No metrics for a hand-off (the large lane validates the file again): its own line.
                    log("file validated inline", bucket=bucket, key=key, handoff=True)
                else:
                    inline_result[RESULT_MAX_CONFLICTS] = max_rejected - inline_result[RESULT_INVALID]
                    inline_result[RESULT_LEDGER] = ledger_attributes(
                        now=time.time(),
                        retention_days=retention_days,
                        rejected_by_reason=inline_result[RESULT_REJECTED_BY_REASON],
                        rejected_by_rule=inline_result.pop(RESULT_REJECTED_BY_RULE),
                    )
                return inline_result
            # The large lane may stop at a record boundary and continue (handlers/flows/turns.py).
            turn = Turn(max_records=turn_records())
            summary = process_file(
                body,
                source=source,
                manifest=S3ManifestWriter(s3, bucket, location_key),
                claims=S3ClaimWriter(s3, bucket),
                max_rejected=max_rejected,
                max_file_bytes=max_file_bytes,
                remaining_ms=remaining_ms(context),
                stored_bytes=stored_bytes,
                turn=turn,
            )
            if turn.checkpoint is not None:
                log("file continues", bucket=bucket, key=key, records=summary.records)
                return first_turn_result(s3, source, summary, turn, event_key=str(event[LOCATION_KEY]))
    except FileRejected as rejected:
        emit_metrics(
            context,
            started,
            response,
            log=line("file rejected", bucket=bucket, key=key, reason=rejected.reason),
            file_rejected_reason=rejected.reason,
        )
        result_rejected = rejected_result(rejected, source, retention_days)
        return {**result_rejected, RESULT_HANDOFF: False} if inline else result_rejected
    finally:
        body.close()
    result = accepted_result(
        summary,
        bucket=bucket,
        location_key=location_key,
        retention_days=retention_days,
        max_rejected=max_rejected,
    )
    counts = {name: result[name] for name in (*RESULT_COUNTS, RESULT_BATCHES)}
    emit_counts(summary, line("file validated", bucket=bucket, key=key, **counts))
    return result
