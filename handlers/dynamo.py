"""JSON values to DynamoDB JSON in one pass: item size, canonical text, depth and value checks."""

from __future__ import annotations

from decimal import (
    MAX_EMAX,
    MIN_EMIN,
    Clamped,
    Context,
    Decimal,
    DecimalException,
    Inexact,
    InvalidOperation,
    Overflow,
    Rounded,
    Underflow,
)
from json.encoder import encode_basestring
from typing import Any

from handlers.contract import MAX_NESTING_DEPTH
from handlers.jsonnumbers import HugeNumber

# DynamoDB numbers: at most 38 significant digits, magnitude 0 or 1E-130 .. 9.99...E+125 (both signs).
# boto3's DYNAMODB_CONTEXT (Emin=-128, Emax=126) lets 1E+126..9.99E+126 and exact subnormals down to
# 1E-165 through, which DynamoDB then refuses: so the precision comes from a context that traps any
# rounding, and the range from an explicit check of the adjusted exponent (most significant digit).
_PRECISION = Context(
    prec=38,
    Emax=MAX_EMAX,
    Emin=MIN_EMIN,
    traps=[Clamped, Overflow, Inexact, Rounded, Underflow, InvalidOperation],
)
MIN_EXPONENT = -130
MAX_EXPONENT = 125
# DynamoDB's limit on an attribute name (UTF-8 bytes), at any level of the item.
NAME_MAX_BYTES = 65_535
_INT_LIMIT = 10**38
# DynamoDB's size rules: a map or list costs 3 bytes plus 1 byte per element; null and booleans 1 byte.
_CONTAINER_OVERHEAD = 3
_ELEMENT_OVERHEAD = 1

AttributeValue = dict[str, Any]

BAD_NUMBER = "a number is outside DynamoDB's range or precision (38 significant digits)"
BAD_STRING = "a string cannot be encoded as UTF-8 (lone surrogate)"
EMPTY_NAME = "an attribute name is empty"
LONG_NAME = "an attribute name is longer than DynamoDB's 65,535-byte limit"


class TooDeep(Exception):
    """The value nests containers deeper than DynamoDB allows."""


class Converted:
    """A record as DynamoDB attributes, their size, its canonical JSON text, its first value problem."""

    __slots__ = ("attributes", "canonical", "invalid", "size")

    def __init__(
        self, attributes: dict[str, AttributeValue], size: int, canonical: str, invalid: str | None
    ) -> None:
        self.attributes = attributes
        self.size = size
        self.canonical = canonical
        self.invalid = invalid


