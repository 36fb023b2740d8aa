"""Compact ASCII JSON text of parsed values, numbers (int or Decimal) written as their exact decimal text."""

from __future__ import annotations

import json
from decimal import Decimal
from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

# A Decimal goes through json's C encoder as a marked string, `"\uf8ff12.50\uf8ff"`, whose quotes and
# marks are then removed: exact when the marks in the text are exactly those of the Decimals written
# (a string holding U+F8FF, or the text `\uf8ff`, adds marks: then the Python writer runs instead).
_MARK = "\uf8ff"
_MARK_TEXT = "\\uf8ff"


class _Decimals:
    """The encoder's `default`: counts the Decimals it marks (not thread-safe; a Lambda runs one call)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, value: Any) -> str:
        if type(value) is not Decimal:
            raise TypeError(f"not a JSON value: {type(value).__name__}")
        self.count += 1
        return _MARK + str(value) + _MARK


_DECIMALS = _Decimals()
# No circular check: parsed JSON holds no cycles (and the check costs a dict insert per container).
_ENCODER = json.JSONEncoder(separators=(",", ":"), check_circular=False, default=_DECIMALS)
# What _ENCODER.encode builds on every call, built once (its arguments as JSONEncoder.iterencode passes
# them for this encoder); without the C accelerator, _ENCODER.encode itself.
_C_ENCODE = (
    None
    if c_make_encoder is None
    else c_make_encoder(None, _DECIMALS, encode_basestring_ascii, None, ":", ",", False, False, True)
)


def _encode(value: Any) -> str:
    if _C_ENCODE is None:
        return _ENCODER.encode(value)
    return "".join(_C_ENCODE(value, 0))


def dumps(value: Any) -> str:
    """json.dumps(value) in C, Decimal numbers (and 40+ digit ints) written as their exact text."""
    before = _DECIMALS.count
    try:
        text = _encode(value)
    except TypeError:
        return _python_dumps(value)
    marked = _DECIMALS.count - before
    if not marked:
        return text
    if text.count(_MARK_TEXT) != 2 * marked:
        return _python_dumps(value)
    return text.replace('"' + _MARK_TEXT, "").replace(_MARK_TEXT + '"', "")


def _python_dumps(value: Any) -> str:
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts)


def _write(value: Any, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(encode_basestring_ascii(value))
    elif kind is Decimal or kind is int:
        out.append(str(value))
    elif kind is dict:
        out.append("{")
        for position, (name, member) in enumerate(value.items()):
            if position:
                out.append(",")
            out.append(encode_basestring_ascii(name))
            out.append(":")
            _write(member, out)
        out.append("}")
    elif kind is list:
        out.append("[")
        for position, element in enumerate(value):
            if position:
                out.append(",")
            _write(element, out)
        out.append("]")
    elif value is None:
        out.append("null")
    elif kind is bool:
        out.append("true" if value else "false")
    else:
        raise TypeError(f"not a JSON value: {kind.__name__}")
