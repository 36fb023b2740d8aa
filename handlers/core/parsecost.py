"""What parsing and encoding one record would cost, judged from its text before the memory is spent.

Parsing builds a Python object per JSON value: 64 bytes for `[]` (2 characters of text), 104 for a
Decimal, so a text can cost 30 times its size. Every value but the outermost follows one of `[ { , :`,
so the count of those characters bounds the objects built. Each of them also costs a storable item at
least one byte (a list or map 3, an element or member 1, a name 1 or more, a character of a string 1;
a name given twice is `duplicate_member`), so a record with more than STRUCTURE_MAX of them cannot be
stored: it is refused unparsed (docs/handlers-measurements.md "Memory bound").
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Any

from handlers.seams.settings import ITEM_MAX_BYTES

# Twice the item limit: a top-level member (`"a":"",`) takes two of them for at least one byte.
STRUCTURE_MAX = 2 * ITEM_MAX_BYTES
# Texts up to this many characters are parsed without counting (the common path costs nothing).
LARGE_TEXT_CHARS = 4 * 1024 * 1024
TOO_MANY_VALUES = (
    f"one JSON value has more than {STRUCTURE_MAX:,} of [ {{ , : (more values than a 400 KB item holds)"
)
_STRUCTURE = "[{,:"
_STRUCTURAL = re.compile(r"[\[{,:]")
_CONTAINER_OVERHEAD = 3


def structure_count(text: str, start: int = 0, end: int | None = None) -> int:
    """How many of `[ { , :` `text[start:end]` holds (inside strings too: a safe overestimate)."""
    stop = len(text) if end is None else end
    return sum(text.count(char, start, stop) for char in _STRUCTURE)


def structure_cut(text: str, start: int) -> int | None:
    """None when `text[start:]` holds at most STRUCTURE_MAX of `[ { , :`; else the position just after
    the one past that many: a value starting at `start` that is not complete before it is too large."""
    if structure_count(text, start) <= STRUCTURE_MAX:
        return None
    beyond = next(islice(_STRUCTURAL.finditer(text, start), STRUCTURE_MAX, None))
    return beyond.end()


def too_many_values(text: str) -> bool:
    """Whether a record's whole text (a JSON Lines line) has more of `[ { , :` than a storable item."""
    return len(text) > LARGE_TEXT_CHARS and structure_count(text) > STRUCTURE_MAX


def size_exceeds(record: dict[str, Any], limit: int = ITEM_MAX_BYTES) -> bool:
    """Whether the record's DynamoDB item is surely larger than `limit`, by a lower bound of its size
    (a string or name counts one byte a character) that builds no text: a large record is judged
    before its item text (up to 12 bytes a character) is written. Stops as soon as the bound is over."""
    stack: list[Any] = list(record.values())
    size = sum(len(name) for name in record)  # top level: names, no map or member overhead
    while stack and size <= limit:
        value = stack.pop()
        if isinstance(value, dict):
            size += _CONTAINER_OVERHEAD + len(value) + sum(len(name) for name in value)
            if size <= limit:
                stack.extend(value.values())
        elif isinstance(value, list):
            size += _CONTAINER_OVERHEAD + len(value)
            if size <= limit:
                stack.extend(value)
        elif isinstance(value, str):
            size += len(value)
        else:
            size += 1
    return size > limit
