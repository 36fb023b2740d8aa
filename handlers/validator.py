"""Validator Lambda: stream an uploaded file from S3, classify every record, write the batch manifest."""

from __future__ import annotations

import importlib

if not __package__:
    # On Lambda this file is the top-level module of the zip root: register that root as `handlers`.
    importlib.import_module("_package")

import json
import logging
import os
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_plus

from handlers.adapters import clients
from handlers.adapters.awserrors import error_code, transient_as_named_error
from handlers.adapters.metrics import FileMetrics, documents, emit
from handlers.adapters.s3io import S3ClaimWriter, S3ManifestWriter
from handlers.core.pipeline import Summary, Turn, process_file
from handlers.core.reviewmessages import file_review
from handlers.flows.inline import INLINE_FLAG, validate_inline
from handlers.flows.ledger import ledger_attributes
from handlers.flows.ranges import is_gzip, is_splittable, plan
from handlers.flows.rangestep import combine_step, found_source, range_step
from handlers.flows.turns import continue_file, first_turn_result, read_parts
from handlers.seams.errors import ConfigurationError, FileRejected, SourceNotFound
from handlers.seams.model import Source, file_hash, manifest_key
from handlers.seams.rangekeys import (
    CHECKPOINT,
    PARTS,
    RANGE,
    RANGE_BYTES_ENV,
    RANGES,
    TURN_RECORDS_ENV,
    TURNS,
    VALIDATIONS,
)
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
    RESULT_LARGE,
    RESULT_LEDGER,
    RESULT_MANIFEST,
    RESULT_MAX_CONFLICTS,
    RESULT_REASON,
    RESULT_RECORDS,
    RESULT_REJECTED_BY_REASON,
    RESULT_REJECTED_BY_RULE,
    RESULT_REVIEW,
    RESULT_VALID,
    SOURCE_ETAG,
    AcceptedResult,
    RejectedResult,
)
from handlers.seams.throughput import MAX_CONTINUATIONS, RANGE_BYTES, SPLIT_THRESHOLD_BYTES
from handlers.values.sqssafe import review_source

LOGGER = logging.getLogger(__name__)
LOGGER.setLevel(logging.INFO)
_NOT_FOUND = frozenset({"NoSuchKey", "NoSuchVersion", "404", "NotFound"})
_RETRY_DECODED = _NOT_FOUND | {"AccessDenied", "403"}


def _s3_client() -> Any:
    """The container's S3 client (handlers/adapters/clients.py: created once, not per invocation)."""
    return clients.client("s3")


def _get(
    s3: Any, bucket: str, key: str, version_id: str | None, byte_range: str | None = None
) -> dict[str, Any]:
    request = {"Bucket": bucket, "Key": key}
    if version_id:
        request["VersionId"] = version_id
    if byte_range:
        request["Range"] = byte_range
    response: dict[str, Any] = s3.get_object(**request)
    return response


def open_object(
    s3: Any, bucket: str, key: str, version_id: str | None, byte_range: str | None = None
) -> tuple[str, dict[str, Any]]:
    """GetObject (the version when given; `byte_range` an HTTP Range, a split file's range); a key not
    found is retried once URL-decoded. (key, response).

    Without s3:ListBucket, S3 answers a missing key with AccessDenied, so that is retried too.
    """
    candidates = [key] if unquote_plus(key) == key else [key, unquote_plus(key)]
    failure: Exception | None = None
    for candidate in candidates:
        try:
            with transient_as_named_error("s3 GetObject"):
                return candidate, _get(s3, bucket, candidate, version_id, byte_range)
        except Exception as exc:
            if error_code(exc) not in _RETRY_DECODED:
                raise
            failure = exc
    assert failure is not None
    if error_code(failure) in _NOT_FOUND:
        raise SourceNotFound(f"s3://{bucket}/{key} not found") from failure
    raise failure