class _Walk:
    __slots__ = ("invalid", "out")

    def __init__(self) -> None:
        self.out: list[str] = []
        self.invalid: str | None = None

    def text_size(self, text: str) -> int:
        if text.isascii():
            return len(text)
        try:
            return len(text.encode("utf-8"))
        except UnicodeEncodeError:
            self.invalid = self.invalid or BAD_STRING
            return len(text) * 3

    def number(self, value: int | Decimal | HugeNumber) -> tuple[AttributeValue, int]:
        if type(value) is int and -_INT_LIMIT < value < _INT_LIMIT:
            text = str(value)
            self.out.append(text)
            return {"N": text}, (len(text.lstrip("-").rstrip("0")) + 1) // 2 + 1
        if isinstance(value, HugeNumber):
            text = value.text
            self.invalid = self.invalid or BAD_NUMBER
        else:
            text = str(value)
            if not storable(value):
                self.invalid = self.invalid or BAD_NUMBER
        self.out.append(text)
        return {"N": text}, number_size(text)

    def value(self, value: Any, level: int) -> tuple[AttributeValue, int]:
        kind = type(value)
        if kind is str:
            self.out.append(encode_basestring(value))
            return {"S": value}, len(value) if value.isascii() else self.text_size(value)
        if kind is int or kind is Decimal or kind is HugeNumber:
            return self.number(value)
        if kind is dict:
            if level > MAX_NESTING_DEPTH:
                raise TooDeep
            members, size = self.members(value, level)
            return {"M": members}, size
        if kind is list:
            if level > MAX_NESTING_DEPTH:
                raise TooDeep
            return self.elements(value, level)
        if value is None:
            self.out.append("null")
            return {"NULL": True}, 1
        if kind is bool:
            self.out.append("true" if value else "false")
            return {"BOOL": value}, 1
        raise TypeError(f"not a JSON value: {kind.__name__}")

    def elements(self, value: list[Any], level: int) -> tuple[AttributeValue, int]:
        append = self.out.append
        items: list[AttributeValue] = []
        size = _CONTAINER_OVERHEAD
        separator = "["
        for element in value:
            append(separator)
            separator = ","
            attribute, element_size = self.value(element, level + 1)
            items.append(attribute)
            size += element_size + _ELEMENT_OVERHEAD
        if separator == "[":
            append("[")
        append("]")
        return {"L": items}, size

    def members(self, value: dict[str, Any], level: int) -> tuple[dict[str, AttributeValue], int]:
        """A map's members and its size; the canonical text lists them by sorted name."""
        append = self.out.append
        members: dict[str, AttributeValue] = {}
        size = _CONTAINER_OVERHEAD
        separator = "{"
        for name in sorted(value):
            append(separator)
            separator = ","
            append(encode_basestring(name))
            append(":")
            member = value[name]
            if type(member) is str:  # the common case, without a call
                append(encode_basestring(member))
                members[name] = {"S": member}
                member_size = len(member) if member.isascii() else self.text_size(member)
            else:
                members[name], member_size = self.value(member, level + 1)
            name_size = len(name) if name.isascii() else self.text_size(name)
            size += name_size + member_size + _ELEMENT_OVERHEAD
            if not name:
                self.invalid = self.invalid or EMPTY_NAME
            elif name_size > NAME_MAX_BYTES:
                self.invalid = self.invalid or LONG_NAME
        if separator == "{":
            append("{")
        append("}")
        return members, size


def storable(value: int | Decimal) -> bool:
    """Whether DynamoDB stores this number exactly: 38 significant digits, 0 or 1E-130 .. <1E+126.

    A zero must also be written with an exponent in that range (conservative: DynamoDB's handling of
    `0E-500` is not documented). Trailing zeros count as digits, as boto3 counts them.
    """
    if type(value) is int and -_INT_LIMIT < value < _INT_LIMIT:
        return True
    try:
        exact = _PRECISION.create_decimal(value)
    except DecimalException:
        return False
    return MIN_EXPONENT <= exact.adjusted() <= MAX_EXPONENT


def number_size(text: str) -> int:
    """DynamoDB's size of a number: about one byte per two significant digits, plus one."""
    digits = text.lstrip("-").split("E")[0].split("e")[0].replace(".", "").strip("0")
    return (len(digits) + 1) // 2 + 1


def convert_record(record: dict[str, Any]) -> Converted:
    """The record's top-level attributes as DynamoDB JSON (raises TooDeep beyond MAX_NESTING_DEPTH).

    The record itself is level 1; a container nested in it is level 2, and so on. Item size counts
    attribute names but no map overhead at the top level, as DynamoDB does.
    """
    walk = _Walk()
    attributes, map_size = walk.members(record, 1)
    size = map_size - _CONTAINER_OVERHEAD - len(record) * _ELEMENT_OVERHEAD
    return Converted(attributes, size, "".join(walk.out), walk.invalid)


def attribute_size(name: str, value: Any) -> int:
    """Size of one more top-level attribute (a plain JSON value) by the same rules."""
    walk = _Walk()
    _, size = walk.value(value, 2)
    return walk.text_size(name) + size


def depth_exceeds(value: Any, limit: int = MAX_NESTING_DEPTH) -> bool:
    """Whether containers nest deeper than `limit` levels (the value itself is level 1); no recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if level > limit:
            return True
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return False
