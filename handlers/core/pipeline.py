"""The validator's pure core: a body in; the streamed manifest and claim packs out.

Over 300 lines: the validator core's streaming loop and the batch and claim-check bookkeeping that share its
state.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii
from typing import Any

from handlers.core.batching import BatchWriter
from handlers.core.claimpacks import ClaimPacks
from handlers.core.classify import MESSAGES, Invalid, Valid, classify
from handlers.core.conflicts import CONFLICT_MESSAGE, TRACKED_ORDER_IDS
from handlers.core.decoding import CHUNK_BYTES, BinaryBody, text_chunks
from handlers.core.members import ESCAPE_PREFIX, repeats_a_name
from handlers.core.reader import FORM_LINES, Cursor, Element, iter_elements, iter_range_lines, resume_elements
from handlers.core.replay import classify_line, is_replay_file
from handlers.core.reviewmessages import record_review
from handlers.core.reviewsafe import inline_safe, raw_is_sqs_safe, review_source
from handlers.core.rules import Rules
from handlers.core.sinks import ClaimSink, ManifestSink
from handlers.core.tolerance import RejectionTally
from handlers.seams.errors import ValidationTimeBudgetExceeded
from handlers.seams.model import Pointer, Source, file_hash
from handlers.seams.rangekeys import NUMBER_STRIDE
from handlers.seams.settings import (
    CLAIM_PACK_BYTES,
    DEFAULT_MAX_FILE_BYTES,
    DEFAULT_MAX_REJECTED_RECORDS,
    ELEMENT_MAX_BYTES,
    JSON_LINES_SUFFIXES,
    REASON_CONFLICT,
    REASON_DUPLICATE_MEMBER,
    REASON_INVALID_VALUE,
    REASON_TOO_DEEP,
    REASON_TOO_LARGE,
    REASON_UNPARSEABLE_LINE,
    VALIDATION_TIME_MARGIN_MS,
)
from handlers.seams.shapes import (
    KEY_HASH,
    KEY_INDEX,
    KEY_ITEM,
    KEY_LINE,
    KEY_ORDER_ID,
    KEY_POINTER,
    KEY_REVIEW,
    KEY_STATUS,
    STATUS_INVALID,
    STATUS_LARGE,
    STATUS_VALID,
    InvalidEntry,
    LargeEntry,
)
from handlers.seams.throughput import INLINE_RECORD_MAX_BYTES
from handlers.values.jsontext import dumps
from handlers.values.sqssafe import is_sqs_safe, safe_or_none

LINE_MESSAGES = {
    REASON_UNPARSEABLE_LINE: "the line is not one complete JSON value",
    REASON_TOO_DEEP: MESSAGES[REASON_TOO_DEEP],
    REASON_TOO_LARGE: "the line has more values than a 400 KB item can hold: not parsed",
}
# Reviews of these carry the raw text as a claim check, never the parsed value (deep structures,
# unrepresentable numbers and 400 KB records stay out of state data and SQS bodies).
_ALWAYS_CLAIMED = frozenset({REASON_TOO_DEEP, REASON_INVALID_VALUE, REASON_TOO_LARGE})
# The remaining time is read every this many records (a record takes tens of microseconds).
_BUDGET_EVERY = 64
# The first records (index, line) kept per contract rule (Summary.rule_examples).
RULE_EXAMPLES = 5


@dataclass
class Summary:
    """Counts of one accepted file (records = valid + large + invalid) and the manifest's version."""

    records: int = 0
    valid: int = 0
    large: int = 0
    invalid: int = 0
    batches: int = 0
    manifest_version: str | None = None
    # Rejected records per reason code (the validator's per-file metrics, handlers/adapters/metrics.py).
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    # Rejected records per contract rule (its key, `/order-info/lines/*/quantity minimum`: one per place
    # in the contract, handlers/core/rules.py): a record counts once under each rule it breaks, listed in its
    # review or not. Bounded by the places in the contract.
    rejected_by_rule: dict[str, int] = field(default_factory=dict)
    # The first RULE_EXAMPLES (record index, line) per rule: positions only, never content.
    rule_examples: dict[str, list[tuple[int, int | None]]] = field(default_factory=dict)


