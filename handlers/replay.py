"""Replay files: lines that carry a corrected record and where it came from, honoured under `replay/` only.

A replay line is `{"_pipeline_replay": {"bucket", "key", "version_id", "record_index"}, "record": {...}}`
(written by `python -m review replay`). Under REPLAY_PREFIX the record is classified as usual and its
item's `_pipeline_source` gains `replay_of` (the origin). Anywhere else the line is an ordinary record,
and its `_pipeline_replay` attribute is `reserved_attribute` as before: an uploader cannot claim an
origin outside the replay prefix. A plain record inside a replay file is processed as a plain record.
"""

from __future__ import annotations

from typing import Any

from handlers.contract import REASON_RESERVED_ATTRIBUTE
from handlers.model import Source
from handlers.records import Invalid, Valid, classify

REPLAY_PREFIX = "replay/"
REPLAY_FIELD = "_pipeline_replay"
RECORD_FIELD = "record"
# The origin map's members, in the item's `_pipeline_source.replay_of` (docs: README "Review and replay").
ORIGIN_FIELDS = ("bucket", "key", "version_id", "record_index")
MALFORMED = (
    'a replay line must hold exactly "_pipeline_replay" (bucket, key, version_id, record_index) and "record"'
)


def is_replay_file(source: Source) -> bool:
    return source["key"].startswith(REPLAY_PREFIX)


def origin_of(value: Any) -> dict[str, Any] | None:
    """The origin map of a replay line, or None when the line is not a well-formed one."""
    if not isinstance(value, dict) or set(value) != {REPLAY_FIELD, RECORD_FIELD}:
        return None
    origin = value[REPLAY_FIELD]
    if not isinstance(origin, dict) or set(origin) != set(ORIGIN_FIELDS):
        return None
    index = origin["record_index"]
    if not (isinstance(origin["bucket"], str) and origin["bucket"] and isinstance(origin["key"], str)):
        return None
    if origin["version_id"] is not None and not isinstance(origin["version_id"], str):
        return None
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        return None
    return {name: origin[name] for name in ORIGIN_FIELDS}


def classify_line(
    value: Any, *, source: Source, index: int, text_chars: int = 0
) -> tuple[Any, Valid | Invalid]:
    """(the record to review, its classification): a replay line's record, with its origin, under the
    replay prefix; any other value exactly as `records.classify` sees it."""
    if not is_replay_file(source) or not isinstance(value, dict) or REPLAY_FIELD not in value:
        return value, classify(value, source=source, index=index, text_chars=text_chars)
    origin = origin_of(value)
    if origin is None:
        return value, Invalid(REASON_RESERVED_ATTRIBUTE, MALFORMED, None)
    record = value[RECORD_FIELD]
    return record, classify(record, source=source, index=index, origin=origin, text_chars=text_chars)
