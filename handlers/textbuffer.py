"""A sliding text window over a chunk iterator, with bounded-memory JSON value reads (json's C scanner)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from handlers.contract import (
    ELEMENT_MAX_BYTES,
    REASON_ELEMENT_TOO_LARGE,
    REASON_NOT_JSON,
    REASON_TOO_DEEP,
    REASON_TRUNCATED,
)
from handlers.errors import FileRejected
from handlers.jsonnumbers import parse_float, parse_int

_WHITESPACE = re.compile(r"[ \t\n\r]*")
# A parse error this close to the end of the window may only mean the value continues in the next chunk.
_INCOMPLETE_MARGIN = 16
_TOO_LARGE = "one JSON value is larger than the size the validator parses"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# Numbers never raise while parsing: an exponent beyond the decimal module's reach becomes a HugeNumber.
DECODER = json.JSONDecoder(parse_float=parse_float, parse_int=parse_int, parse_constant=_reject_constant)


def may_be_incomplete(exc: json.JSONDecodeError, text: str) -> bool:
    """Whether a parse error may be the end of the window rather than a syntax error."""
    return exc.msg.startswith("Unterminated string") or exc.pos >= len(text) - _INCOMPLETE_MARGIN


class TextBuffer:
    """`text[pos:]` is the unread text; chunks are pulled only when a read needs them."""

    def __init__(self, chunks: Iterator[str], *, element_max: int = ELEMENT_MAX_BYTES) -> None:
        self._chunks = chunks
        self._element_max = element_max
        self.text = ""
        self.pos = 0
        self.eof = False
        self.newlines = 0  # newlines skipped as whitespace so far (JSON Lines detection)

    def next_chunk(self) -> str | None:
        """The next raw chunk (bypassing the window), or None at the end."""
        if self.eof:
            return None
        chunk = next(self._chunks, None)
        if chunk is None:
            self.eof = True
        return chunk

    def take_rest(self) -> str:
        """The unread text of the window; the window is emptied."""
        rest = self.text[self.pos :]
        self.text, self.pos = "", 0
        return rest

    def fill(self, min_new: int = 1) -> bool:
        """Drop the read prefix and append at least `min_new` characters (fewer at the end)."""
        parts = [self.text[self.pos :]]
        added = 0
        while added < min_new:
            chunk = self.next_chunk()
            if chunk is None:
                break
            parts.append(chunk)
            added += len(chunk)
        self.text = "".join(parts)
        self.pos = 0
        return added > 0

    def peek(self) -> str | None:
        """Skip JSON whitespace; the next character, or None at the end of the text."""
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
            self.fill(count - (len(self.text) - self.pos))

    def read_value(self) -> tuple[Any, int, int]:
        """Parse the value at `pos`: (value, start, end) with `text[start:end]` its raw text."""
        while True:
            start = self.pos
            try:
                value, end = DECODER.raw_decode(self.text, start)
            except json.JSONDecodeError as exc:
                if self.eof or not may_be_incomplete(exc, self.text):
                    if self.eof and may_be_incomplete(exc, self.text):
                        raise FileRejected(
                            REASON_TRUNCATED, "the JSON document ends before it is complete"
                        ) from None
                    raise FileRejected(REASON_NOT_JSON, f"JSON syntax error: {exc.msg}") from None
                self._grow()
                continue
            except ValueError:
                raise FileRejected(REASON_NOT_JSON, "NaN and Infinity are not JSON") from None
            except RecursionError:
                raise FileRejected(REASON_TOO_DEEP, "the JSON nesting is too deep to parse safely") from None
            if end == len(self.text) and not self.eof:
                # A number may continue in the next chunk: parse again with more text.
                self._grow()
                continue
            if end - start > self._element_max:
                raise FileRejected(REASON_ELEMENT_TOO_LARGE, _TOO_LARGE)
            self.pos = end
            return value, start, end

    def _grow(self) -> None:
        pending = len(self.text) - self.pos
        if pending > self._element_max:
            raise FileRejected(REASON_ELEMENT_TOO_LARGE, _TOO_LARGE)
        # At least one more chunk, and as much again as is pending: a long value is re-parsed O(log n) times.
        self.fill(min(max(1, pending), self._element_max + 1 - pending))