def valid_entry(element: Element, valid: Valid, item_text: str | None = None) -> str:
    """`dumps({"status": "valid", "index", "line", "order_id", "hash", "item"})`, from the item's text
    (`item_text`: the item without its `_pipeline_source`; default the whole item)."""
    line = "null" if element.line is None else str(element.line)
    # The keys and the status from handlers/seams/shapes.py, in the order the entry dict had (byte-identical).
    return (
        f'{{"{KEY_STATUS}":"{STATUS_VALID}","{KEY_INDEX}":{element.index},"{KEY_LINE}":{line},'
        f'"{KEY_ORDER_ID}":{encode_basestring_ascii(valid.order_id)},"{KEY_HASH}":"{valid.hash}",'
        f'"{KEY_ITEM}":{valid.item_text if item_text is None else item_text}}}'
    )


class _Router:
    """Turns each element into one manifest entry, appending claim-check bodies to claim packs.

    An entry whose pointer waits for its pack's version (and every entry after it, to keep the
    manifest in record order) is held in `_waiting` until the pack is written: when the pack is full,
    when the waiting entries reach the pack size in bytes (bounded memory), or at the end.
    """

    def __init__(
        self,
        source: Source,
        writer: BatchWriter,
        packs: ClaimPacks,
        tally: RejectionTally,
        rules: Rules | None = None,
    ) -> None:
        self.source = source
        self.rules = rules
        self.replay = is_replay_file(source)
        self.review_source = review_source(source)
        # The item of a valid record carries the exact key (`_pipeline_source`): with an SQS-unsafe key
        # every valid record travels as a claim check, so no conflict review can carry the key.
        self.items_safe = is_sqs_safe(source["key"])
        self.writer = writer
        self.packs = packs
        self.tally = tally
        self.inline_max = min(INLINE_RECORD_MAX_BYTES, writer.entry_max)
        self.summary = Summary()
        self._waiting: list[str | LargeEntry | InvalidEntry] = []
        self._waiting_bytes = 0
        # order_id hash -> first content's hash (handlers/core/conflicts.py; inlined in `store`: hot path).
        self.first_contents: dict[int, int] = {}

    def route(self, element: Element) -> None:
        self.summary.records += 1
        if element.error is not None:
            self.reject(element, Invalid(element.error, LINE_MESSAGES[element.error], None), element.raw())
            return
        if self.replay:
            record, result = classify_line(
                element.value,
                source=self.source,
                index=element.index,
                rules=self.rules,
                text_chars=element.end - element.start,
            )
        else:  # classify_line's answer outside the replay prefix, without its call (hot path)
            record = element.value
            result = classify(
                record,
                source=self.source,
                index=element.index,
                rules=self.rules,
                text_chars=element.end - element.start,
            )
        if isinstance(result, Valid):
            # handlers/core/members.py, its common case inlined (hot path); a replay line's record is not the
            # whole text: the envelope is parsed again.
            text, start, end = element.text, element.start, element.end
            if record is element.value and text.find(ESCAPE_PREFIX, start, end) < 0:
                repeated = text.count(":", start, end) != result.canonical_colons
            else:
                repeated = repeats_a_name(text, start, end, None)
            if repeated:
                reason = REASON_DUPLICATE_MEMBER
                self.reject(element, Invalid(reason, MESSAGES[reason], result.order_id), record)
                return
            self.store(element, result, record)
        else:
            self.reject(element, result, record)

    def store(self, element: Element, valid: Valid, record: Any) -> None:
        # handlers/core/conflicts.py FirstContents.conflicts, inlined (hot path).
        seen, content = self.first_contents, hash(valid.hash)
        if len(seen) < TRACKED_ORDER_IDS:
            first = seen.setdefault(hash(valid.order_id), content)
        else:
            first = seen.get(hash(valid.order_id), content)
        if first != content:
            self.reject(element, Invalid(REASON_CONFLICT, CONFLICT_MESSAGE, valid.order_id), record)
            return
        raw = element.raw()
        if self.items_safe and raw_is_sqs_safe(raw, element.value):
            # The item without `_pipeline_source` (the batch's item_source + the index rebuild it); a
            # replayed record's source (replay_of) stays whole.
            text = valid_entry(element, valid, valid.item_head + "}" if valid.plain else valid.item_text)
            if len(text) <= self.inline_max:
                self.summary.valid += 1
                self._emit(text)
                return
        self.summary.large += 1
        large: LargeEntry = {
            KEY_STATUS: STATUS_LARGE,
            KEY_INDEX: element.index,
            KEY_LINE: element.line,
            KEY_ORDER_ID: safe_or_none(valid.order_id),
            KEY_HASH: valid.hash,
            KEY_POINTER: self.packs.add(raw.encode("utf-8")),
        }
        self._emit_waiting(large)

    def reject(self, element: Element, invalid: Invalid, record: Any) -> None:
        self.summary.invalid += 1
        by_rule = self.summary.rejected_by_rule
        for key in invalid.rules:
            seen = by_rule.get(key, 0)
            by_rule[key] = seen + 1
            if seen < RULE_EXAMPLES:
                self.summary.rule_examples.setdefault(key, []).append((element.index, element.line))
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
    ) -> InvalidEntry:
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
            rules=invalid.rules,
        )
        return {
            KEY_STATUS: STATUS_INVALID,
            KEY_INDEX: element.index,
            KEY_LINE: element.line,
            KEY_REVIEW: review,
        }

    def _emit(self, text: str) -> None:
        if not self._waiting:
            self.writer.add(text)
            return
        self._waiting.append(text)
        self._waiting_bytes += len(text)
        self._bound()

    def _emit_waiting(self, entry: LargeEntry | InvalidEntry) -> None:
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


