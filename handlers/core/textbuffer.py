"""A sliding text window over a chunk iterator, with bounded-memory JSON value reads (json's C scanner).

Over 300 lines: one sliding window and its bounded-memory reads of each JSON value kind, which share the
window's offsets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Final

from handlers.core.parsecost import LARGE_TEXT_CHARS, TOO_MANY_VALUES, structure_cut
from handlers.seams.errors import FileRejected
from handlers.seams.settings import (
    ELEMENT_MAX_BYTES,
    REASON_ELEMENT_TOO_LARGE,
    REASON_NOT_JSON,
    REASON_TOO_DEEP,
    REASON_TRUNCATED,
)
from handlers.values.jsonnumbers import parse_float, parse_int

_NUMBER_TYPES: Final = (int, Decimal)
_WHITESPACE = re.compile(r"[ \t\n\r]*")
# A parse error this close to the end of the window may only mean the value continues in the next chunk.
_INCOMPLETE_MARGIN = 16
_TOO_LARGE = "one JSON value is larger than the size the validator parses"
_TRUNCATED = "the JSON document ends before it is complete"
_SIZE_SLICE = 1 << 20
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_BEYOND_LATIN1 = re.compile("[^\x00-\xff]")
# After a number, at most `e+` (2 characters) may be a continuation the scanner did not take.
_NUMBER_TAIL = 2
# What may be cut short at the end of a document: a literal, or a number (`-`, `1.`, `1e`, `1e+`).
_LITERAL_PREFIXES = frozenset(word[:n] for word in ("true", "false", "null") for n in range(1, len(word)))
_NUMBER_CHARS = frozenset("0123456789+-.eE")
_NUMBER_PREFIX = re.compile(r"-|-?(?:0|[1-9][0-9]*)(?:\.|(?:\.[0-9]+)?(?:[eE][+-]?[0-9]*)?)")
_UNICODE_ESCAPE_PREFIX = re.compile(r"\\u[0-9a-fA-F]{0,4}")
# What the scanner leaves of a number cut short after its digits (`1.`, `1e`, `1.5E+`).
_NUMBER_CUT = re.compile(r"\.|[eE][+-]?")
_JSON_WHITESPACE = " \t\n\r"


# A JSON string (skipped whole) or one of the constants Python's json accepts and JSON does not.
_STRING_OR_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(NaN|-?Infinity)')


def _constant_at(text: str, start: int) -> int | None:
    """Where the first NaN / Infinity outside a string is, from `start` (the value's text)."""
    for found in _STRING_OR_CONSTANT.finditer(text, start):
        if found.group(1):
            return found.start(1)
    return None


def ran_out(text: str, exc: json.JSONDecodeError) -> bool:
    """Whether the decoder failed on `text` only because the text ends (more text could complete it):
    nothing but whitespace after the error, a string still open, or a literal, a number or a \\u escape
    cut short at the very end. A trailing comma, a stray character or a bad literal is a syntax error."""
    if exc.msg.startswith("Unterminated string"):
        return True
    if exc.pos >= len(text.rstrip(_JSON_WHITESPACE)):
        return True
    rest = text[exc.pos :]
    if rest in _LITERAL_PREFIXES or _UNICODE_ESCAPE_PREFIX.fullmatch(text, max(0, exc.pos - 1)):
        return True
    start = exc.pos
    while start > 0 and text[start - 1] in _NUMBER_CHARS:
        start -= 1
    return _NUMBER_PREFIX.fullmatch(text, start) is not None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# Numbers never raise while parsing: an exponent beyond the decimal module's reach becomes a HugeNumber.
DECODER = json.JSONDecoder(parse_float=parse_float, parse_int=parse_int, parse_constant=_reject_constant)
# The common case without a Python call per number: json's C scanner converts ints itself and calls
# the C Decimal type for the other numbers. Only an int past Python's digit limit (ValueError) or an
# exponent no Decimal holds (InvalidOperation) raises; raw_decode then parses again with DECODER.
_FAST_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_reject_constant)


