"""A seeded corpus of records at the edges of the conversion: numbers, unicode, names, nesting (JSON text).

Used by the differential tests of the fast DynamoDB JSON writer (test_handlers_fastpath.py): every
record is written as raw JSON text, so numbers keep their exact spelling (trailing zeros, exponents).
"""

from __future__ import annotations

import json
import random

NUMBERS = (
    "0",
    "-0",
    "0.0",
    "0.000",
    "-0.0",
    "1",
    "-1",
    "10",
    "100",
    "1.5",
    "49.37",
    "1299.99",
    "9.90",
    "1e5",
    "1E+5",
    "1.0e-5",
    "2.50E3",
    "-7.25e-3",
    "0E-131",
    "0e-130",
    "1E-130",
    "1E-131",
    "-1E-130",
    "1E+125",
    "9.9999999999999999999999999999999999999E+125",
    "1E+126",
    "-1E+126",
    "12345678901234567890123456789012345678",
    "123456789012345678901234567890123456789",
    "99999999999999999999999999999999999999",
    "100000000000000000000000000000000000000",
    "-99999999999999999999999999999999999999",
    "1234567890123456789012345678901234567890",
    "12345678901234567890123456789012345678901",
    "0.12345678901234567890123456789012345678",
    "0.123456789012345678901234567890123456789",
    "1.00000000000000000000000000000000000000",
    "1e400",
    "1e-400",
    "1e99999999999999999999",
    "-1e99999999999999999999",
    "123456789.000000",
    "0.0000001",
    "0.000001",
    "1E-7",
    "5e-324",
    "1.7976931348623157e308",
)
STRINGS = (
    "",
    "a",
    "plain ascii",
    "Zoë",
    "山田 太郎",
    "大阪",
    "emoji \U0001f600",
    "tab\tin",
    'quote"q',
    "back\\slash",
    "del\x7fchar",
    "nul\x00",
    "ctrl\x01\x1f",
    "bs\b ff\f",
    "nl\nr\r",
    "\ufffe",
    "\uffff",
    "\ue000",
    "\ud7ff",
    "\u2028\u2029",
    "é" * 3,
    "x" * 300,
    "%s %d %%",
    '{"S":1}',
    ",:[]{}",
)
# Written raw as JSON escapes (json.dumps cannot write a lone surrogate with ensure_ascii=False).
ESCAPED_STRINGS = ('"\\ud800"', '"a\\udfffb"', '"\\ud83d\\ude00"', '"\\u0000"', '"\\/"', '"\\u00e9"')
NAMES = (
    "a",
    "b",
    "Z",
    "order_id",
    "_x",
    "_pipeline",
    "_pipelinex",
    "é",
    "名前",
    "\U0001f600",
    "",
    "a b",
    "with:colon",
    "x" * 70,
    'quote"name',
    "del\x7f",
    "ctl\x02",
)


# Values DynamoDB or SQS refuse (or that are refused names) are rarer, so most records stay valid.
_HOSTILE = 0.02
_BAD_NUMBERS = frozenset(
    (
        "0E-131",
        "1E-131",
        "1E+126",
        "-1E+126",
        "123456789012345678901234567890123456789",
        "100000000000000000000000000000000000000",
        "1234567890123456789012345678901234567890",
        "12345678901234567890123456789012345678901",
        "0.123456789012345678901234567890123456789",
        "1e400",
        "1e-400",
        "1e99999999999999999999",
        "-1e99999999999999999999",
        "5e-324",
        "1.7976931348623157e308",
    )
)
_GOOD_NUMBERS = tuple(number for number in NUMBERS if number not in _BAD_NUMBERS)
_BAD_STRINGS = frozenset(("nul\x00", "ctrl\x01\x1f", "bs\b ff\f", "\ufffe", "\uffff"))
_GOOD_STRINGS = tuple(text for text in STRINGS if text not in _BAD_STRINGS)
_GOOD_NAMES = tuple(name for name in NAMES if name not in ("", "_pipeline", "_pipelinex", "ctl\x02"))


def _number(rng: random.Random) -> str:
    return rng.choice(NUMBERS if rng.random() < _HOSTILE else _GOOD_NUMBERS)


def _string(rng: random.Random) -> str:
    if rng.random() < _HOSTILE:
        return rng.choice(ESCAPED_STRINGS)
    return json.dumps(
        rng.choice(STRINGS if rng.random() < _HOSTILE else _GOOD_STRINGS), ensure_ascii=rng.random() < 0.5
    )


def _name(rng: random.Random) -> str:
    return json.dumps(
        rng.choice(NAMES if rng.random() < _HOSTILE else _GOOD_NAMES), ensure_ascii=rng.random() < 0.5
    )


def value(rng: random.Random, depth: int) -> str:
    """A JSON value's text; containers nest up to `depth` more levels."""
    roll = rng.random()
    if depth > 0 and roll < 0.15:
        return "[" + ",".join(value(rng, depth - 1) for _ in range(rng.randint(0, 4))) + "]"
    if depth > 0 and roll < 0.3:
        members = {}
        for _ in range(rng.randint(0, 4)):
            members[_name(rng)] = value(rng, depth - 1)
        return "{" + ",".join(f"{name}:{text}" for name, text in members.items()) + "}"
    if roll < 0.55:
        return _number(rng)
    if roll < 0.9:
        return _string(rng)
    return rng.choice(("true", "false", "null"))


def nested(levels: int, leaf: str = "1") -> str:
    """Objects and lists nested `levels` deep (a container at every level)."""
    text = leaf
    for level in range(levels):
        text = f'{{"k":{text}}}' if level % 2 else f"[{text}]"
    return text


def record(rng: random.Random, index: int) -> str:
    """One record (a line of JSON Lines): mostly a plausible order with edge values mixed in."""
    order_id = json.dumps(
        rng.choice((f"ord-{index}", f"ördér-{index}", f"id\uffff{index}", f"😀{index}", f"o{index}"))
    )
    members = [
        f'"order-info":{{"order_id":{order_id},"price":{_number(rng)},"x":{value(rng, 3)}}}',
        f'"contact-info":{{"name":{_string(rng)},"v":{value(rng, 3)}}}',
    ]
    for _ in range(rng.randint(0, 4)):
        members.append(f"{_name(rng)}:{value(rng, 3)}")
    roll = rng.random()
    if roll < 0.05:
        members.append(f'"deep":{nested(rng.randint(29, 33))}')
    elif roll < 0.08:
        members.append(f'"order_id":{order_id if rng.random() < 0.7 else json.dumps("other")}')
    elif roll < 0.1:
        members.append(f"{json.dumps('n' * rng.choice((16383, 16384, 65535, 65536)))}:1")
    elif roll < 0.12:
        members.append(f"{json.dumps('é' * rng.choice((32767, 32768)))}:1")
    elif roll < 0.14:
        members.append(f'"big":"{"x" * rng.choice((100_000, 190_000, 420_000))}"')
    rng.shuffle(members)
    return "{" + ",".join(members) + "}"


def lines(count: int, seed: int) -> str:
    """`count` records as JSON Lines."""
    rng = random.Random(seed)
    return "\n".join(record(rng, index) for index in range(count)) + "\n"