def limit_from_env(name: str, default: int) -> int:
    """A non-negative integer limit from the environment (the default when unset or empty)."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise ConfigurationError(f"environment variable {name} must be a non-negative integer")
    return value


def _remaining_ms(context: object) -> Callable[[], int] | None:
    """The Lambda context's get_remaining_time_in_millis (None without one: no time budget)."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return remaining if callable(remaining) else None


def _line(message: str, **fields: Any) -> dict[str, Any]:
    """A log line's fields: the file's bucket and key, counts and codes, never record content."""
    return {"message": message, **fields}


def _log(message: str, **fields: Any) -> None:
    """A line of its own, for what prints no metrics (a split plan, a hand-off, a rejected split file)."""
    LOGGER.info(json.dumps(_line(message, **fields), sort_keys=True))


def _emit_metrics(
    context: object, started: float, response: dict[str, Any], *, log: dict[str, Any], **measured: Any
) -> None:
    """The file's EMF metrics (handlers/adapters/metrics.py), dimensioned by this function's name. `log`: the
    file's
    log line ({"message", "bucket", "key", ...}), carried in the file's document instead of a line of its
    own (issue 17: one line per file)."""
    name = getattr(context, "function_name", None) or os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "unknown")
    duration_ms = (time.monotonic() - started) * 1000
    size = int(response.get("ContentLength") or 0)
    found = FileMetrics(size_bytes=size, duration_ms=duration_ms, **measured)
    emit(documents(found, function_name=str(name), timestamp_ms=int(time.time() * 1000), properties=log))


class _Prefixed:
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


def _split_plan(key: str, body: Any, stored_bytes: int | None, max_file_bytes: int) -> tuple[Any, Any]:
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
        return None, _Prefixed(head, body)
    return plan(stored_bytes, range_bytes=range_bytes or RANGE_BYTES), body


def _rejected_result(rejected: FileRejected, source: Source, retention_days: int) -> RejectedResult:
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


