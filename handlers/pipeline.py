"""The validator's pure core: a body in; the streamed manifest and claim packs out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers.batching import BatchWriter
from handlers.claimpacks import ClaimPacks
from handlers.contract import (
    CLAIM_PACK_BYTES,
    DEFAULT_MAX_FILE_BYTES,
    DEFAULT_MAX_REJECTED_RECORDS,
    ELEMENT_MAX_BYTES,
    INLINE_RECORD_MAX_BYTES,
    JSON_LINES_SUFFIXES,
    REASON_INVALID_VALUE,
    REASON_TOO_DEEP,
    REASON_TOO_LARGE,
    REASON_UNPARSEABLE_LINE,
)
from handlers.decoding import CHUNK_BYTES, BinaryBody, text_chunks
from handlers.jsontext import dumps
from handlers.model import Pointer, Source, file_hash
from handlers.reader import Element, iter_elements
from handlers.records import MESSAGES, Invalid, Valid, classify
from handlers.review import record_review
from handlers.sinks import ClaimSink, ManifestSink
from handlers.sqssafe import inline_safe, is_sqs_safe, raw_is_sqs_safe, review_source, safe_or_none
from handlers.tolerance import RejectionTally

LINE_MESSAGES = {
    REASON_UNPARSEABLE_LINE: "the line is not one complete JSON value",
    REASON_TOO_DEEP: MESSAGES[REASON_TOO_DEEP],
}
# Reviews of these carry the raw text as a claim check, never the parsed value (deep structures,
# unrepresentable numbers and 400 KB records stay out of state data and SQS bodies).
_ALWAYS_CLAIMED = frozenset({REASON_TOO_DEEP, REASON_INVALID_VALUE, REASON_TOO_LARGE})


@dataclass
class Summary:
    """Counts of one accepted file (records = valid + large + invalid) and the manifest's version."""

    records: int = 0
    valid: int = 0
    large: int = 0
    invalid: int = 0
    batches: int = 0
    manifest_version: str | None = None


