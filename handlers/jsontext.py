"""Compact ASCII JSON text of parsed values, numbers (int or Decimal) written as their exact decimal text."""

from __future__ import annotations

import json
from decimal import Decimal
from json.encoder import encode_basestring_ascii
from typing import Any

_ENCODER = json.JSONEncoder(separators=(",", ":"))


def dumps(value: Any) -> str:
    """json.dumps(value) in C when it can; Decimal numbers (and 40+ digit ints) in Python."""
    try:
        return _ENCODER.encode(value)
    except TypeError:
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
