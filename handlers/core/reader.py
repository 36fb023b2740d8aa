"""File form detection and streaming iteration over a file's records (object, array, orders, JSON Lines).

Over 300 lines: one streaming iterator per file form (object, array, orders, JSON Lines) and the form
detection they share.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from typing import Any

from handlers.core.parsecost import too_many_values
from handlers.core.textbuffer import SizeTally, TextBuffer, raw_decode, text_exceeds
from handlers.seams.errors import FileRejected
from handlers.seams.settings import (
    ELEMENT_MAX_BYTES,
    REASON_ELEMENT_TOO_LARGE,
    REASON_EMPTY_FILE,
    REASON_TOO_DEEP,
    REASON_TOO_LARGE,
    REASON_UNPARSEABLE_LINE,
    REASON_UNSUPPORTED_TOP_LEVEL,
)

_ORDERS_WRAPPER = re.compile(r'\{[ \t\n\r]*"orders"[ \t\n\r]*:[ \t\n\r]*\[')
_WRAPPER_PROBE = 4096
_SCALAR_STARTS = frozenset('"-0123456789tfn')
_RECORD_KEYS = ("order-info", "contact-info")
EMPTY_FILE_MESSAGE = "the file is empty or only whitespace"
# The forms a continuation resumes (handlers/flows/turns.py): a top-level array, an `orders` wrapper's array
# (streamed), JSON Lines.
FORM_ARRAY = "array"
FORM_ORDERS = "orders"
FORM_LINES = "lines"
RESUMABLE_FORMS = (FORM_ARRAY, FORM_ORDERS, FORM_LINES)
_LINE_TOO_LARGE = "one line is larger than the size the validator parses"


class Element:
    """One record as read: its parsed value (or a parse error code) and its raw text."""

    __slots__ = ("end", "error", "index", "line", "start", "text", "value")

    def __init__(
        self,
        index: int,
        line: int | None,
        value: Any,
        text: str,
        start: int,
        end: int,
        error: str | None = None,
    ) -> None:
        self.index = index
        self.line = line
        self.value = value
        self.text = text
        self.start = start
        self.end = end
        self.error = error

    def raw(self) -> str:
        """The record's JSON text as received."""
        return self.text[self.start : self.end]


class Cursor:
    """Where the last record read ends, kept by the readers (a few assignments a record): the record
    boundary a continuation resumes from (handlers/flows/turns.py). `form` None: not resumable here (the one
    record of an object document, an `orders` wrapper read in memory, the first line of JSON Lines
    found by its content)."""

    __slots__ = ("buf", "end", "form", "offset")

    def __init__(self) -> None:
        self.form: str | None = None
        self.buf: TextBuffer | None = None
        self.end = 0  # array forms: where the last value ends in buf.text
        self.offset = 0  # JSON Lines: the decoded-text offset where the next line starts

    def boundary(self, last_line: int | None) -> dict[str, int]:
        """{"offset", "newlines", "line_start"} of the boundary after the last record (offsets in
        characters of the decoded text; newlines before it; where its line starts). `last_line`: the
        last record's line (JSON Lines: the boundary starts the line after it)."""
        if self.form == FORM_LINES:
            assert last_line is not None
            return {"offset": self.offset, "newlines": last_line, "line_start": self.offset}
        assert self.buf is not None
        found = self.buf.position(self.end)
        return {
            "offset": found["offset"],
            "newlines": found["line"] - 1,
            "line_start": found["offset"] - found["column"] + 1,
        }


def iter_elements(
    chunks: Iterator[str],
    *,
    json_lines: bool,
    element_max: int = ELEMENT_MAX_BYTES,
    cursor: Cursor | None = None,
) -> Generator[Element, None, None]:
    """Every record of the file in order; raises FileRejected for a whole-file rejection.

    `json_lines` is the suffix hint (.jsonl/.ndjson): JSON Lines without looking at the content.
    Otherwise the first non-whitespace character decides: `[` an array, `{` one object (an `orders`
    wrapper, one record, or the first line of JSON Lines when more values follow on later lines).
    """
    buf = TextBuffer(chunks, element_max=element_max)
    cursor = cursor or Cursor()
    cursor.buf = buf
    first = buf.peek()
    if first is None:
        raise FileRejected(REASON_EMPTY_FILE, EMPTY_FILE_MESSAGE)
    if json_lines:
        yield from _iter_lines(buf, line=buf.newlines + 1, index=0, element_max=element_max, cursor=cursor)
    elif first == "[":
        cursor.form = FORM_ARRAY
        yield from _iter_array(buf, index=0, cursor=cursor)
        _expect_end(buf)
    elif first == "{":
        yield from _iter_object_document(buf, element_max=element_max, cursor=cursor)
    elif first in _SCALAR_STARTS:
        buf.read_value()
        _expect_end(buf)
        raise FileRejected(REASON_UNSUPPORTED_TOP_LEVEL, "the top level is a scalar, not a record or a list")
    else:
        raise buf.not_json("the file does not start like JSON")