# JSONDecoder.raw_decode without its Python frame: the C scanner itself (StopIteration: no value there).
_FAST_SCAN = _FAST_DECODER.scan_once  # type: ignore[attr-defined]


def raw_decode(text: str, start: int = 0) -> tuple[Any, int]:
    """DECODER.raw_decode(text, start), the same values, faster when no number is extreme."""
    try:
        found: tuple[Any, int] = _FAST_SCAN(text, start)
    except StopIteration as stop:
        raise json.JSONDecodeError("Expecting value", text, stop.value) from None
    except json.JSONDecodeError:
        raise
    except (ValueError, ArithmeticError):
        return DECODER.raw_decode(text, start)
    return found


def utf8_size(text: str, start: int = 0, end: int | None = None) -> int:
    """UTF-8 length of `text[start:end]`, encoded a slice at a time (no copy of a large value)."""
    stop = len(text) if end is None else end
    if text.isascii():
        return stop - start
    return sum(
        len(text[at : min(at + _SIZE_SLICE, stop)].encode("utf-8")) for at in range(start, stop, _SIZE_SLICE)
    )


def char_width(text: str, start: int = 0, end: int | None = None) -> int:
    """Bytes a character of `text[start:end]` takes in memory (CPython stores a str at its widest)."""
    stop = len(text) if end is None else end
    if text.isascii():
        return 1
    if _ASTRAL.search(text, start, stop):
        return 4
    return 2 if _BEYOND_LATIN1.search(text, start, stop) else 1


def text_size(text: str, start: int = 0, end: int | None = None) -> int:
    """What the limits count: the UTF-8 bytes of `text[start:end]`, or its size in memory if larger.

    Memory is what must stay bounded: 16 Mi emoji are 64 MiB of UTF-8 and 64 MiB in memory, but
    one emoji among 60 Mi ASCII characters makes a 240 MB str (and as many again per copy).
    """
    stop = len(text) if end is None else end
    if text.isascii():
        return stop - start
    return max(utf8_size(text, start, stop), (stop - start) * char_width(text, start, stop))


def text_exceeds(text: str, limit: int, start: int = 0, end: int | None = None) -> bool:
    """Whether `text_size(text, start, end) > limit`; free unless the text is near the limit."""
    stop = len(text) if end is None else end
    chars = stop - start
    if chars > limit:
        return True
    # Both UTF-8 and memory take 1 to 4 bytes a character (strict decoding never yields surrogates).
    if chars * 4 <= limit or text.isascii():
        return False
    return text_size(text, start, stop) > limit


class SizeTally:
    """`text_size` of a text that arrives in pieces (a JSON Lines line longer than a chunk)."""

    def __init__(self) -> None:
        self.chars = 0
        self.utf8 = 0
        self.width = 1

    def add(self, piece: str) -> int:
        """Count `piece`; the size of everything counted so far."""
        self.chars += len(piece)
        if piece.isascii():
            self.utf8 += len(piece)
        else:
            self.utf8 += utf8_size(piece)
            self.width = max(self.width, char_width(piece))
        return max(self.utf8, self.chars * self.width)


