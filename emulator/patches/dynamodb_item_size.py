"""Gap (moto 5.2.5): DynamoDB sizes items its own way and answers a lone surrogate with HTTP 500.

Item size. AWS refuses an item larger than 400 KB = 409,600 bytes, sized as: every attribute name
and string its UTF-8 bytes; binary its bytes; a number 1 byte plus ceil(integer significant digits
/ 2) plus ceil(fraction significant digits / 2), leading and trailing zeros trimmed, plus 1 when
negative; null and booleans 1 byte; sets the sum of their elements; a list or map 3 bytes plus,
per element, 1 byte plus the element (and a map entry's name). (DynamoDB developer guide, "Item
sizes"; the per-element byte and the number rule as measured against DynamoDB by
nubo-db/dynoxide#195 and ExtendDB/extenddb#217.) moto instead sizes a number by its characters,
binary by its base64 text and containers without overhead, and refuses past 405,000 bytes: a valid
406 KB item FAILS here and an item of many small list elements over 400 KB is stored.
Patched at `LimitedSizeDict.__setitem__` (the attribute dict of every stored item: PutItem,
UpdateItem, transactions, batches): the AWS size against 409,600 bytes, same error as moto's.

Lone surrogates. A string holding a lone surrogate (U+D800..U+DFFF, not valid UTF-8) makes moto
fail with an unhandled UnicodeEncodeError: HTTP 500, which an SDK and the pipeline treat as
transient and retry. AWS refuses the request: a permanent 400 ValidationException. Patched at
`DynamoHandler.call_action` (every DynamoDB request): a request whose parameters hold one is
answered with ValidationException before moto sees it.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from typing import Any

from moto.dynamodb.exceptions import ItemSizeTooLarge, MockValidationException
from moto.dynamodb.models.dynamo_type import DynamoType, LimitedSizeDict
from moto.dynamodb.responses import DynamoHandler

PROVEN_BY = "tests/unit/emulator/test_emulator_dynamodb_fidelity.py"

MAX_ITEM_BYTES = 409_600
LONE_SURROGATE = (
    "One or more parameter values were invalid: a string is not valid UTF-8 (it holds a lone surrogate)"
)


def install() -> None:
    LimitedSizeDict.__setitem__ = _setitem  # type: ignore[method-assign,assignment]
    DynamoHandler.call_action = _call_action(DynamoHandler.call_action)  # type: ignore[method-assign]


def _utf8(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def number_size(text: str) -> int:
    """1 byte, plus a byte per two significant digits on each side of the point, plus 1 if negative."""
    text = text.strip()
    negative = text.startswith("-")
    mantissa, _, exponent = text.lstrip("+-").lower().partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits, point = whole + fraction, len(whole) + int(exponent or 0)
    if not digits.strip("0"):
        return 1
    first = len(digits) - len(digits.lstrip("0"))
    last = len(digits.rstrip("0"))
    integer = max(0, min(last, point) - first)
    fractional = max(0, last - max(first, point))
    return 1 + math.ceil(integer / 2) + math.ceil(fractional / 2) + (1 if negative else 0)


def _binary_size(value: Any) -> int:
    if isinstance(value, bytes):
        return len(value)
    try:
        return len(base64.b64decode(value, validate=False))
    except (binascii.Error, ValueError):
        return len(str(value))


def value_size(value: Any) -> int:
    """AWS's size of one attribute value (a moto DynamoType or DynamoDB JSON)."""
    if isinstance(value, DynamoType):
        kind, content = value.type, value.value
    else:
        ((kind, content),) = value.items()
    if kind == "S":
        return _utf8(content)
    if kind == "N":
        return number_size(str(content))
    if kind == "B":
        return _binary_size(content)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(_utf8(element) for element in content)
    if kind == "NS":
        return sum(number_size(str(element)) for element in content)
    if kind == "BS":
        return sum(_binary_size(element) for element in content)
    if kind == "L":
        return 3 + sum(1 + value_size(element) for element in content)
    if kind == "M":
        return 3 + sum(1 + _utf8(name) + value_size(element) for name, element in content.items())
    return _utf8(str(content))


def item_size(attributes: dict[str, Any]) -> int:
    """AWS's size of an item: each attribute's name and value."""
    return sum(_utf8(name) + value_size(value) for name, value in attributes.items())


def _setitem(self: LimitedSizeDict, key: str, value: Any) -> None:
    others = {name: existing for name, existing in self.items() if name != key}
    if item_size(others) + _utf8(key) + value_size(value) > MAX_ITEM_BYTES:
        raise ItemSizeTooLarge
    dict.__setitem__(self, key, value)


def _has_lone_surrogate(parameters: Any) -> bool:
    try:
        json.dumps(parameters, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _call_action(original: Any) -> Any:
    def call_action(self: DynamoHandler) -> Any:
        if _has_lone_surrogate(getattr(self, "params", None)):
            refused = MockValidationException(LONE_SURROGATE)
            return refused.code, refused.get_headers(), refused.get_body()
        return original(self)

    return call_action