def iter_range_lines(
    chunks: Iterator[str], *, index: int, line: int, element_max: int = ELEMENT_MAX_BYTES
) -> Generator[Element, None, None]:
    """The JSON Lines records of a byte range of a split file (handlers/flows/ranges.py): its first physical
    line is line `line`, its first record has index `index`; a range without records is no problem."""
    buf = TextBuffer(chunks, element_max=element_max)
    if buf.peek() is None:
        return
    yield from _iter_lines(buf, line=line + buf.newlines, index=index, element_max=element_max)


def resume_elements(
    chunks: Iterator[str],
    *,
    form: str,
    index: int,
    line: int | None,
    origin: tuple[int, int, int],
    cursor: Cursor,
    element_max: int = ELEMENT_MAX_BYTES,
) -> Generator[Element, None, None]:
    """The records after a continuation's boundary (handlers/flows/turns.py): `chunks` is the decoded text
    from the boundary on, `origin` (offset, newlines, line start) where it is in the file, so that
    positions are the unsplit run's; `index` the next record's, `line` the next line (JSON Lines).
    Every record and every problem after the boundary is the one the unsplit run finds."""
    buf = TextBuffer(chunks, element_max=element_max, origin=origin)
    cursor.buf = buf
    if form == FORM_LINES:
        assert line is not None
        if buf.peek() is None:
            return
        yield from _iter_lines(
            buf, line=line + buf.newlines, index=index, element_max=element_max, cursor=cursor
        )
        return
    cursor.form = form
    if form == FORM_ARRAY:
        yield from _iter_array(buf, index=index, cursor=cursor, resumed=True)
    else:
        yield from _iter_wrapper(buf, cursor=cursor, resume_index=index)
    _expect_end(buf)


def _expect_end(buf: TextBuffer) -> None:
    if buf.peek() is not None:
        raise buf.not_json("extra data after the JSON document")


def _expect(buf: TextBuffer, allowed: str) -> str:
    char = buf.peek()
    if char is None:
        raise buf.truncated()
    if char not in allowed:
        if buf.number_cut_short():
            raise buf.truncated()
        raise buf.not_json(f"JSON syntax error: expected one of {allowed!r}")
    buf.pos += 1
    return char


def _iter_array(
    buf: TextBuffer, *, index: int, cursor: Cursor | None = None, resumed: bool = False
) -> Iterator[Element]:
    """The elements of the array whose `[` is at `pos`, one at a time; `pos` ends after its `]`.
    `resumed`: `pos` is after an element (a continuation's boundary), before its `,` or `]`."""
    if resumed:
        if _expect(buf, ",]") == "]":
            return
    else:
        buf.pos += 1
        if buf.peek() == "]":
            buf.pos += 1
            return
    while True:
        if buf.peek() is None:
            raise buf.truncated()
        value, start, end = buf.read_value()
        if cursor is not None:
            cursor.end = end
        yield Element(index, None, value, buf.text, start, end)
        index += 1
        if _expect(buf, ",]") == "]":
            return


def _iter_object_document(buf: TextBuffer, *, element_max: int, cursor: Cursor) -> Iterator[Element]:
    buf.ensure(_WRAPPER_PROBE)
    if _ORDERS_WRAPPER.match(buf.text, buf.pos):
        # Streamed: the orders array may be far larger than memory.
        yield from _iter_wrapper(buf, cursor=cursor)
        _expect_end(buf)
        return
    lines_before = buf.newlines
    value, start, end = buf.read_value()
    text = buf.text
    if isinstance(value, dict) and "orders" in value:
        # A wrapper whose first key is not "orders": small enough to be in memory; walk its text again
        # so each record keeps its raw text, with the same rules (and outcome) as the streamed wrapper
        # above, whatever the order of its members.
        again = TextBuffer(iter([text[start:end]]), element_max=element_max)
        again.peek()
        yield from _iter_wrapper(again)
        _expect_end(buf)
        return
    single_line = "\n" not in text[start:end]
    newlines_after = buf.newlines
    if buf.peek() is not None:
        if single_line and buf.newlines > newlines_after:
            # JSON Lines without a .jsonl suffix: the first line was one complete record.
            yield Element(0, lines_before + 1, value, text, start, end)
            yield from _iter_lines(
                buf, line=buf.newlines + 1, index=1, element_max=element_max, cursor=cursor
            )
            return
        raise buf.not_json("extra data after the JSON document")
    yield Element(0, None, value, text, start, end)