class TextBuffer:
    """`text[pos:]` is the unread text; chunks are pulled only when a read needs them."""

    def __init__(
        self,
        chunks: Iterator[str],
        *,
        element_max: int = ELEMENT_MAX_BYTES,
        origin: tuple[int, int, int] = (0, 0, 0),
    ) -> None:
        self._chunks = chunks
        self._element_max = element_max
        self.text = ""
        self.pos = 0
        self.eof = False
        self.newlines = 0  # newlines skipped as whitespace so far (JSON Lines detection)
        self._failure: FileRejected | None = None  # found by the decoder, raised at the next read
        # Where `text[0]` is in the decoded file: its offset, the newlines before it, and the offset
        # where its line starts (a rejection's position: line, column, offset).
        # `origin`: (offset, newlines before it, its line's start) of the first chunk (a continuation's).
        self._base, self._base_newlines, self._base_line_start = origin

    def _drop(self, count: int) -> None:
        """Account for `text[:count]` leaving the window (the caller drops it)."""
        dropped = self.text[:count]
        newlines = dropped.count("\n")
        if newlines:
            self._base_newlines += newlines
            self._base_line_start = self._base + dropped.rfind("\n") + 1
        self._base += count

    def position(self, at: int | None = None) -> dict[str, int]:
        """`{"line", "column", "offset"}` (1-based line and column, 0-based offset in the decoded text,
        in characters) of `text[at]`; the current position by default."""
        at = self.pos if at is None else at
        newlines = self.text.count("\n", 0, at)
        line_start = self._base + self.text.rfind("\n", 0, at) + 1 if newlines else self._base_line_start
        offset = self._base + at
        line = self._base_newlines + newlines + 1
        return {"line": line, "column": offset - line_start + 1, "offset": offset}

    def offset(self) -> int:
        """The decoded-text offset of `pos`."""
        return self._base + self.pos

    def number_cut_short(self) -> bool:
        """Whether the file ends in the unread text, which only continues the number before it
        (`.`, `e`, `e+`: the scanner took `1` of `1.` and left the rest)."""
        if self.pos == 0 or not self.text[self.pos - 1].isdigit():
            return False
        self.ensure(_NUMBER_TAIL + 1)
        return self.eof and _NUMBER_CUT.fullmatch(self.text, self.pos) is not None

    def not_json(self, message: str, at: int | None = None) -> FileRejected:
        """not_json at `text[at]` (the current position by default), with its position."""
        return FileRejected(REASON_NOT_JSON, message, position=self.position(at))

    def truncated(self) -> FileRejected:
        """truncated, positioned at the end of the text (where the parser ran out)."""
        return FileRejected(REASON_TRUNCATED, _TRUNCATED, position=self.position(len(self.text)))
        # (window, from, cut, window[:cut]): values from `from` on parse in window[:cut] (parsecost.py).
        self._cut: tuple[str, int, int | None, str] | None = None

    def next_chunk(self) -> str | None:
        """The next raw chunk (bypassing the window), or None at the end."""
        if self._failure is not None:
            raise self._failure
        if self.eof:
            return None
        chunk = next(self._chunks, None)
        if chunk is None:
            self.eof = True
        return chunk

    def take_rest(self) -> str:
        """The unread text of the window; the window is emptied."""
        rest = self.text[self.pos :]
        self._drop(len(self.text))
        self.text, self.pos = "", 0
        return rest

    def fill(self, min_new: int = 1, *, partial: bool = False) -> bool:
        """Drop the read prefix and append at least `min_new` characters (fewer at the end).

        A rejection from the decoder (not_utf8, corrupt_gzip, file_too_large) is raised only when no
        text could be added (and not at all if `partial`): the text before the problem is parsed first,
        so the first problem in the file wins whatever the chunk size.
        """
        parts = [self.text[self.pos :]]
        added = 0
        while added < min_new:
            try:
                chunk = self.next_chunk()
            except FileRejected as failure:
                self._failure = failure
                if added == 0 and not partial:
                    raise
                break
            if chunk is None:
                break
            parts.append(chunk)
            added += len(chunk)
        self._drop(self.pos)
        self.text = "".join(parts)
        self.pos = 0
        self._cut = None
        return added > 0

    def peek(self) -> str | None:
        """Skip JSON whitespace; the next character, or None at the end of the text."""
        text, pos = self.text, self.pos
        if pos < len(text) and text[pos] not in _JSON_WHITESPACE:
            return text[pos]  # nothing to skip (the common case between values)
        if text.startswith("\n", pos) and pos + 1 < len(text) and text[pos + 1] not in _JSON_WHITESPACE:
            self.newlines += 1  # one newline (between an array's elements, one a line)
            self.pos = pos + 1
            return text[pos + 1]
        while True:
            end = _WHITESPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]
            if end > self.pos:
                self.newlines += self.text.count("\n", self.pos, end)
                self.pos = end
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.fill():
                return None

    def ensure(self, count: int) -> None:
        """Make at least `count` unread characters available unless the text ends first."""
        if len(self.text) - self.pos < count:
            self.fill(count - (len(self.text) - self.pos), partial=True)

    def read_value(self) -> tuple[Any, int, int]:
        """Parse the value at `pos`: (value, start, end) with `text[start:end]` its raw text.

        The outcome depends only on the bytes, never on where the chunks end: the window grows while
        the value may continue, and "too large" means the parser needed more than the limit's UTF-8
        bytes of text (to finish the value, or to find its syntax error).
        """
        while True:
            start = self.pos
            text = self.text
            exact = False
            if len(text) - start > LARGE_TEXT_CHARS:
                text, exact = self._bounded(start)
            try:
                value, end = raw_decode(text, start)
            except json.JSONDecodeError as exc:
                unterminated = exc.msg.startswith("Unterminated string")
                incomplete = unterminated or exc.pos >= len(text) - _INCOMPLETE_MARGIN
                # How far the parser read: an unterminated string ran to the end of the window.
                reached = len(text) if unterminated else exc.pos
                self._check_size(start, reached)
                if incomplete and text is not self.text:
                    if exact:
                        raise FileRejected(REASON_ELEMENT_TOO_LARGE, TOO_MANY_VALUES) from None
                    self._cut = None  # cut for an earlier value: count again from this one
                    continue
                if incomplete and not self.eof:
                    self._grow(start, reached)
                    continue
                # The whole rest of the file is in the window: truncated only if it ran out.
                if self.eof and ran_out(text, exc):
                    raise self.truncated() from None
                raise self.not_json(f"JSON syntax error: {exc.msg}", exc.pos) from None
            except ValueError:
                raise self.not_json("NaN and Infinity are not JSON", _constant_at(text, start)) from None
            except RecursionError:
                if text_exceeds(text, self._element_max, start):
                    # Too deep within the limit's bytes, or only beyond them (then too large, as a
                    # smaller window would have found): parse just the first element_max bytes.
                    head = text[start : start + self._element_max + 1].encode("utf-8")
                    probe = head[: self._element_max].decode("utf-8", "ignore")
                    try:
                        DECODER.raw_decode(probe)
                    except RecursionError:
                        pass
                    except ValueError:
                        raise FileRejected(REASON_ELEMENT_TOO_LARGE, _TOO_LARGE) from None
                raise FileRejected(REASON_TOO_DEEP, "the JSON nesting is too deep to parse safely") from None
            self._check_size(start, end)
            if not self.eof and (
                end == len(text) or (end + _NUMBER_TAIL >= len(text) and type(value) in _NUMBER_TYPES)
            ):
                # The value may continue in the next chunk (`12` of `125`, or `12` before a `.` or `e`
                # that ends the window): parse again with more text.
                self._grow(start, end)
                continue
            self.pos = end
            return value, start, end

    def _bounded(self, start: int) -> tuple[str, bool]:
        """The text to parse the value at `start` in: the window, or the window cut just after the
        (STRUCTURE_MAX + 1)th `[ { , :` from `start` (`exact`: counted from this value), so a parse never
        builds more objects than that. The count is kept for the later values of the same window."""
        cut = self._cut
        if cut is None or cut[0] is not self.text or start < cut[1]:
            position = structure_cut(self.text, start)
            cut = (self.text, start, position, "" if position is None else self.text[:position])
            self._cut = cut
        if cut[2] is None:
            return self.text, False
        return cut[3], start == cut[1]

    def _check_size(self, start: int, end: int) -> None:
        if text_exceeds(self.text, self._element_max, start, end):
            raise FileRejected(REASON_ELEMENT_TOO_LARGE, _TOO_LARGE)

    def _grow(self, start: int, known_end: int) -> None:
        """More text for the value at `start`; `text[start:known_end]` is known (and within the limit)."""
        known = known_end - start
        size = text_size(self.text, start, known_end)
        # As much again as is known (a long value is re-parsed O(log n) times), but no more characters
        # than, at the known size per character, reach just past the limit: the window's memory stays
        # bounded whatever the characters' width.
        room = self._element_max + 1 - size
        self.fill(max(1, min(known, -(-room * known // size) if size else room)))
