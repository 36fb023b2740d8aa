"""JSON number texts to exact values: int, Decimal, or a marker for a number no Decimal can hold."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

# Beyond 40 digits no DynamoDB number fits anyway; Decimal keeps it exact (and avoids int's digit limit).
_INT_DIGITS = 40


class HugeNumber:
    """A JSON number whose exponent is beyond what the decimal module holds (about 10**18).

    Parsing it must not raise (one bad number is one rejected record, not a failed file): the record
    keeps this marker, which the DynamoDB conversion reports as an invalid value.
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"HugeNumber({self.text[:40]!r})"


def parse_float(text: str) -> Decimal | HugeNumber:
    try:
        return Decimal(text)
    except InvalidOperation:
        return HugeNumber(text)


def parse_int(text: str) -> int | Decimal:
    # An integer has no exponent, so Decimal holds any length of it.
    return int(text) if len(text) <= _INT_DIGITS else Decimal(text)
