"""DynamoDB's size of an item given as DynamoDB JSON (what write units are computed from).

Rules (DynamoDB developer guide, "item sizes"): names and strings are their UTF-8 bytes; a number is
about one byte per two significant digits plus one; binary its bytes; null and booleans 1 byte; a map
or list 3 bytes plus 1 per element, plus the elements (and a map's names). Kept independent of the
validator's own accounting on purpose: the model checks the product, it does not reuse it.
"""

from __future__ import annotations

import base64
from typing import Any


def _utf8(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def number_bytes(text: str) -> int:
    mantissa = text.strip().lstrip("+-").lower().split("e")[0].replace(".", "")
    digits = mantissa.strip("0")
    return (len(digits) + 1) // 2 + 1


def value_bytes(value: dict[str, Any]) -> int:
    ((kind, content),) = value.items()
    if kind == "S":
        return _utf8(content)
    if kind == "N":
        return number_bytes(content)
    if kind == "B":
        return len(base64.b64decode(content)) if isinstance(content, str) else len(content)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(_utf8(element) for element in content)
    if kind == "NS":
        return sum(number_bytes(element) for element in content)
    if kind == "BS":
        return sum(len(base64.b64decode(element)) for element in content)
    if kind == "L":
        return 3 + sum(value_bytes(element) + 1 for element in content)
    if kind == "M":
        return 3 + sum(_utf8(name) + value_bytes(member) + 1 for name, member in content.items())
    raise ValueError(f"not a DynamoDB attribute value type: {kind}")


def item_bytes(item: dict[str, dict[str, Any]]) -> int:
    """Size of a whole item: its attribute names plus their values (no map overhead at the top)."""
    return sum(_utf8(name) + value_bytes(value) for name, value in item.items())