@dataclass(frozen=True)
class RangeStart:
    """Where a byte range of a split JSON Lines file starts (handlers/flows/ranges.py): its first byte's
    offset in the file, the global index of its first record and line number of its first line, and
    the bases of its batch and claim-pack numbers. Its rejections are logged into `log`."""

    byte_offset: int
    index: int
    line: int
    batch_base: int
    pack_base: int
    log: list[list[Any]] = field(default_factory=list)


@dataclass
class Turn:
    """One invocation of a file validated by continuation (handlers/flows/turns.py). In: its number (its
    batch and claim-pack numbers start at number x NUMBER_STRIDE), the checkpoint it resumes from
    (None: the file's start), and (emulator only) the records after which it stops. Out, set by
    process_file: its rejections in order (`log`, replayed by the combining step) and, when it
    stopped before the end of the file, the checkpoint the next turn resumes from."""

    number: int = 0
    resume: dict[str, Any] | None = None
    max_records: int | None = None
    log: list[list[Any]] = field(default_factory=list)
    checkpoint: dict[str, Any] | None = None


def skip_chars(chunks: Iterator[str], count: int) -> Iterator[str]:
    """`chunks` without their first `count` characters (a continuation's way to its boundary)."""
    for chunk in chunks:
        if count >= len(chunk):
            count -= len(chunk)
            continue
        yield chunk[count:]
        yield from chunks
        return


def _checkpoint(cursor: Cursor, last: Element, rejected: int) -> dict[str, Any]:
    """Where the record after `last` starts (handlers/flows/turns.py checks it when a turn resumes)."""
    lines = cursor.form == FORM_LINES
    return {
        "form": cursor.form,
        **cursor.boundary(last.line),
        "index": last.index + 1,
        "line": last.line + 1 if lines and last.line is not None else None,
        "rejected": rejected,
    }


