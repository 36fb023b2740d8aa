"""JSON values to DynamoDB JSON in one pass: item size, canonical text, depth and value checks.

Two walks give the same result. The fast one (`_fast_members`) writes the DynamoDB JSON text and the
canonical text as strings while it walks (no attribute dicts, no second pass by the JSON encoder) and
only decides whether the record is free of value problems; on any doubt it gives up and the exact one
(`_Walk`) runs, which names the first problem. The item's dicts are built only when asked for
(store-large puts one item): the validator needs only the text.

Over 300 lines: the one-pass encoder and the exact walk it falls back to must produce the same item, so they
live together.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
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
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any

from handlers.seams.settings import MAX_NESTING_DEPTH
from handlers.values.jsonnumbers import HugeNumber

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
# A text's append: the fast walk writes a record's texts as pieces.
_Write = Callable[[str], None]

BAD_NUMBER = "a number is outside DynamoDB's range or precision (38 significant digits)"
BAD_STRING = "a string cannot be encoded as UTF-8 (lone surrogate)"
EMPTY_NAME = "an attribute name is empty"
LONG_NAME = "an attribute name is longer than DynamoDB's 65,535-byte limit"


class TooDeep(Exception):
    """The value nests containers deeper than DynamoDB allows."""


# The item text is ASCII (as json.dumps writes it): DEL and every non-ASCII character as \u escapes.
_NOT_ASCII = re.compile("[\x7f-\U0010ffff]+")
_ITEM_ENCODER = json.JSONEncoder(separators=(",", ":"), check_circular=False)
# A name of at most this many characters is at most NAME_MAX_BYTES UTF-8 bytes (4 bytes a character).
_SHORT_NAME = NAME_MAX_BYTES // 4
# Names seen before: (canonical `"name":`, DynamoDB JSON `"name":` in ASCII, the same followed by
# `{"S":`, UTF-8 size, then the three texts after a `,`: a member that follows another). Bounded, so
# hostile names cost no memory; a file mostly repeats a few dozen.
_NAMES: dict[str, tuple[str, str, str, int, str, str, str]] = {}
_NAMES_MAX = 4096
_NAME_CACHED_CHARS = 128  # so the cache holds at most ~13 MB (4096 x 6 texts x 128 chars x 4 bytes)
_PLAIN_DECIMAL = 38


class Converted:
    """A record as DynamoDB attributes, their size, its canonical JSON text, its first value problem.

    `text` is the item's members as DynamoDB JSON text (ASCII, what json.dumps writes between the
    braces); `attributes` the same as dicts, parsed from the text only when asked for.
    """

    __slots__ = ("_attributes", "canonical", "invalid", "size", "text")

    def __init__(
        self,
        attributes: dict[str, AttributeValue] | None,
        size: int,
        canonical: str,
        invalid: str | None,
        text: str | None = None,
    ) -> None:
        self._attributes = attributes
        self.size = size
        self.canonical = canonical
        self.invalid = invalid
        if text is None:
            text = _ITEM_ENCODER.encode(attributes)[1:-1] if invalid is None else ""
        self.text = text

    @property
    def attributes(self) -> dict[str, AttributeValue]:
        if self._attributes is None:
            self._attributes = json.loads("{" + self.text + "}")
        return self._attributes


class _Doubt(Exception):
    """The fast walk met something only the exact walk judges (a bad number, name or string)."""


def _escape(match: re.Match[str]) -> str:
    return encode_basestring_ascii(match.group())[1:-1]


def _name(name: str) -> tuple[str, str, str, int, str, str, str]:
    """A name's texts and size (cached); _Doubt for a name the exact walk must judge."""
    known = _NAMES.get(name)
    if known is not None:
        return known
    if not name or len(name) > _SHORT_NAME:
        raise _Doubt
    try:
        size = len(name) if name.isascii() else len(name.encode("utf-8"))
    except UnicodeEncodeError:
        raise _Doubt from None
    item_key = encode_basestring_ascii(name) + ":"
    key = encode_basestring(name) + ":"
    known = (key, item_key, item_key + '{"S":', size, "," + key, "," + item_key, "," + item_key + '{"S":')
    if len(_NAMES) < _NAMES_MAX and len(name) <= _NAME_CACHED_CHARS:
        _NAMES[name] = known
    return known


