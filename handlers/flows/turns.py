"""Continuation: a file that one validator invocation cannot finish is validated in turns.

Arrays, `orders` wrappers, gzip files and JSON Lines files that are not split (handlers/flows/ranges.py)
are read by one sequential parser. A turn that nears its time budget (handlers/core/pipeline.py Turn)
stops at a record boundary and returns a checkpoint instead of failing: the boundary's offset in the
decoded text (characters), the newlines before it and where its line starts (so rejection positions
are the unsplit run's), the next record's index and line, the form (array, orders, lines) and the
rejections so far (the next turn's tally counts on from them). The STANDARD machine (workflow/turns.py)
invokes the validator again with the checkpoint and the turns' part pointers, a bounded loop of at
most handlers/seams/throughput.py MAX_CONTINUATIONS turns after the first, then combines the parts exactly as
a split file's ranges (handlers/flows/rangestep.py combine_step, `turns`): the rejections replayed in file
order, the first problem in the file, one joined manifest. Turn 0's part is the manifest the unsplit
run writes (manifest_key); turn k >= 1 writes part_key(k); every turn writes its part summary.

Cost: a turn reads the object from its start again and skips the decoded text up to its checkpoint
without parsing it (decompressing a gzip file again: gzip cannot be entered mid-stream), so turn k
inflates and decodes k turns' worth of text: O(turns^2) decompression and decoding in all, at memory
speed (hundreds of MB/s, against ~15 MB/s of parsing), not parsing.

Known difference from an unsplit run (as for ranges): two records of one order_id with different
contents in DIFFERENT turns are not an in-file conflict found by the validator; DynamoDB's condition
finds them as it finds conflicts with earlier files (the one stored first wins).

Events: the first turn is the file's ordinary validation ({"bucket", "key", "version_id", "etag"});
a continuation adds {"checkpoint": {...}, "parts": [{"range", "version_id"[, "key"]}, ...]}. A turn that
stops returns {"file_rejected": false, "records": null, "batches": 0, "checkpoint", "parts"}; the last
turn returns the same without "checkpoint". The checkpoint and the pointers come back from the state
machine: checked (types and bounds) before a byte is read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from handlers.adapters.s3io import CLAIM_CONTENT_TYPE, S3ClaimWriter, S3ManifestWriter
from handlers.core.pipeline import Summary, Turn, process_file
from handlers.core.reader import FORM_LINES, RESUMABLE_FORMS
from handlers.flows.ranges import encode_part, part_counts
from handlers.flows.rangestep import Opener, found_source, same_object
from handlers.seams.errors import FileRejected, InvalidCheckpoint
from handlers.seams.model import Source, file_hash
from handlers.seams.rangekeys import CHECKPOINT, PARTS, RANGE, TURN_RECORDS_ENV, part_key, summary_key
from handlers.seams.shapes import RESULT_BATCHES, RESULT_FILE_REJECTED, RESULT_RECORDS
from handlers.seams.throughput import MAX_CONTINUATIONS

__all__ = ["TURN_RECORDS_ENV", "continue_file", "first_turn_result", "read_checkpoint", "read_parts"]

_COUNTS = ("offset", "newlines", "line_start", "index", "rejected")
_CHECKPOINT_KEYS = frozenset((*_COUNTS, "form", "line"))
_MAX_TEXT = 1024


def _count(value: Any, name: str, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise InvalidCheckpoint(f"checkpoint {name} must be an integer from {low} to {high}")
    return value


def read_checkpoint(value: Any, *, max_rejected: int, max_file_bytes: int) -> dict[str, Any]:
    """The checkpoint a turn returned, checked: InvalidCheckpoint unless every member has the type and
    the bounds a validator turn gives it (a boundary inside the file limit, after at least one record)."""
    if not isinstance(value, dict) or set(value) != _CHECKPOINT_KEYS:
        raise InvalidCheckpoint(f"a checkpoint has exactly the members {sorted(_CHECKPOINT_KEYS)}")
    form = value["form"]
    if form not in RESUMABLE_FORMS:
        raise InvalidCheckpoint(f"checkpoint form must be one of {list(RESUMABLE_FORMS)}")
    offset = _count(value["offset"], "offset", 1, max_file_bytes)
    newlines = _count(value["newlines"], "newlines", 0, offset)
    line_start = _count(value["line_start"], "line_start", 0, offset)
    index = _count(value["index"], "index", 1, offset)
    _count(value["rejected"], "rejected", 0, min(index, max_rejected))
    line = value["line"]
    if form == FORM_LINES:
        # The boundary starts line `line`, just after the newline that ends line `newlines`.
        if _count(line, "line", 2, offset + 1) != newlines + 1 or line_start != offset:
            raise InvalidCheckpoint("a JSON Lines checkpoint starts the line after its newlines")
    elif line is not None:
        raise InvalidCheckpoint("checkpoint line is null outside JSON Lines")
    return dict(value)


def read_parts(value: Any, *, most: int = MAX_CONTINUATIONS) -> list[dict[str, Any]]:
    """The part pointers of the turns so far, checked: turn i's pointer is i-th, at most `most` of
    them (a continuation follows at most MAX_CONTINUATIONS turns; the combining step gets one more);
    InvalidCheckpoint otherwise."""
    if not isinstance(value, list) or not 1 <= len(value) <= most:
        raise InvalidCheckpoint(f"parts must be a list of 1 to {most} turns")
    for number, pointer in enumerate(value):
        if not isinstance(pointer, dict) or not set(pointer) <= {RANGE, "version_id", "key"}:
            raise InvalidCheckpoint("a part pointer is {range, version_id[, key]}")
        if type(pointer.get(RANGE)) is not int or pointer[RANGE] != number:
            raise InvalidCheckpoint("part pointers are in turn order from 0")
        for name in ("version_id", "key"):
            text = pointer.get(name)
            if text is not None and (not isinstance(text, str) or len(text) > _MAX_TEXT):
                raise InvalidCheckpoint(f"a part pointer's {name} is a string of at most {_MAX_TEXT}")
    return [dict(pointer) for pointer in value]


def _part(number: int, summary: Summary, turn: Turn, problem: dict[str, Any] | None) -> dict[str, Any]:
    """A turn's part summary (handlers/flows/ranges.py combine reads it as a range's)."""
    return {RANGE: number, "problem": problem, **part_counts(summary, turn.log)}


def _write_part(s3: Any, source: Source, part: dict[str, Any]) -> str | None:
    written = s3.put_object(
        Bucket=source["bucket"],
        Key=summary_key(file_hash(source), int(part[RANGE])),
        Body=encode_part(part),
        ContentType=CLAIM_CONTENT_TYPE,
    )
    version: str | None = written.get("VersionId") or None
    return version


def _result(pointers: list[dict[str, Any]], checkpoint: dict[str, Any] | None) -> dict[str, Any]:
    result: dict[str, Any] = {
        RESULT_FILE_REJECTED: False,
        RESULT_RECORDS: None,
        RESULT_BATCHES: 0,
        PARTS: pointers,
    }
    if checkpoint is not None:
        result[CHECKPOINT] = checkpoint
    return result


def first_turn_result(
    s3: Any, source: Source, summary: Summary, turn: Turn, *, event_key: str
) -> dict[str, Any]:
    """Turn 0 stopped at `turn.checkpoint`: its part summary (its manifest is the file's manifest key)
    and the result the machine continues from."""
    version = _write_part(s3, source, _part(0, summary, turn, None))
    pointer: dict[str, Any] = {RANGE: 0, "version_id": version}
    if source["key"] != event_key:
        pointer["key"] = source["key"]  # found URL-decoded: the later turns and the combining step too
    return _result([pointer], turn.checkpoint)


def continue_file(
    event: dict[str, Any],
    *,
    s3: Any,
    source: Source,
    opener: Opener,
    max_rejected: int,
    max_file_bytes: int,
    remaining_ms: Callable[[], int] | None,
    max_records: int | None,
) -> dict[str, Any]:
    """One turn after the first: resume at the event's checkpoint, write this turn's part."""
    pointers = read_parts(event[PARTS])
    checkpoint = read_checkpoint(event[CHECKPOINT], max_rejected=max_rejected, max_file_bytes=max_file_bytes)
    number = len(pointers)
    source = found_source(event, source)
    key, response = opener(s3, source["bucket"], source["key"], source["version_id"], None)
    source = {**source, "key": key}
    same_object(response, source)
    length = response.get("ContentLength")
    turn = Turn(number=number, resume=checkpoint, max_records=max_records)
    summary, problem = Summary(), None
    body = response["Body"]
    try:
        summary = process_file(
            body,
            source=source,
            manifest=S3ManifestWriter(s3, source["bucket"], part_key(file_hash(source), number)),
            claims=S3ClaimWriter(s3, source["bucket"]),
            max_rejected=max_rejected,
            max_file_bytes=max_file_bytes,
            remaining_ms=remaining_ms,
            stored_bytes=length if isinstance(length, int) else None,
            turn=turn,
        )
    except FileRejected as rejected:
        # too_many_rejections is found again by the replayed tally (handlers/flows/ranges.py combine).
        if rejected.rejections is None:
            problem = {"reason": rejected.reason, "message": rejected.message, "position": rejected.position}
        turn.checkpoint = None
    finally:
        body.close()
    version = _write_part(s3, source, _part(number, summary, turn, problem))
    return _result([*pointers, {RANGE: number, "version_id": version}], turn.checkpoint)
