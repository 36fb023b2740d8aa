"""Duplicate member names (I-JSON): a record naming one member twice is rejected, never stored last-wins.

The C parser keeps the last of two equal names silently, so the stored item would differ from the raw
text kept for review. Exact and nearly free: every structural `:` of the raw text is one member as
parsed, unless a name repeats; the canonical text (`dynamo.convert_record`, names unique) has one `:`
per member plus the `:` of its strings. With no escaped colon (`\\u003a`) in the raw text, each `:` of a
parsed string was a literal `:` of the raw text, so the raw and canonical counts are equal exactly when
no name repeats. Otherwise (an escaped colon, a replay envelope) the text is parsed again with a
duplicate-refusing hook (the record passed the memory checks of handlers/core/parsecost.py already).
"""

from __future__ import annotations

import json
from typing import Any

# Any `\u003` escape (`\u003a` or `\u003A` is a colon; a digit's escape is only a false alarm).
ESCAPE_PREFIX = "\\u003"


class _Duplicate(Exception):
    pass


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members = dict(pairs)
    if len(members) != len(pairs):
        raise _Duplicate
    return members


def _ignore(_: str) -> None:
    return None


# Numbers are not converted: only the names matter here.
_PAIRS_DECODER = json.JSONDecoder(
    object_pairs_hook=_refuse_duplicates, parse_float=_ignore, parse_int=_ignore, parse_constant=_ignore
)


def repeats_a_name(text: str, start: int, end: int, canonical_colons: int | None) -> bool:
    """Whether the JSON value `text[start:end]` names a member twice in any object.

    `canonical_colons`: the `:` count of the value's canonical text, or None when it is not the value
    itself (a replay envelope's record): then the value is parsed again.
    """
    if canonical_colons is not None and text.find(ESCAPE_PREFIX, start, end) < 0:
        return text.count(":", start, end) != canonical_colons
    try:
        _PAIRS_DECODER.raw_decode(text[start:end])
    except _Duplicate:
        return True
    return False