def _fast_string(value: str) -> tuple[str, str, int]:
    """A non-ASCII string's canonical text, DynamoDB JSON text (ASCII) and UTF-8 size."""
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:
        raise _Doubt from None
    return encode_basestring(value), '{"S":' + encode_basestring_ascii(value) + "}", size


def _fast_decimal(value: Decimal) -> tuple[str, int]:
    """A Decimal's text and size, when DynamoDB stores it; _Doubt otherwise."""
    text = str(value)
    if ("E" in text or len(text) > _PLAIN_DECIMAL) and not storable(value):
        raise _Doubt
    return text, number_size(text)


def _fast_value(value: Any, level: int) -> tuple[str, str, int]:
    """Any value but an ASCII string or a small int (the callers handle those inline)."""
    kind = type(value)
    if kind is str:
        return _fast_string(value)
    if kind is dict:
        if level > MAX_NESTING_DEPTH:
            raise TooDeep
        inner, inner_item, size = _fast_text(
            lambda write, write_item: _fast_members(value, level, write, write_item)
        )
        return "{" + inner + "}", '{"M":{' + inner_item + "}}", size
    if kind is list:
        if level > MAX_NESTING_DEPTH:
            raise TooDeep
        inner, inner_item, size = _fast_text(
            lambda write, write_item: _fast_elements(value, level, write, write_item)
        )
        return "[" + inner + "]", '{"L":[' + inner_item + "]}", size
    if value is None:
        return "null", '{"NULL":true}', 1
    if kind is bool:
        return ("true", '{"BOOL":true}', 1) if value else ("false", '{"BOOL":false}', 1)
    if kind is Decimal:
        text, size = _fast_decimal(value)
        return text, '{"N":"' + text + '"}', size
    raise _Doubt  # a HugeNumber, an int of 39+ digits (or anything no JSON parser makes)


# Maps seen before, by their names in insertion order: the names sorted, each with its `_NAMES` texts,
# and the map's size without its values (overheads and names). A file mostly repeats a few shapes, so
# a map costs one tuple and one lookup instead of a sort and a lookup per name. Bounded like `_NAMES`:
# at most _SHAPES_MAX shapes of at most _SHAPE_MEMBERS names, each name already cached (short), so
# hostile shapes cost no text of their own: a 4-tuple of pointers per member (~5 MB at most).
_SHAPES: dict[tuple[str, ...], tuple[tuple[tuple[str, str, str, str], ...], int]] = {}
_SHAPES_MAX = 1024
_SHAPE_MEMBERS = 64


def _shape(value: dict[str, Any]) -> tuple[tuple[tuple[str, str, str, str], ...], int]:
    """A map's members in sorted order, each with its name's texts (the canonical `"name":`, the same
    in ASCII, the latter followed by `{"S":`; each after a `,` but the first member's), and its size
    without its values; cached by its names when they are few and short (_Doubt for a name the exact
    walk must judge)."""
    names = tuple(value)
    known = _SHAPES.get(names)
    if known is not None:
        return known
    members = []
    size = _CONTAINER_OVERHEAD + len(names) * _ELEMENT_OVERHEAD
    for position, name in enumerate(sorted(names)):
        texts = _name(name)
        members.append((name, *texts[:3]) if position == 0 else (name, *texts[4:]))
        size += texts[3]
    known = (tuple(members), size)
    if len(_SHAPES) < _SHAPES_MAX and len(names) <= _SHAPE_MEMBERS and all(name in _NAMES for name in names):
        _SHAPES[names] = known
    return known


