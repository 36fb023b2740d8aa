"""Record classification and the DynamoDB item of a valid record (shared by the validator and store-large).

Two steps: the business rules (the record contract, handlers/core/rules.py) first, then DynamoDB's own
rules (the key, reserved names, values, depth and size) and the conversion, which no contract relaxes.
"""

from __future__ import annotations

import functools
import hashlib
import json
from json.encoder import encode_basestring_ascii
from typing import Any

from handlers.core.dynamojson import (
    AttributeValue,
    Converted,
    TooDeep,
    attribute_size,
    convert_record,
    depth_exceeds,
    number_size,
)
from handlers.core.parsecost import size_exceeds
from handlers.core.provenance import REPLAY_OF, source_attribute
from handlers.core.rules import MAX_VIOLATIONS, RULES, Broken, Rules, Violation, violation
from handlers.seams.model import Source
from handlers.seams.settings import (
    HASH_ATTRIBUTE,
    ITEM_MAX_BYTES,
    KEY_ATTRIBUTE,
    KEY_MAX_BYTES,
    REASON_DUPLICATE_MEMBER,
    REASON_INVALID_VALUE,
    REASON_MISSING_CONTACT_INFO,
    REASON_MISSING_ORDER_ID,
    REASON_MISSING_ORDER_INFO,
    REASON_NOT_AN_OBJECT,
    REASON_RESERVED_ATTRIBUTE,
    REASON_TOO_DEEP,
    REASON_TOO_LARGE,
    RESERVED_PREFIX,
    SOURCE_ATTRIBUTE,
)

_HASH_HEX_LENGTH = 64
MESSAGES = {
    REASON_TOO_DEEP: "the record nests objects or lists deeper than DynamoDB's 32 levels",
    REASON_NOT_AN_OBJECT: "the record is not a JSON object",
    REASON_MISSING_ORDER_INFO: '"order-info" is missing or is not an object',
    REASON_MISSING_CONTACT_INFO: '"contact-info" is missing or is not an object',
    REASON_MISSING_ORDER_ID: '"order-info.order_id" is missing, not a string, or empty',
    REASON_RESERVED_ATTRIBUTE: (
        'a top-level attribute starts with "_pipeline", '
        'or a top-level "order_id" differs from order-info.order_id'
    ),
    REASON_TOO_LARGE: "the DynamoDB item would be larger than 400 KB",
    REASON_DUPLICATE_MEMBER: "an object names a member twice (I-JSON): which one a parser keeps is undefined",
}
CONTRACT_MESSAGE = "the record breaks {count} rule(s) of the record contract (listed under violations)"
# Where a DynamoDB rule's single violation points (the record itself otherwise).
_STORAGE_PATHS = {REASON_MISSING_ORDER_INFO: "/order-info", REASON_MISSING_ORDER_ID: "/order-info/order_id"}
KEY_TOO_LONG = "order-info.order_id is longer than DynamoDB's 2048-byte key limit"


class Valid:
    """A record to store: its key, the item (DynamoDB JSON) and the canonical hash.

    `item_text` is the item as json.dumps writes it (the manifest's bytes); `item` the same as dicts
    (for put_item), parsed from that text when asked for. The text is kept in two parts: `item_head`,
    the item up to its `_pipeline_source` member (the record's attributes, the key, the hash), and
    `source_text`, that member and the closing brace; `plain`: the source is the file's own (not a
    replay's), which a manifest entry leaves to its batch's `item_source` and the record's index.
    """

    __slots__ = ("canonical_colons", "hash", "item_head", "order_id", "plain", "source_text")

    def __init__(
        self,
        order_id: str,
        item_head: str,
        digest: str,
        canonical_colons: int = 0,
        source_text: str = "}",
        *,
        plain: bool = False,
    ) -> None:
        self.order_id = order_id
        self.item_head = item_head
        self.hash = digest
        # The `:` count of the canonical text (handlers/core/members.py: duplicate member names).
        self.canonical_colons = canonical_colons
        self.source_text = source_text
        self.plain = plain

    @property
    def item_text(self) -> str:
        return self.item_head + self.source_text

    @property
    def item(self) -> dict[str, AttributeValue]:
        item: dict[str, AttributeValue] = json.loads(self.item_text)
        return item


class Invalid:
    """A record for review: one reason code, a sentence and violations that never quote record content.

    Without `violations` (a DynamoDB rule, an unparseable line) the reason itself is the one violation.
    `rules`: the key of every contract rule the record breaks (listed in `violations` or not).
    """

    __slots__ = ("message", "order_id", "reason", "rules", "violations", "violations_omitted")

    def __init__(
        self,
        reason: str,
        message: str,
        order_id: str | None,
        violations: list[Violation] | None = None,
        violations_omitted: int = 0,
        rules: list[str] | None = None,
    ) -> None:
        self.reason = reason
        self.message = message
        self.order_id = order_id
        if violations is None:
            violations = [violation(_STORAGE_PATHS.get(reason, ""), reason, message)]
        self.violations = violations
        self.violations_omitted = violations_omitted
        self.rules = rules or []


def order_id_of(record: Any) -> str | None:
    """order-info.order_id when it is a non-empty string, else None."""
    if isinstance(record, dict):
        info = record.get("order-info")
        if isinstance(info, dict):
            order_id = info.get("order_id")
            if isinstance(order_id, str) and order_id:
                return order_id
    return None


def _invalid(reason: str, record: Any, message: str | None = None) -> Invalid:
    return Invalid(reason, message or MESSAGES[reason], order_id_of(record))