def _iter_wrapper(
    buf: TextBuffer, *, cursor: Cursor | None = None, resume_index: int | None = None
) -> Iterator[Element]:
    """The records of `{"orders": [...], ...}` at `pos`; other members are read and ignored.
    `resume_index`: `pos` is after record `resume_index - 1` of the `orders` array (a continuation)."""
    if resume_index is not None:
        yield from _iter_array(buf, index=resume_index, cursor=cursor, resumed=True)
        if cursor is not None:
            cursor.form = None  # past the array: no record left to resume at
        seen_orders = True
        if _expect(buf, ",}") == "}":
            return
    else:
        buf.pos += 1
        seen_orders = False
    while True:
        if buf.peek() != '"':
            _expect(buf, '"')
        key, _, _ = buf.read_value()
        _expect(buf, ":")
        char = buf.peek()
        if key == "orders" and not seen_orders and char == "[":
            seen_orders = True
            if cursor is not None:
                cursor.form = FORM_ORDERS
            yield from _iter_array(buf, index=0, cursor=cursor)
            if cursor is not None:
                cursor.form = None
        elif key == "orders" or key in _RECORD_KEYS:
            raise FileRejected(
                REASON_UNSUPPORTED_TOP_LEVEL, '"orders" must be the only list of records and must be an array'
            )
        else:
            if char is None:
                raise buf.truncated()
            buf.read_value()
        if _expect(buf, ",}") == "}":
            return


def _iter_lines(
    buf: TextBuffer, *, line: int, index: int, element_max: int, cursor: Cursor | None = None
) -> Iterator[Element]:
    """JSON Lines from `pos`, where physical line `line` starts; a malformed line is one rejected record.

    A physical line larger than `element_max` (textbuffer.text_size) rejects the file, wherever chunks end.
    `cursor`: kept at the offset where the line after each record starts.
    """
    if cursor is not None:
        cursor.form = FORM_LINES
    offset = buf.offset()
    pieces = [buf.take_rest()]
    pending = SizeTally()  # the line being read: `pieces` from their last newline
    pending.add(pieces[0][pieces[0].rfind("\n") + 1 :])
    line -= 1
    while True:
        failure: FileRejected | None = None
        try:
            chunk = buf.next_chunk()
        except FileRejected as rejected:
            # A decoder rejection (corrupt_gzip, not_utf8, ...) after this text: the complete lines before
            # it are records first, so the first problem in the file wins whatever the chunk size.
            failure, chunk = rejected, ""
        if chunk:
            pieces.append(chunk)
            if "\n" not in chunk:
                if pending.add(chunk) > element_max:
                    raise FileRejected(REASON_ELEMENT_TOO_LARGE, _LINE_TOO_LARGE)
                continue
        joined = "".join(pieces)
        pieces.clear()
        # Any line may be too large only when all of them together may be (no cost on the common path).
        checked = text_exceeds(joined, element_max)
        lines = joined.split("\n")
        del joined  # one copy of a long line at a time, not three
        rest = lines.pop() if chunk is not None else ""
        for raw_line in lines:
            line += 1
            offset += len(raw_line) + 1
            if checked and text_exceeds(raw_line, element_max):
                raise FileRejected(REASON_ELEMENT_TOO_LARGE, _LINE_TOO_LARGE)
            text = raw_line.strip(" \t\r")
            if text:
                if cursor is not None:
                    cursor.offset = offset
                yield _parse_line(text, index, line)
                index += 1
        if failure is not None:
            raise failure
        if chunk is None:
            return
        pending = SizeTally()
        if pending.add(rest) > element_max:
            raise FileRejected(REASON_ELEMENT_TOO_LARGE, _LINE_TOO_LARGE)
        pieces = [rest]


def _parse_line(text: str, index: int, line: int) -> Element:
    if too_many_values(text):
        # Not parsed: the objects would cost up to 30 times the text (handlers/core/parsecost.py).
        return Element(index, line, None, text, 0, len(text), REASON_TOO_LARGE)
    try:
        value, end = raw_decode(text)
    except RecursionError:
        return Element(index, line, None, text, 0, len(text), REASON_TOO_DEEP)
    except ValueError:
        return Element(index, line, None, text, 0, len(text), REASON_UNPARSEABLE_LINE)
    if end != len(text):
        return Element(index, line, None, text, 0, len(text), REASON_UNPARSEABLE_LINE)
    return Element(index, line, value, text, 0, len(text))