def _fast_members(value: dict[str, Any], level: int, write: _Write, write_item: _Write) -> int:
    """Write a map's members (canonical text, DynamoDB JSON text) into the record's two texts; its size.

    The common members are written inline (a call per member costs as much as the writing), nested
    containers into the same texts (no text of their own joined and copied again); the DynamoDB JSON
    text is ASCII except for DEL, which the caller escapes.
    """
    shape = _SHAPES.get(tuple(value))
    members, size = _shape(value) if shape is None else shape
    for name, key, item_key, string_key in members:
        member = value[name]
        kind = type(member)
        if kind is str:
            text = encode_basestring(member)
            write(key + text)
            if member.isascii():
                write_item(string_key + text + "}")
                size += len(member)
            else:
                write_item(string_key + encode_basestring_ascii(member) + "}")
                try:
                    size += len(member.encode("utf-8"))
                except UnicodeEncodeError:
                    raise _Doubt from None
        elif kind is Decimal:
            text = str(member)
            if "E" in text or len(text) > _PLAIN_DECIMAL:
                if not storable(member):
                    raise _Doubt
                size += number_size(text)
            else:
                size += (len(text.lstrip("-").replace(".", "").strip("0")) + 1) // 2 + 1
            write(key + text)
            write_item(item_key + '{"N":"' + text + '"}')
        elif kind is int and -_INT_LIMIT < member < _INT_LIMIT:
            text = str(member)
            write(key + text)
            write_item(item_key + '{"N":"' + text + '"}')
            size += (len(text.lstrip("-").rstrip("0")) + 1) // 2 + 1
        elif member is None:
            write(key + "null")
            write_item(item_key + '{"NULL":true}')
            size += 1
        elif kind is bool:
            if member:
                write(key + "true")
                write_item(item_key + '{"BOOL":true}')
            else:
                write(key + "false")
                write_item(item_key + '{"BOOL":false}')
            size += 1
        elif kind is dict:
            if level >= MAX_NESTING_DEPTH:
                raise TooDeep
            write(key + "{")
            write_item(item_key + '{"M":{')
            size += _fast_members(member, level + 1, write, write_item)
            write("}")
            write_item("}}")
        elif kind is list:
            if level >= MAX_NESTING_DEPTH:
                raise TooDeep
            write(key + "[")
            write_item(item_key + '{"L":[')
            size += _fast_elements(member, level + 1, write, write_item)
            write("]")
            write_item("]}")
        else:
            text, item_text, member_size = _fast_value(member, level + 1)
            write(key + text)
            write_item(item_key + item_text)
            size += member_size
    return size


def _fast_elements(value: list[Any], level: int, write: _Write, write_item: _Write) -> int:
    """Write a list's elements (canonical text, DynamoDB JSON text) into the record's texts; its size."""
    size = _CONTAINER_OVERHEAD + len(value) * _ELEMENT_OVERHEAD
    separator = ""
    for element in value:
        kind = type(element)
        if kind is str and element.isascii():
            text = encode_basestring(element)
            write(separator + text)
            write_item(separator + '{"S":' + text + "}")
            size += len(element)
        elif kind is dict:
            if level >= MAX_NESTING_DEPTH:
                raise TooDeep
            write(separator + "{")
            write_item(separator + '{"M":{')
            size += _fast_members(element, level + 1, write, write_item)
            write("}")
            write_item("}}")
        elif kind is int and -_INT_LIMIT < element < _INT_LIMIT:
            text = str(element)
            write(separator + text)
            write_item(separator + '{"N":"' + text + '"}')
            size += (len(text.lstrip("-").rstrip("0")) + 1) // 2 + 1
        else:
            text, item_text, element_size = _fast_value(element, level + 1)
            write(separator + text)
            write_item(separator + item_text)
            size += element_size
        separator = ","
    return size


def _fast_text(fill: Callable[[_Write, _Write], int]) -> tuple[str, str, int]:
    """The canonical text and DynamoDB JSON text `fill` writes, and the size it returns."""
    canonical: list[str] = []
    item: list[str] = []
    size = fill(canonical.append, item.append)
    return "".join(canonical), "".join(item), size


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
    top = _CONTAINER_OVERHEAD + len(record) * _ELEMENT_OVERHEAD
    canonical_parts: list[str] = []
    item_parts: list[str] = []
    try:
        map_size = _fast_members(record, 1, canonical_parts.append, item_parts.append)
    except _Doubt:
        return convert_exact(record)
    canonical, text = "".join(canonical_parts), "".join(item_parts)
    if "\x7f" in text:  # DEL is ASCII, but json.dumps escapes it
        text = _NOT_ASCII.sub(_escape, text)
    return Converted(None, map_size - top, "{" + canonical + "}", None, text)


def convert_exact(record: dict[str, Any]) -> Converted:
    """convert_record by the exact walk, which names the first value problem in walk order."""
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
        level += 1
        for child in children:
            if isinstance(child, dict | list):
                stack.append((child, level))
    return False