def _broken(record: Any, broken: Broken) -> Invalid:
    """The review of a contract breach; a record too deep for DynamoDB is too_deep first, as before."""
    reason, violations, omitted = broken.reason, broken.violations, broken.omitted
    if reason == REASON_TOO_DEEP or depth_exceeds(record):
        reason = REASON_TOO_DEEP
        violations = [violation("", reason, MESSAGES[reason]), *violations]
        omitted += max(0, len(violations) - MAX_VIOLATIONS)
        violations = violations[:MAX_VIOLATIONS]
    message = MESSAGES.get(reason) or CONTRACT_MESSAGE.format(count=broken.count)
    return Invalid(reason, message, order_id_of(record), violations, omitted, broken.rules)


def source_suffix(source: Source, index: int) -> str:
    """The end of a (non-replayed) valid record's item text from its `_pipeline_source` member on."""
    head, tail, _ = _source_parts(source["bucket"], source["key"], source["version_id"])
    return head + str(index) + tail


@functools.lru_cache(maxsize=64)
def _source_parts(bucket: str, key: str, version_id: str | None) -> tuple[str, str, int]:
    """The `_pipeline_source` member's text around its record_index digits, and the size of
    `_pipeline_hash` and of `_pipeline_source` without its record_index value."""
    source: Source = {"bucket": bucket, "key": key, "version_id": version_id, "etag": None}
    text = ',"' + SOURCE_ATTRIBUTE + '":' + json.dumps(source_attribute(source, 0), separators=(",", ":"))
    tail = '0"}}}'
    if not text.endswith(tail):
        raise AssertionError("record_index is not the last member of the source attribute")
    sized = {"bucket": bucket, "key": key, "version_id": version_id, "record_index": 0}
    fixed = (
        attribute_size(HASH_ATTRIBUTE, "0" * _HASH_HEX_LENGTH)
        + attribute_size(SOURCE_ATTRIBUTE, sized)
        - number_size("0")
    )
    return text[: -len(tail)], tail[1:] + "}", fixed


def item_head(converted: Converted, order_id: str, digest: str, *, keyed: bool) -> str:
    """The item's JSON text up to its `_pipeline_source` member: the record's attributes, then
    (unless the record has it) the key and the hash, as json.dumps writes the item dict."""
    head = "{" + converted.text + "," if converted.text else "{"
    if not keyed:
        head += '"' + KEY_ATTRIBUTE + '":{"S":' + encode_basestring_ascii(order_id) + "},"
    return head + '"' + HASH_ATTRIBUTE + '":{"S":"' + digest + '"}'


def classify(
    record: Any,
    *,
    source: Source,
    index: int,
    origin: dict[str, Any] | None = None,
    rules: Rules | None = None,
    text_chars: int = 0,
) -> Valid | Invalid:
    """Valid, or Invalid with the first failing check, in this order: too_deep, the contract's
    (not_an_object, missing_order_info, missing_contact_info, missing_order_id, contract_violation:
    every violation listed), then DynamoDB's: not_an_object, missing_order_info, missing_order_id
    (the key), reserved_attribute, invalid_value, too_large. `origin`: a replayed record's origin,
    kept in `_pipeline_source.replay_of`. `text_chars`: the length of the record's text; a record longer
    than an item can be is too_large first when a lower bound of its item size (no text written) says
    so: its DynamoDB JSON (up to 12 bytes a character) is never built (handlers/core/parsecost.py)."""
    if text_chars > ITEM_MAX_BYTES and isinstance(record, dict) and size_exceeds(record):
        return _invalid(REASON_TOO_LARGE, record)
    broken = (rules or RULES).check(record)
    if broken is not None:
        return _broken(record, broken)
    if not isinstance(record, dict):
        return _invalid(REASON_TOO_DEEP if depth_exceeds(record) else REASON_NOT_AN_OBJECT, record)
    try:
        converted = convert_record(record)
    except TooDeep:
        return _invalid(REASON_TOO_DEEP, record)
    if not isinstance(record.get("order-info"), dict):
        return _invalid(REASON_MISSING_ORDER_INFO, record)
    order_id = order_id_of(record)
    if order_id is None:
        return _invalid(REASON_MISSING_ORDER_ID, record)
    for name in record:
        if name.startswith(RESERVED_PREFIX):
            return _invalid(REASON_RESERVED_ATTRIBUTE, record)
    keyed = KEY_ATTRIBUTE in record
    if keyed and record[KEY_ATTRIBUTE] != order_id:
        return _invalid(REASON_RESERVED_ATTRIBUTE, record)
    if converted.invalid is not None:
        return _invalid(REASON_INVALID_VALUE, record, converted.invalid)
    key_bytes = len(order_id) if order_id.isascii() else len(order_id.encode("utf-8"))
    if key_bytes > KEY_MAX_BYTES:
        return _invalid(REASON_INVALID_VALUE, record, KEY_TOO_LONG)
    head, tail, size = _source_parts(source["bucket"], source["key"], source["version_id"])
    # The item's size: the record's attributes, the hash, the source (record_index: number_size).
    digits = str(index)
    size += converted.size + (len(digits.rstrip("0")) + 1) // 2 + 1
    if origin is not None:
        size += attribute_size(REPLAY_OF, origin)
    if not keyed:
        size += len(KEY_ATTRIBUTE) + key_bytes
    if size > ITEM_MAX_BYTES:
        return _invalid(REASON_TOO_LARGE, record)
    canonical = converted.canonical
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    text = item_head(converted, order_id, digest, keyed=keyed)
    if origin is None:
        return Valid(order_id, text, digest, canonical.count(":"), head + digits + tail, plain=True)
    # A replayed record's source (with `replay_of`, rare) is written whole.
    attribute = json.dumps(source_attribute(source, index, origin), separators=(",", ":"))
    source_text = ',"' + SOURCE_ATTRIBUTE + '":' + attribute + "}"
    return Valid(order_id, text, digest, canonical.count(":"), source_text)