def _check_budget(left: int, margin_ms: int, source: Source, records: int) -> None:
    if left < margin_ms:
        raise ValidationTimeBudgetExceeded(
            f"s3://{source['bucket']}/{json.dumps(source['key'])[1:-1]} was not validated within one "
            f"invocation: {records} records read with {left} ms left (margin {margin_ms} ms); the file is "
            "too large for one validator invocation at this memory size: split it, or raise the "
            "validator's memory (more memory is more CPU)"
        )


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
    remaining_ms: Callable[[], int] | None = None,
    time_margin_ms: int = VALIDATION_TIME_MARGIN_MS,
    rules: Rules | None = None,
    stored_bytes: int | None = None,
    stored_max_bytes: int | None = None,
    start: RangeStart | None = None,
    turn: Turn | None = None,
) -> Summary:
    """Classify every record of `body` into the manifest; commit it, or abort it and raise.

    Raises handlers.seams.errors.FileRejected for a whole-file rejection (nothing is committed), including
    too_many_rejections (more than `max_rejected` rejected records) and file_too_large (more than
    `max_file_bytes` decoded bytes). The summary carries the committed manifest's version.
    `remaining_ms` (the Lambda context's get_remaining_time_in_millis): when less than `time_margin_ms`
    is left, the manifest is aborted and ValidationTimeBudgetExceeded names the file.
    `rules`: the record contract (default: the deployed one, handlers/core/rules.py RULES).
    `stored_bytes` (the object's size when known): an uncompressed file larger than `max_file_bytes`
    is file_too_large before its first record is parsed. `stored_max_bytes`: the file limit when
    `max_file_bytes` is a lane's smaller cap (handlers/core/decoding.py text_chunks).
    `start`: `body` is the owned bytes of one range of a split JSON Lines file (handlers/flows/ranges.py).
    `turn`: this invocation may stop at a record boundary instead of running out of time (a
    continuation, handlers/flows/turns.py): when less than `time_margin_ms` is left (or, in the emulator,
    after `turn.max_records` records) at a resumable boundary, what was read is committed and
    `turn.checkpoint` says where the next turn resumes; `turn.resume`: this turn resumes there.
    """
    resume = turn.resume if turn is not None else None
    base = start.batch_base if start else turn.number * NUMBER_STRIDE if turn else 0
    log = start.log if start else turn.log if turn else None
    cursor = Cursor()
    try:
        writer = BatchWriter(manifest, source, review_source(source), first_batch=base)
        packs = ClaimPacks(
            claims,
            bucket=source["bucket"],
            digest=file_hash(source),
            pack_bytes=pack_bytes,
            first_pack=start.pack_base if start else base,
        )
        # A turn's tally counts on from the rejections before it: too_many_rejections where the
        # unsplit run finds it.
        before = int(resume["rejected"]) if resume else 0
        tally = RejectionTally(max_rejected - before, log=log)
        router = _Router(source, writer, packs, tally, rules)
        if resume is not None:
            chunks = skip_chars(
                text_chunks(
                    body,
                    chunk_bytes=chunk_bytes,
                    max_bytes=max_file_bytes,
                    stored_bytes=stored_bytes,
                    stored_max_bytes=stored_max_bytes,
                ),
                resume["offset"],
            )
            elements = resume_elements(
                chunks,
                form=resume["form"],
                index=resume["index"],
                line=resume["line"],
                origin=(resume["offset"], resume["newlines"], resume["line_start"]),
                cursor=cursor,
                element_max=element_max,
            )
        elif start is None:
            json_lines = source["key"].lower().endswith(JSON_LINES_SUFFIXES)
            chunks = text_chunks(
                body,
                chunk_bytes=chunk_bytes,
                max_bytes=max_file_bytes,
                stored_bytes=stored_bytes,
                stored_max_bytes=stored_max_bytes,
            )
            elements = iter_elements(chunks, json_lines=json_lines, element_max=element_max, cursor=cursor)
        else:
            # The file's size was judged before it was split; only the first range starts the file.
            chunks = text_chunks(
                body, chunk_bytes=chunk_bytes, plain=start.byte_offset > 0, byte_offset=start.byte_offset
            )
            elements = iter_range_lines(chunks, index=start.index, line=start.line, element_max=element_max)
        countdown = _BUDGET_EVERY
        stop_after = turn.max_records if turn is not None else None
        for element in elements:
            router.route(element)
            if stop_after is not None and router.summary.records >= stop_after and cursor.form:
                break
            if remaining_ms is not None:
                countdown -= 1
                if not countdown:
                    countdown = _BUDGET_EVERY
                    left = remaining_ms()
                    if left < time_margin_ms and turn is not None and cursor.form:
                        break
                    _check_budget(left, time_margin_ms, source, router.summary.records)
        else:
            element = None
        if element is not None and turn is not None:
            turn.checkpoint = _checkpoint(cursor, element, before + tally.rejected)
            elements.close()
        router.flush()
        writer.close()
    except BaseException:
        manifest.abort()
        raise
    router.summary.manifest_version = manifest.commit()
    router.summary.batches = writer.batches
    router.summary.rejected_by_reason = dict(router.tally.counts)
    return router.summary