class _Router:
    """Turns each element into one manifest entry, appending claim-check bodies to claim packs.

    An entry whose pointer waits for its pack's version (and every entry after it, to keep the
    manifest in record order) is held in `_waiting` until the pack is written: when the pack is full,
    when the waiting entries reach the pack size in bytes (bounded memory), or at the end.
    """

    def __init__(self, source: Source, writer: BatchWriter, packs: ClaimPacks, tally: RejectionTally) -> None:
        self.source = source
        self.review_source = review_source(source)
        # The item of a valid record carries the exact key (`_pipeline_source`): with an SQS-unsafe key
        # every valid record travels as a claim check, so no conflict review can carry the key.
        self.items_safe = is_sqs_safe(source["key"])
        self.writer = writer
        self.packs = packs
        self.tally = tally
        self.inline_max = min(INLINE_RECORD_MAX_BYTES, writer.entry_max)
        self.summary = Summary()
        self._waiting: list[str | dict[str, Any]] = []
        self._waiting_bytes = 0

    def route(self, element: Element) -> None:
        self.summary.records += 1
        if element.error is not None:
            self.reject(element, Invalid(element.error, LINE_MESSAGES[element.error], None), element.raw())
            return
        result = classify(element.value, source=self.source, index=element.index)
        if isinstance(result, Valid):
            self.store(element, result)
        else:
            self.reject(element, result, element.value)

    def store(self, element: Element, valid: Valid) -> None:
        raw = element.raw()
        if self.items_safe and raw_is_sqs_safe(raw, element.value):
            entry: dict[str, Any] = {
                "status": "valid",
                "index": element.index,
                "line": element.line,
                "order_id": valid.order_id,
                "hash": valid.hash,
                "item": valid.item,
            }
            text = dumps(entry)
            if len(text) <= self.inline_max:
                self.summary.valid += 1
                self._emit(text)
                return
        self.summary.large += 1
        large = {
            "status": "large",
            "index": element.index,
            "line": element.line,
            "order_id": safe_or_none(valid.order_id),
            "hash": valid.hash,
            "pointer": self.packs.add(raw.encode("utf-8")),
        }
        self._emit_waiting(large)

    def reject(self, element: Element, invalid: Invalid, record: Any) -> None:
        self.summary.invalid += 1
        self.tally.count(
            records_read=self.summary.records,
            index=element.index,
            line=element.line,
            reason=invalid.reason,
            message=invalid.message,
        )
        order_id = safe_or_none(invalid.order_id)
        if invalid.reason not in _ALWAYS_CLAIMED and inline_safe(record):
            text = dumps(self._invalid_entry(element, invalid, order_id, record=record, pointer=None))
            if len(text) <= self.inline_max:
                self._emit(text)
                return
        pointer = self.packs.add(element.raw().encode("utf-8"))
        self._emit_waiting(self._invalid_entry(element, invalid, order_id, record=None, pointer=pointer))

    def _invalid_entry(
        self,
        element: Element,
        invalid: Invalid,
        order_id: str | None,
        *,
        record: Any,
        pointer: Pointer | None,
    ) -> dict[str, Any]:
        review = record_review(
            reason=invalid.reason,
            message=invalid.message,
            source=self.review_source,
            index=element.index,
            line=element.line,
            order_id=order_id,
            record=record,
            pointer=pointer,
            violations=invalid.violations,
            violations_omitted=invalid.violations_omitted,
        )
        return {"status": "invalid", "index": element.index, "line": element.line, "review": review}

    def _emit(self, text: str) -> None:
        if not self._waiting:
            self.writer.add(text)
            return
        self._waiting.append(text)
        self._waiting_bytes += len(text)
        self._bound()

    def _emit_waiting(self, entry: dict[str, Any]) -> None:
        """An entry with a pointer into the current pack: serialised once the pack has its version."""
        self._waiting.append(entry)
        self._waiting_bytes += len(dumps(entry))
        self._bound()

    def _bound(self) -> None:
        if self.packs.full or self._waiting_bytes >= self.packs.pack_bytes:
            self.flush()

    def flush(self) -> None:
        """Write the current pack, then every waiting entry (now with its pack's version) in order."""
        self.packs.flush()
        for entry in self._waiting:
            self.writer.add(entry if isinstance(entry, str) else dumps(entry))
        self._waiting = []
        self._waiting_bytes = 0


def process_file(
    body: BinaryBody,
    *,
    source: Source,
    manifest: ManifestSink,
    claims: ClaimSink,
    chunk_bytes: int = CHUNK_BYTES,
    element_max: int = ELEMENT_MAX_BYTES,
    max_rejected: int = DEFAULT_MAX_REJECTED_RECORDS,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    pack_bytes: int = CLAIM_PACK_BYTES,
) -> Summary:
    """Classify every record of `body` into the manifest; commit it, or abort it and raise.

    Raises handlers.errors.FileRejected for a whole-file rejection (nothing is committed), including
    too_many_rejections (more than `max_rejected` rejected records) and file_too_large (more than
    `max_file_bytes` decoded bytes). The summary carries the committed manifest's version.
    """
    try:
        writer = BatchWriter(manifest, source, review_source(source))
        packs = ClaimPacks(claims, bucket=source["bucket"], digest=file_hash(source), pack_bytes=pack_bytes)
        router = _Router(source, writer, packs, RejectionTally(max_rejected))
        json_lines = source["key"].lower().endswith(JSON_LINES_SUFFIXES)
        chunks = text_chunks(body, chunk_bytes=chunk_bytes, max_bytes=max_file_bytes)
        for element in iter_elements(chunks, json_lines=json_lines, element_max=element_max):
            router.route(element)
        router.flush()
        writer.close()
    except BaseException:
        manifest.abort()
        raise
    router.summary.manifest_version = manifest.commit()
    router.summary.batches = writer.batches
    return router.summary
