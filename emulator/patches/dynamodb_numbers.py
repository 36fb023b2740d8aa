"""Gap (moto 5.2.5): DynamoDB accepts numbers AWS refuses.

AWS stores a Number only with at most 38 significant digits and a magnitude from 1E-130 to
9.9999999999999999999999999999999999999E+125 (or zero); anything else is a ValidationException.
moto 5.2.5 (`Table._validate_number_type`) compares as a float, where that upper bound rounds to
1E+126, so 1E+126 itself passes; it never counts digits; and `_validate_item_types` does not look
inside lists, so a number in an `L` (or an `NS` set) is never checked at all.

Patched by wrapping `moto.dynamodb.models.table.Table._validate_item_types` (every PutItem): after
moto's own checks, every `N` and `NS` value at any depth is checked exactly (decimal, not float).
"""

from __future__ import annotations

import functools
from decimal import Decimal, InvalidOperation
from typing import Any

from moto.dynamodb.exceptions import ValidationException
from moto.dynamodb.models.table import Table

PROVEN_BY = "tests/unit/emulator/test_emulator_dynamodb_numbers.py"

MAX_DIGITS = 38
OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range"
UNDERFLOW = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
PRECISION = f"Attempting to store more than {MAX_DIGITS} significant digits in a Number"


def install() -> None:
    Table._validate_item_types = _validate_item_types(Table._validate_item_types)  # type: ignore[method-assign]


def number_refusal(text: str) -> str | None:
    """AWS's message for a Number DynamoDB refuses, or None (moto already refuses non-numbers)."""
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or number.is_zero():
        return None
    if len("".join(map(str, number.as_tuple().digits)).strip("0")) > MAX_DIGITS:
        return PRECISION
    if number.adjusted() >= 126:  # |n| >= 1E+126 (the adjusted exponent is exact)
        return OVERFLOW
    if number.adjusted() < -130:  # |n| < 1E-130
        return UNDERFLOW
    return None


def _numbers(value: Any) -> list[str]:
    """Every N and NS text inside a DynamoDB attribute value, at any depth."""
    if isinstance(value, list):
        return [text for element in value for text in _numbers(element)]
    if not isinstance(value, dict):
        return []
    found = [value["N"]] if isinstance(value.get("N"), str) else []
    found += [text for text in value.get("NS") or [] if isinstance(text, str)]
    for key in ("L", "M"):
        inner = value.get(key)
        found += _numbers(list(inner.values()) if isinstance(inner, dict) else inner)
    return found


def _validate_item_types(original: Any) -> Any:
    @functools.wraps(original)
    def validate_item_types(self: Table, item_attrs: dict[str, Any], attr: str | None = None) -> None:
        original(self, item_attrs, attr)
        if attr is not None:
            return  # moto's own recursion; the top-level call checks the whole item below
        for text in _numbers(list(item_attrs.values())):
            refused = number_refusal(text)
            if refused:
                raise ValidationException(refused)

    return validate_item_types
