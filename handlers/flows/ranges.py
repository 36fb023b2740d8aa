"""A JSON Lines file larger than one validator reads: cut into byte ranges validated in parallel.

The STANDARD machine (workflow/ranges.py) maps over the ranges twice: a counting pass (records and
newlines each range owns), then a validating pass in which each range starts from the prefix sums of
the counts, so record indexes and line numbers are global and exact, the same as an unsplit run of the
same bytes. A range owns the lines that START inside it: one that starts inside a line skips to the
next newline (the line belongs to an earlier range), and its last line runs past its end to its newline.
Each range writes its part of the manifest and its claim packs (batch and pack numbers from its own
base) and a part summary (counts, its rejections in order, a whole-file problem); the combining step
replays the rejections in file order into one tally (too_many_rejections exactly where the unsplit
run finds it), picks the first whole-file problem, and joins the parts' manifests into the file's one
manifest (the per-record stage reads it as an unsplit file's).

Known difference from an unsplit run: two records of one order_id with different contents in
DIFFERENT ranges are not an in-file conflict found by the validator (each range tracks its own
order_ids); DynamoDB's condition finds them as it finds conflicts with earlier files (the one stored
first wins), as it already does past TRACKED_ORDER_IDS in an unsplit file.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from handlers.core.decoding import CHUNK_BYTES, GZIP_MAGIC, BinaryBody
from handlers.core.pipeline import RangeStart, Summary, process_file
from handlers.core.reader import EMPTY_FILE_MESSAGE
from handlers.core.rules import Rules
from handlers.core.sinks import ClaimSink, ManifestSink
from handlers.core.tolerance import RejectionTally
from handlers.seams.errors import FileRejected
from handlers.seams.rangekeys import (
    COUNT_NEWLINES,
    COUNT_RECORDS,
    NUMBER_STRIDE,
    RANGE,
    RANGE_END,
    RANGE_START,
)
from handlers.seams.settings import (
    JSON_LINES_SUFFIXES,
    REASON_EMPTY_FILE,
)
from handlers.seams.throughput import MAX_RANGES, RANGE_BYTES

_BLANK = b" \t\r"
_BOM = b"\xef\xbb\xbf"


def is_splittable(key: str, stored_bytes: int | None, *, threshold: int, max_file_bytes: int) -> bool:
    """An uncompressed-by-name JSON Lines object above the threshold and within the file limit (the
    gzip magic is checked by the caller: a `.jsonl` that is gzip inside is read whole)."""
    name = key.lower()
    plain_lines = name.endswith(JSON_LINES_SUFFIXES) and not name.endswith(".gz")
    return plain_lines and stored_bytes is not None and threshold < stored_bytes <= max_file_bytes


def plan(size: int, *, range_bytes: int = RANGE_BYTES, max_ranges: int = MAX_RANGES) -> list[dict[str, int]]:
    """The ranges of a `size`-byte file: at least `range_bytes` each (wider when more than
    `max_ranges` would be needed: the machine's state data and history stay bounded)."""
    width = max(1, range_bytes, math.ceil(size / max_ranges))
    return [
        {RANGE: number, RANGE_START: start, RANGE_END: min(start + width, size)}
        for number, start in enumerate(range(0, size, width))
    ]


def is_gzip(head: bytes) -> bool:
    return head.startswith(GZIP_MAGIC)


def read_from(start: int) -> int:
    """Where a range's GET starts: one byte early (is the range's first byte a line start?)."""
    return max(start - 1, 0)


@dataclass
class Owned:
    """The bytes a range owns, from chunks that begin at byte read_from(start) of the file."""

    start: int
    end: int
    first_byte: int = -1  # set once the owned region's start is known (-1: nothing owned)

    def chunks(self, raw: Iterator[bytes]) -> Iterator[bytes]:
        position = read_from(self.start)
        pending = b""
        if self.start > 0:
            for chunk in raw:
                newline = chunk.find(b"\n")
                if newline >= 0:
                    pending = chunk[newline + 1 :]
                    position += newline + 1
                    break
                position += len(chunk)
            else:
                return  # no line starts at or after this range's start
        if position >= self.end:
            return
        self.first_byte = position

        def rest() -> Iterator[bytes]:
            if pending:
                yield pending
            yield from raw

        for chunk in rest():
            if position + len(chunk) < self.end:
                yield chunk
                position += len(chunk)
                continue
            # This chunk holds byte end-1 or lies past it: the region ends with the first newline there.
            newline = chunk.find(b"\n", max(self.end - 1 - position, 0))
            if newline >= 0:
                yield chunk[: newline + 1]
                return
            yield chunk
            position += len(chunk)


def raw_chunks(body: BinaryBody, size: int = CHUNK_BYTES) -> Iterator[bytes]:
    while True:
        data = body.read(size)
        if not data:
            return
        yield data


class ChunkBody:
    """A BinaryBody over an iterator of byte chunks (each read returns the next chunk)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks

    def read(self, amt: int = -1, /) -> bytes:
        return next(self._chunks, b"")


def count_range(raw: Iterator[bytes], *, start: int, end: int) -> dict[str, int]:
    """The records (non-blank lines) and newlines the range owns: the counting pass, at memory speed."""
    owned = Owned(start, end)
    records = newlines = 0
    content = False  # the current line has a non-blank byte
    first = start == 0
    for chunk in owned.chunks(raw):
        if first:
            # The decoder drops a leading BOM (utf-8-sig): so does the count.
            chunk = chunk[len(_BOM) :] if chunk.startswith(_BOM) else chunk
            first = False
        lines = chunk.split(b"\n")
        newlines += len(lines) - 1
        for line in lines[:-1]:
            if content or line.strip(_BLANK):
                records += 1
            content = False
        if lines[-1].strip(_BLANK):
            content = True
    if content:
        records += 1
    return {COUNT_RECORDS: records, COUNT_NEWLINES: newlines}


class RangeCountMismatch(Exception):
    """A range validated a different number of records than its counting pass found (a record read by
    two ranges or by none): the file must not be stored from these parts."""


def validate_range(
    raw: Iterator[bytes],
    *,
    number: int,
    start: int,
    end: int,
    counts: list[dict[str, int]],
    source: Any,
    manifest: ManifestSink,
    claims: ClaimSink,
    max_rejected: int,
    remaining_ms: Callable[[], int] | None = None,
    rules: Rules | None = None,
) -> dict[str, Any]:
    """Validate the lines range `number` owns into its part of the manifest; its part summary."""
    owned = Owned(start, end)
    chunks = owned.chunks(raw)
    first = next(chunks, b"")

    def again() -> Iterator[bytes]:
        if first:
            yield first
        yield from chunks

    range_start = RangeStart(
        byte_offset=max(owned.first_byte, 0),
        index=sum(c[COUNT_RECORDS] for c in counts[:number]),
        line=1 + sum(c[COUNT_NEWLINES] for c in counts[:number]),
        batch_base=number * NUMBER_STRIDE,
        pack_base=number * NUMBER_STRIDE,
    )
    part: dict[str, Any] = {RANGE: number, "problem": None}
    summary = Summary()
    try:
        summary = process_file(
            ChunkBody(again()),
            source=source,
            manifest=manifest,
            claims=claims,
            max_rejected=max_rejected,
            remaining_ms=remaining_ms,
            rules=rules,
            start=range_start,
        )
    except FileRejected as rejected:
        if rejected.rejections is None:  # too_many_rejections is found again by the replayed tally
            part["problem"] = {
                "reason": rejected.reason,
                "message": rejected.message,
                "position": rejected.position,
            }
    else:
        counted = counts[number][COUNT_RECORDS]
        if summary.records != counted:
            raise RangeCountMismatch(f"range {number} read {summary.records} records, its count {counted}")
    part |= part_counts(summary, range_start.log)
    return part


def combine(parts: list[dict[str, Any]], *, max_rejected: int) -> Summary:
    """The file's summary from its ranges' parts in file order; FileRejected as the unsplit run would
    raise it (the first problem in the file wins; the rejections tallied in file order)."""
    tally = RejectionTally(max_rejected)
    total = Summary()
    for part in parts:
        for index, line, reason, message in part["log"]:
            tally.count(records_read=index + 1, index=index, line=line, reason=reason, message=message or "")
        problem = part["problem"]
        if problem is not None:
            raise FileRejected(problem["reason"], problem["message"], None, problem["position"])
        total.records += part["records"]
        total.valid += part["valid"]
        total.large += part["large"]
        total.invalid += part["invalid"]
        total.batches += part["batches"]
        for name, count in part["rejected_by_rule"].items():
            total.rejected_by_rule[name] = total.rejected_by_rule.get(name, 0) + count
    if not total.records:
        raise FileRejected(REASON_EMPTY_FILE, EMPTY_FILE_MESSAGE)
    total.rejected_by_reason = dict(tally.counts)
    return total


def part_counts(summary: Summary, log: Any) -> dict[str, Any]:
    """What a part summary says of the records its range or turn read (combine_step reads it), and the
    rejection log it carries on."""
    return {
        "records": summary.records,
        "valid": summary.valid,
        "large": summary.large,
        "invalid": summary.invalid,
        "batches": summary.batches,
        "manifest_version": summary.manifest_version,
        "rejected_by_reason": summary.rejected_by_reason,
        "rejected_by_rule": summary.rejected_by_rule,
        "log": log,
    }


def encode_part(part: dict[str, Any]) -> bytes:
    return json.dumps(part, sort_keys=True, separators=(",", ":")).encode("utf-8")


def join_manifests(parts: Iterator[Iterator[bytes]], sink: ManifestSink) -> None:
    """Write the parts' batches (each part a JSON array `[...]`, non-empty) as one JSON array."""
    sink.write(b"[")
    for number, chunks in enumerate(parts):
        if number:
            sink.write(b",")
        held = b""
        opened = False
        for chunk in chunks:
            data = held + chunk
            if not opened:
                data, opened = data[1:], True  # the part's `[`
            held, data = data[-1:], data[:-1]  # its `]` may be the last byte of any chunk
            if data:
                sink.write(data)
    sink.write(b"]")
