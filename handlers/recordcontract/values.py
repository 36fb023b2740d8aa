"""JSON values as a JSON Schema validator sees them: type names, equality, uniqueness, exact multipleOf.

Records are parsed with numbers as int or Decimal (handlers/values/jsonnumbers.py), so every comparison
here is exact: no float ever meets `multipleOf` or `maximum`. A HugeNumber (beyond what a Decimal holds) is a
number, but no numeric rule can be proven for it: it fails them all (DynamoDB refuses it anyway).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from handlers.values.jsonnumbers import HugeNumber

TYPE_NAMES = ("null", "boolean", "object", "array", "number", "string", "integer")


def is_number(value: Any) -> bool:
    kind = type(value)
    return kind is int or kind is Decimal or kind is HugeNumber


def is_integer(value: Any) -> bool:
    """JSON Schema's integer: any number with a zero fractional part (`1.0` and `1e2` are integers)."""
    kind = type(value)
    if kind is int:
        return True
    if kind is Decimal:
        return bool(value.is_finite() and value == value.to_integral_value())
    return False


def type_name_matches(name: str, value: Any) -> bool:
    kind = type(value)
    if name == "string":
        return kind is str
    if name == "object":
        return kind is dict
    if name == "array":
        return kind is list
    if name == "number":
        return is_number(value)
    if name == "integer":
        return is_integer(value)
    if name == "boolean":
        return kind is bool
    return value is None  # "null"


def comparable(value: Any) -> bool:
    """A number the numeric keywords can compare exactly (int or finite Decimal)."""
    kind = type(value)
    return kind is int or (kind is Decimal and value.is_finite())


def unique_key(value: Any) -> Any:
    """A hashable key equal for JSON-equal values: 1 and 1.0 alike, true and 1 apart, key order ignored.

    Python hashes equal ints and Decimals alike, so a number is its own key (tagged apart from bools).
    """
    kind = type(value)
    if kind is dict:
        return ("o", frozenset((name, unique_key(member)) for name, member in value.items()))
    if kind is list:
        return ("a", tuple(unique_key(element) for element in value))
    if kind is bool:
        return ("b", value)
    if kind is int or kind is Decimal:
        return ("n", value)
    if kind is HugeNumber:
        return ("h", value.text)
    return ("s", value) if kind is str else ("z", None)


def json_equal(one: Any, two: Any) -> bool:
    return bool(unique_key(one) == unique_key(two))


def is_multiple(value: int | Decimal, factor: int | Decimal) -> bool:
    """Whether value / factor is an integer, exactly, without building numbers of unbounded size.

    value = a * 10**ea and factor = m * 10**em (integers a, m). For ea >= em: m must divide
    a * 10**(ea - em); raising that exponent beyond m's bit length changes nothing (m's factors of 2
    and 5 are then covered), so it is capped. For ea < em: m * 10**(em - ea) must divide a, impossible
    when it exceeds |a| (unless a is 0).
    """
    a, ea = _integer_and_exponent(value)
    m, em = _integer_and_exponent(factor)
    if a == 0:
        return True
    if ea >= em:
        shift = min(ea - em, abs(m).bit_length())
        return bool((a * 10**shift) % m == 0)
    shift = em - ea
    if shift > len(str(abs(a))):
        return False
    return bool(a % (m * 10**shift) == 0)


def _integer_and_exponent(number: int | Decimal) -> tuple[int, int]:
    if type(number) is int:
        return number, 0
    assert isinstance(number, Decimal)
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    integer = int("".join(map(str, digits)) or "0")
    return (-integer if sign else integer), exponent
