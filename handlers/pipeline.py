"""The validator's pure core: a body in; the streamed manifest and claim-check bodies out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers.batching import BatchWriter
from handlers.contract import (
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
from handlers.model import Pointer, Source, claim_key, file_hash
from handlers.reader import Element, iter_elements
from handlers.records import MESSAGES, Invalid, Valid, classify
from handlers.review import record_review
from handlers.sinks import ClaimSink, ManifestSink

LINE_MESSAGES = {
    REASON_UNPARSEABLE_LINE: "the line is not one complete JSON value",
    REASON_TOO_DEEP: MESSAGES[REASON_TOO_DEEP],
}
# Reviews of these carry the raw text as a claim check, never the parsed value (deep structures, lone
# surrogates and 400 KB records stay out of state data and SQS bodies).
_ALWAYS_CLAIMED = frozenset({REASON_TOO_DEEP, REASON_INVALID_VALUE, REASON_TOO_LARGE})


@dataclass
class Summary:
    """Counts of one accepted file (records = valid + large + invalid)."""

    records: int = 0
    valid: int = 0
    large: int = 0
    invalid: int = 0
    batches: int = 0


class _Router:
    """Turns each element into one manifest entry, writing claim-check bodies where needed."""

    def __init__(self, source: Source, writer: BatchWriter, claims: ClaimSink) -> None:
        self.source = source
        self.writer = writer
        self.claims = claims
        self.digest = file_hash(source)
        self.inline_max = min(INLINE_RECORD_MAX_BYTES, writer.entry_max)
        self.summary = Summary()

    def claim(self, element: Element) -> Pointer:
        key = claim_key(self.digest, element.index)
        self.claims.put(key, element.raw().encode("utf-8"))
        return {"bucket": self.source["bucket"], "key": key}

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
        entry: dict[str, Any] = {
            "status": "valid",
            "index": element.index,
            "line": element.line,
            "order_id": valid.order_id,
            "hash": valid.hash,
            "item": valid.item,
        }
        text = dumps(entry)
        if len(text) > self.inline_max:
            del entry["item"]
            entry["status"] = "large"
            entry["pointer"] = self.claim(element)
            text = dumps(entry)
            self.summary.large += 1
        else:
            self.summary.valid += 1
        self.writer.add(text)

    def reject(self, element: Element, invalid: Invalid, record: Any) -> None:
        self.summary.invalid += 1
        text = ""
        if invalid.reason not in _ALWAYS_CLAIMED:
            text = self._invalid_entry(element, invalid, record=record, pointer=None)
        if not text or len(text) > self.inline_max:
            text = self._invalid_entry(element, invalid, record=None, pointer=self.claim(element))
        self.writer.add(text)

    def _invalid_entry(
        self, element: Element, invalid: Invalid, *, record: Any, pointer: Pointer | None
    ) -> str:
        review = record_review(
            reason=invalid.reason,
            message=invalid.message,
            source=self.source,
            index=element.index,
            line=element.line,
            order_id=invalid.order_id,
            record=record,
            pointer=pointer,
        )
        return dumps({"status": "invalid", "index": element.index, "line": element.line, "review": review})


def process_file(
    body: BinaryBody,
    *,
    source: Source,
    manifest: ManifestSink,
    claims: ClaimSink,
    chunk_bytes: int = CHUNK_BYTES,
    element_max: int = ELEMENT_MAX_BYTES,
) -> Summary:
    """Classify every record of `body` into the manifest; commit it, or abort it and raise.

    Raises handlers.errors.FileRejected for a whole-file rejection (nothing is committed).
    """
    try:
        writer = BatchWriter(manifest, source)
        router = _Router(source, writer, claims)
        json_lines = source["key"].lower().endswith(JSON_LINES_SUFFIXES)
        chunks = text_chunks(body, chunk_bytes=chunk_bytes)
        for element in iter_elements(chunks, json_lines=json_lines, element_max=element_max):
            router.route(element)
        writer.close()
    except BaseException:
        manifest.abort()
        raise
    manifest.commit()
    router.summary.batches = writer.batches
    return router.summary