def _accepted_result(
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


def _turn_records() -> int | None:
    """Records per turn (TURN_RECORDS_ENV, emulator only: `simulate --turn-records N`); None: unset."""
    return limit_from_env(TURN_RECORDS_ENV, 0) or None


def _located_source(event: dict[str, Any]) -> Source:
    """The object a range or turn reads, from the location the parent passed on."""
    return {
        "bucket": str(event[LOCATION_BUCKET]),
        "key": str(event[LOCATION_KEY]),
        "version_id": event.get(LOCATION_VERSION_ID) or None,
        "etag": event.get(SOURCE_ETAG) or None,
    }


def _continue_step(
    event: dict[str, Any], s3: Any, context: object, *, max_rejected: int, max_file_bytes: int
) -> dict[str, Any]:
    """A turn after the first of a file validated by continuation (handlers/flows/turns.py)."""
    source = _located_source(event)
    bucket = source["bucket"]
    with transient_as_named_error("validate turn"):
        result = continue_file(
            event,
            s3=s3,
            source=source,
            opener=open_object,
            max_rejected=max_rejected,
            max_file_bytes=max_file_bytes,
            remaining_ms=_remaining_ms(context),
            max_records=_turn_records(),
        )
    _log("file turn", bucket=bucket, turn=len(result[PARTS]) - 1, done=CHECKPOINT not in result)
    return result


def _split_step(
    event: dict[str, Any], s3: Any, context: object, *, max_rejected: int, retention_days: int
) -> dict[str, Any]:
    """A range of a split file (count or validate), or the combining step (handlers/flows/rangestep.py)."""
    source = _located_source(event)
    bucket = source["bucket"]
    with transient_as_named_error("validate range"):
        if RANGE in event:
            return range_step(
                event,
                s3=s3,
                source=source,
                opener=open_object,
                max_rejected=max_rejected,
                remaining_ms=_remaining_ms(context),
            )
        started = time.monotonic()
        if event.get(TURNS) is True:
            # A file validated by continuation (handlers/flows/turns.py): its turns' pointers, checked.
            event = {**event, PARTS: read_parts(event[PARTS], most=MAX_CONTINUATIONS + 1)}
        source = found_source(event, source)
        try:
            summary, version, location_key = combine_step(
                event, s3=s3, source=source, max_rejected=max_rejected
            )
        except FileRejected as rejected:
            _log("file rejected", bucket=bucket, key=source["key"], reason=rejected.reason)
            return {**_rejected_result(rejected, source, retention_days), VALIDATIONS: len(event[PARTS])}
    summary.manifest_version = version
    result = _accepted_result(
        summary,
        bucket=bucket,
        location_key=location_key,
        retention_days=retention_days,
        max_rejected=max_rejected,
    )
    counts = {name: result[name] for name in (*RESULT_COUNTS, RESULT_BATCHES)}
    _emit_metrics(
        context,
        started,
        {},
        log=_line("file validated", bucket=bucket, key=source["key"], ranges=len(event[PARTS]), **counts),
        records=summary.records,
        valid=summary.valid + summary.large,
        rejected_by_reason=summary.rejected_by_reason,
    )
    return {**result, VALIDATIONS: len(event[PARTS])}


def handler(event: dict[str, Any], context: object) -> AcceptedResult | RejectedResult | dict[str, Any]:
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
    Returns (docs/CONTRACT.md; counts and pointers only, never record content):
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
    s3 = _s3_client()
    if CHECKPOINT in event:
        return _continue_step(event, s3, context, max_rejected=max_rejected, max_file_bytes=max_file_bytes)
    if RANGE in event or PARTS in event:
        return _split_step(event, s3, context, max_rejected=max_rejected, retention_days=retention_days)
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
            ranges, body = _split_plan(key, body, stored_bytes, max_file_bytes)
        if ranges is not None:
            body.close()
            _log("file split", bucket=bucket, key=key, ranges=len(ranges))
            return {RESULT_FILE_REJECTED: False, RESULT_RECORDS: None, RESULT_BATCHES: 0, RANGES: ranges}

    def emit_counts(summary: Summary, log: dict[str, Any] | None = None) -> None:
        """An accepted file's metrics (both lanes); called by validate_inline only when it keeps the file."""
        _emit_metrics(
            context,
            started,
            response,
            log=log or _line("file validated inline", bucket=bucket, key=key, handoff=False),
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
                    _log("file validated inline", bucket=bucket, key=key, handoff=True)
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
            turn = Turn(max_records=_turn_records())
            summary = process_file(
                body,
                source=source,
                manifest=S3ManifestWriter(s3, bucket, location_key),
                claims=S3ClaimWriter(s3, bucket),
                max_rejected=max_rejected,
                max_file_bytes=max_file_bytes,
                remaining_ms=_remaining_ms(context),
                stored_bytes=stored_bytes,
                turn=turn,
            )
            if turn.checkpoint is not None:
                _log("file continues", bucket=bucket, key=key, records=summary.records)
                return first_turn_result(s3, source, summary, turn, event_key=str(event[LOCATION_KEY]))
    except FileRejected as rejected:
        _emit_metrics(
            context,
            started,
            response,
            log=_line("file rejected", bucket=bucket, key=key, reason=rejected.reason),
            file_rejected_reason=rejected.reason,
        )
        rejected_result = _rejected_result(rejected, source, retention_days)
        return {**rejected_result, RESULT_HANDOFF: False} if inline else rejected_result
    finally:
        body.close()
    result = _accepted_result(
        summary,
        bucket=bucket,
        location_key=location_key,
        retention_days=retention_days,
        max_rejected=max_rejected,
    )
    counts = {name: result[name] for name in (*RESULT_COUNTS, RESULT_BATCHES)}
    emit_counts(summary, _line("file validated", bucket=bucket, key=key, **counts))
    return result
