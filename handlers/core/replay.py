"""Replay files: lines that carry a corrected record and where it came from, honoured under `replay/` only.

A replay line is `{"_pipeline_replay": {"bucket", "key", "version_id", "record_index"}, "record": {...}}`
(written by `sales-pipeline review replay`). Under REPLAY_PREFIX the record is classified as usual and its
item's `_pipeline_source` gains `replay_of` (the origin), whose values are checked first (a bad one is
`invalid_value`). Anywhere else the line is an ordinary record: without `order-info` it is
`missing_order_info`, with one its `_pipeline_replay` attribute is `reserved_attribute`, so an uploader
cannot claim an origin outside the replay prefix (the bucket policy lets only ReplayWriterArns write
under it). A plain record inside a replay file is processed as a plain record.
"""

from __future__ import annotations

import re
from typing import Any

from handlers.core.classify import Invalid, Valid, classify, order_id_of
from handlers.core.rules import Rules
from handlers.seams.model import Source
from handlers.seams.settings import REASON_INVALID_VALUE, REASON_RESERVED_ATTRIBUTE, REPLAY_PREFIX

REPLAY_FIELD = "_pipeline_replay"
RECORD_FIELD = "record"
# The origin map's members, in the item's `_pipeline_source.replay_of`
# (docs/operations.md, "Review and replay rejected records").
ORIGIN_FIELDS = ("bucket", "key", "version_id", "record_index")
MALFORMED = (
    'a replay line must hold exactly "_pipeline_replay" (bucket, key, version_id, record_index) and "record"'
)
# An origin's values are checked like any value before they go into an item (a replay line is input like
# the record it carries, and the origin becomes the item's `replay_of`): S3's key and version limits,
# this file's bucket (review messages name the stack's own bucket), and a record index a file can have
# (JSON's exact integers; DynamoDB holds 38 digits).
S3_TEXT_MAX_BYTES = 1024
RECORD_INDEX_MAX = 2**53 - 1
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


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


def _utf8_size(text: str) -> int | None:
    try:
        return len(text.encode("utf-8"))
    except UnicodeEncodeError:
        return None


def origin_problem(origin: dict[str, Any], source: Source) -> str | None:
    """Why a well-formed origin cannot be stored as `replay_of` (None when it can)."""
    bucket, key, version = origin["bucket"], origin["key"], origin["version_id"]
    if not _BUCKET_NAME.fullmatch(bucket) or bucket != source["bucket"]:
        return "the replay origin's bucket is not this file's bucket"
    size = _utf8_size(key)
    if size is None or not 0 < size <= S3_TEXT_MAX_BYTES:
        return "the replay origin's key is empty, longer than 1,024 bytes or not valid Unicode"
    if version is not None and not 0 < (_utf8_size(version) or 0) <= S3_TEXT_MAX_BYTES:
        return "the replay origin's version_id is empty, longer than 1,024 bytes or not valid Unicode"
    if origin["record_index"] > RECORD_INDEX_MAX:
        return f"the replay origin's record_index is larger than {RECORD_INDEX_MAX}"
    return None


def classify_line(
    value: Any, *, source: Source, index: int, rules: Rules | None = None, text_chars: int = 0
) -> tuple[Any, Valid | Invalid]:
    """(the record to review, its classification): a replay line's record, with its origin, under the
    replay prefix; any other value exactly as `records.classify` sees it (`rules`: another contract)."""
    if not is_replay_file(source) or not isinstance(value, dict) or REPLAY_FIELD not in value:
        return value, classify(value, source=source, index=index, rules=rules, text_chars=text_chars)
    origin = origin_of(value)
    if origin is None:
        return value, Invalid(REASON_RESERVED_ATTRIBUTE, MALFORMED, None)
    record = value[RECORD_FIELD]
    problem = origin_problem(origin, source)
    if problem is not None:
        return value, Invalid(REASON_INVALID_VALUE, problem, order_id_of(record))
    return record, classify(
        record, source=source, index=index, origin=origin, rules=rules, text_chars=text_chars
    )
