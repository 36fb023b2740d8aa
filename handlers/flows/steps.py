"""The steps of a large file after its first read: a continuation turn (handlers/flows/turns.py), a
range of a split file or the combining step (handlers/flows/rangestep.py).
"""

from __future__ import annotations

import time
from typing import Any

from handlers.adapters.awserrors import transient_as_named_error
from handlers.adapters.s3read import open_object
from handlers.flows.environment import remaining_ms, turn_records
from handlers.flows.rangestep import combine_step, found_source, range_step
from handlers.flows.report import emit_metrics, line, log
from handlers.flows.results import accepted_result, rejected_result
from handlers.flows.turns import continue_file, read_parts
from handlers.seams.errors import FileRejected
from handlers.seams.model import Source
from handlers.seams.rangekeys import CHECKPOINT, PARTS, RANGE, TURNS, VALIDATIONS
from handlers.seams.shapes import (
    LOCATION_BUCKET,
    LOCATION_KEY,
    LOCATION_VERSION_ID,
    RESULT_BATCHES,
    RESULT_COUNTS,
    SOURCE_ETAG,
)
from handlers.seams.throughput import MAX_CONTINUATIONS


def located_source(event: dict[str, Any]) -> Source:
    """The object a range or turn reads, from the location the parent passed on."""
    return {
        "bucket": str(event[LOCATION_BUCKET]),
        "key": str(event[LOCATION_KEY]),
        "version_id": event.get(LOCATION_VERSION_ID) or None,
        "etag": event.get(SOURCE_ETAG) or None,
    }


def continue_step(
    event: dict[str, Any], s3: Any, context: object, *, max_rejected: int, max_file_bytes: int
) -> dict[str, Any]:
    """A turn after the first of a file validated by continuation (handlers/flows/turns.py)."""
    source = located_source(event)
    bucket = source["bucket"]
    with transient_as_named_error("validate turn"):
        result = continue_file(
            event,
            s3=s3,
            source=source,
            opener=open_object,
            max_rejected=max_rejected,
            max_file_bytes=max_file_bytes,
            remaining_ms=remaining_ms(context),
            max_records=turn_records(),
        )
    log("file turn", bucket=bucket, turn=len(result[PARTS]) - 1, done=CHECKPOINT not in result)
    return result


def split_step(
    event: dict[str, Any], s3: Any, context: object, *, max_rejected: int, retention_days: int
) -> dict[str, Any]:
    """A range of a split file (count or validate), or the combining step (handlers/flows/rangestep.py)."""
    source = located_source(event)
    bucket = source["bucket"]
    with transient_as_named_error("validate range"):
        if RANGE in event:
            return range_step(
                event,
                s3=s3,
                source=source,
                opener=open_object,
                max_rejected=max_rejected,
                remaining_ms=remaining_ms(context),
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
            log("file rejected", bucket=bucket, key=source["key"], reason=rejected.reason)
            return {**rejected_result(rejected, source, retention_days), VALIDATIONS: len(event[PARTS])}
    summary.manifest_version = version
    result = accepted_result(
        summary,
        bucket=bucket,
        location_key=location_key,
        retention_days=retention_days,
        max_rejected=max_rejected,
    )
    counts = {name: result[name] for name in (*RESULT_COUNTS, RESULT_BATCHES)}
    emit_metrics(
        context,
        started,
        {},
        log=line("file validated", bucket=bucket, key=source["key"], ranges=len(event[PARTS]), **counts),
        records=summary.records,
        valid=summary.valid + summary.large,
        rejected_by_reason=summary.rejected_by_reason,
    )
    return {**result, VALIDATIONS: len(event[PARTS])}
