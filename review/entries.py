"""Export lines: one review message, its record made editable, and where the record came from.

Line (JSON, one per message, format EXPORT_FORMAT):
  {"export", "message_id", "reason", "message", "file_rejected", "origin": {bucket, key, version_id,
   record_index}, "line", "order_id", "record", "record_text", "resolve_error", "record_sha256",
   "review": <the message>}
`record` is the record as JSON (edit it, then `replay`); `record_text` the raw text when it is not one
JSON value (an unparseable line): put the corrected record in `record`. `record_sha256` fingerprints
`record` as exported, so `replay` can say which records are unchanged since the export. `origin` is
the file the record was first uploaded in (a record rejected again after a replay keeps its first
origin).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from handlers.core.replay import RECORD_FIELD, origin_of
from handlers.seams.settings import (
    HASH_ATTRIBUTE,
    KEY_ATTRIBUTE,
    REASON_UNPARSEABLE_LINE,
    REPLAY_PREFIX,
    SOURCE_ATTRIBUTE,
)
from handlers.values.jsonnumbers import parse_float, parse_int
from handlers.values.jsontext import dumps
from review.errors import ReviewError

EXPORT_FORMAT = "sales-pipeline.review-export/1"
Fetch = Callable[[dict[str, Any]], bytes]
ReplayOrigin = Callable[[dict[str, Any], int | None], dict[str, Any] | None]
_DESERIALIZER = TypeDeserializer()


def loads(text: str) -> Any:
    """JSON with exact numbers (Decimal), as the validator reads them."""
    return json.loads(text, parse_float=parse_float, parse_int=parse_int)


def writable(value: Any) -> bool:
    """Whether `value` can be written back as JSON exactly (no number beyond what Decimal holds)."""
    try:
        dumps(value)
    except TypeError:
        return False
    return True


def fingerprint(record: Any) -> str:
    """sha256 of the record's compact JSON text (numbers exact, member order kept)."""
    return hashlib.sha256(dumps(record).encode("ascii")).hexdigest()


def exact_key(source: dict[str, Any]) -> str:
    """The S3 key of a review source (review/2 escapes a key SQS refuses: `key_encoding`)."""
    key = str(source.get("key", ""))
    if source.get("key_encoding") == "json-escaped":
        decoded: str = json.loads(f'"{key}"')
        return decoded
    return key


def origin(source: dict[str, Any], index: int | None) -> dict[str, Any]:
    return {
        "bucket": source.get("bucket"),
        "key": exact_key(source),
        "version_id": source.get("version_id"),
        "record_index": index,
    }


def plain_item(item: dict[str, Any]) -> dict[str, Any]:
    """A conflict's DynamoDB item as the record: without the pipeline's attributes and key copy."""
    record = {name: _DESERIALIZER.deserialize(value) for name, value in item.items()}
    for name in (HASH_ATTRIBUTE, SOURCE_ATTRIBUTE):
        record.pop(name, None)
    info = record.get("order-info")
    if isinstance(info, dict) and record.get(KEY_ATTRIBUTE) == info.get("order_id"):
        record.pop(KEY_ATTRIBUTE)
    plain: dict[str, Any] = _integral(record)
    return plain


def _integral(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal: whole ones as int, as they were written."""
    if isinstance(value, dict):
        return {k: _integral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral(v) for v in value]
    if isinstance(value, Decimal) and value == value.to_integral_value() and "E" not in str(value):
        return int(value)
    return value


def _from_text(text: str, *, replay: bool) -> tuple[Any, str | None]:
    """(record, record_text) from a record's raw text; a replay line gives its record."""
    try:
        value = loads(text)
    except (ValueError, RecursionError):
        return None, text
    if replay and origin_of(value) is not None:
        value = value[RECORD_FIELD]
    return (value, None) if writable(value) else (None, text)


def export_line(
    message_id: str, body: dict[str, Any], *, fetch: Fetch, replay_origin: ReplayOrigin
) -> dict[str, Any]:
    """The export line of one review message (claim checks fetched, conflicts' items made records)."""
    source = body.get("source") or {}
    index = body.get("record_index")
    replay = exact_key(source).startswith(REPLAY_PREFIX)
    record: Any = None
    text: str | None = None
    error: str | None = None
    if body.get("record") is not None:
        record = body["record"]
        if body.get("reason") == REASON_UNPARSEABLE_LINE and isinstance(record, str):
            record, text = None, record
    elif body.get("record_item") is not None:
        record = plain_item(body["record_item"])
    elif body.get("record_pointer") is not None:
        try:
            record, text = _from_text(fetch(body["record_pointer"]).decode("utf-8", "replace"), replay=replay)
        except ReviewError as exc:  # not the stack's (review/queue.py S3Reader): reported, not fetched
            error = str(exc)
        except Exception as exc:  # the message is kept whole in `review`: nothing is lost
            error = f"claim check not readable: {type(exc).__name__}"
    first = None
    if replay and index is not None:
        try:
            first = replay_origin(source, body.get("line"))
        except ReviewError as exc:  # an object the stack does not own: reported, never fetched
            error = error or str(exc)
    return {
        "export": EXPORT_FORMAT,
        "message_id": message_id,
        "reason": body.get("reason"),
        "message": body.get("message"),
        "file_rejected": bool(body.get("file_rejected")),
        "origin": first or origin(source, index),
        "line": body.get("line"),
        "order_id": body.get("order_id"),
        "record": record,
        "record_text": text,
        "resolve_error": error,
        "record_sha256": None if record is None else fingerprint(record),
        "review": body,
    }
