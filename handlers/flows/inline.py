"""Inline validation for the small-file lane: the classified entries come back in the result, no manifest.

The small-file state machine (EXPRESS) invokes the validator with `"inline": true`. The same core
(`process_file`) classifies the file, but its manifest goes to an in-memory sink instead of S3: when
the whole manifest is at most one batch of at most INLINE_MAX_BYTES and INLINE_MAX_RECORDS entries,
none of them claim-checked, that batch is returned inline
and the state machine routes its entries itself (no manifest PUT, no GETs, no Distributed Map).
Otherwise the result says "hand off", nothing has been written but claim packs (harmless: the large
path writes its own and reads by version), and the state machine hands the file to the large path.
A file is never truncated or failed for being too big for this lane.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from handlers.core.decoding import SizeKnownTooLarge
from handlers.core.pipeline import Summary, process_file
from handlers.core.sinks import ClaimSink
from handlers.seams.errors import FileRejected
from handlers.seams.model import Source
from handlers.seams.settings import REASON_FILE_TOO_LARGE
from handlers.seams.settings import (
    SMALL_FILE_MAX_BYTES as SMALL_FILE_MAX_BYTES,  # defined with the shared limits
)
from handlers.seams.shapes import (
    BATCH_RECORDS,
    EVENT_INLINE,
    RESULT_BATCH,
    RESULT_BATCHES,
    RESULT_FILE_REJECTED,
    RESULT_HANDOFF,
    RESULT_HANDOFF_REASON,
    RESULT_INVALID,
    RESULT_LARGE,
    RESULT_RECORDS,
    RESULT_REJECTED_BY_REASON,
    RESULT_REJECTED_BY_RULE,
    RESULT_VALID,
    HandOffResult,
)
from handlers.seams.throughput import INLINE_MAX_BYTES, INLINE_MAX_RECORDS

# The validator event's flag that asks for an inline result.
INLINE_FLAG = EVENT_INLINE
# Decoded bytes read at most inline (gzip inflation, whitespace): past it, the large path takes the
# file, whose own limit (MAX_FILE_BYTES) decides. Bounds the small lane's work per file.
INLINE_MAX_DECODED_BYTES = 4 * 1024 * 1024

# Why a file was handed to the large path (the result's `handoff_reason`).
HANDOFF_MANIFEST = "manifest_over_inline_budget"
HANDOFF_DECODED = "decoded_size_over_inline_budget"
# More records than the small lane stores within its time budget (handlers/seams/throughput.py).
HANDOFF_RECORDS = "records_over_inline_budget"
# A claim-checked record: its store-large Lambda call is not in the small lane's time budget.
HANDOFF_LARGE_RECORD = "large_record_over_inline_budget"


class HandOff(Exception):
    """The file does not fit the small lane; the large path processes it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InlineManifest:
    """ManifestSink kept in memory, refusing (HandOff) to grow past `max_bytes`."""

    def __init__(self, max_bytes: int = INLINE_MAX_BYTES) -> None:
        self._max_bytes = max_bytes
        self._buffer = bytearray()

    def write(self, data: bytes) -> None:
        self._buffer += data
        if len(self._buffer) > self._max_bytes:
            # Stop reading at once: the rest of the file would not fit either.
            raise HandOff(HANDOFF_MANIFEST)

    def commit(self) -> str | None:
        return None

    def abort(self) -> None:
        self._buffer.clear()

    def batches(self) -> list[dict[str, Any]]:
        parsed: list[dict[str, Any]] = json.loads(bytes(self._buffer))
        return parsed


def handoff_result(reason: str) -> dict[str, Any]:
    """The result that sends the file to the large path (no counts: the large path counts)."""
    result: HandOffResult = {
        RESULT_FILE_REJECTED: False,
        RESULT_HANDOFF: True,
        RESULT_HANDOFF_REASON: reason,
        RESULT_RECORDS: None,
    }
    return dict(result)


def validate_inline(
    body: Any,
    *,
    source: Source,
    claims: ClaimSink,
    max_rejected: int,
    max_file_bytes: int,
    on_summary: Callable[[Summary], None] | None = None,
    stored_bytes: int | None = None,
) -> dict[str, Any]:
    """Classify `body`; the one batch of entries inline, or a hand-off. Raises FileRejected as the
    large path would (same reasons, same reviews), except a size past the inline cap (a hand-off)."""
    manifest = InlineManifest()
    decoded_cap = min(max_file_bytes, INLINE_MAX_DECODED_BYTES)
    try:
        summary = process_file(
            body,
            source=source,
            manifest=manifest,
            claims=claims,
            max_rejected=max_rejected,
            max_file_bytes=decoded_cap,
            stored_bytes=stored_bytes,
            stored_max_bytes=max_file_bytes,
        )
    except HandOff as handoff:
        return handoff_result(handoff.reason)
    except FileRejected as rejected:
        # Past the file limit by its stored size (uncompressed): rejected here, not handed off to be
        # rejected by the large lane (one invocation, one decision).
        if (
            rejected.reason == REASON_FILE_TOO_LARGE
            and decoded_cap < max_file_bytes
            and not isinstance(rejected, SizeKnownTooLarge)
        ):
            return handoff_result(HANDOFF_DECODED)
        raise
    batches = manifest.batches()
    if len(batches) > 1:
        return handoff_result(HANDOFF_MANIFEST)
    if batches and len(batches[0][BATCH_RECORDS]) > INLINE_MAX_RECORDS:
        return handoff_result(HANDOFF_RECORDS)
    if summary.large:
        return handoff_result(HANDOFF_LARGE_RECORD)
    if on_summary is not None:
        on_summary(summary)
    return {
        RESULT_FILE_REJECTED: False,
        RESULT_HANDOFF: False,
        RESULT_RECORDS: summary.records,
        RESULT_VALID: summary.valid,
        RESULT_LARGE: summary.large,
        RESULT_INVALID: summary.invalid,
        RESULT_REJECTED_BY_REASON: dict(summary.rejected_by_reason),
        # Turned into the ledger's attribute by the validator (handlers/flows/ledger.py), not returned.
        RESULT_REJECTED_BY_RULE: dict(summary.rejected_by_rule),
        RESULT_BATCHES: len(batches),
        # {"batch", "source", "review_source", "records": [entry, ...]}: a manifest batch, or null.
        RESULT_BATCH: batches[0] if batches else None,
    }
