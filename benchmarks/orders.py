"""Seeded order files for the benchmarks: realistic orders shaped like examples/sample-order.json.

Every `invalid_every`-th record (10 % by default) fails one of the record checks the validator makes
(missing contact-info, missing order id, order-info not an object, not an object), cycling through
them, so every contender sees the same mix. Both forms hold exactly the same records: JSON Lines
(one record per line) and a JSON array (one element per line). Numbers are written as exact decimal
text (prices like 1299.99), non-ASCII names appear, no record is malformed JSON (an array with a
syntax error is a whole-file rejection, which would leave nothing to measure).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

PROFILES = ("realistic", "sample", "flat")
FORMS = {"jsonl": ".jsonl", "array": ".json"}
INVALID_KINDS = ("missing_contact_info", "missing_order_id", "missing_order_info", "not_an_object")
# The flat profile's invalid records are of five kinds (an empty order id besides the four).
FLAT_INVALID_KINDS = (*INVALID_KINDS, "empty_order_id")
_TAGS = ("electronics", "sale", "eu", "b2b", "gift", "refurbished", "bundle")

_ITEMS = (
    ("Laptop", "1299.99"),
    ("Monitor", "249.50"),
    ("Keyboard", "49.00"),
    ("Mouse", "19.99"),
    ("Dock", "189.00"),
    ("Headset", "79.95"),
    ("Webcam", "64.10"),
    ("Cable", "9.90"),
)
_NAMES = ("John Doe", "Zoë Martin", "山田 太郎", "Ana Núñez", "Søren Kierkegaard", "Amélie Poulain")
_CITIES = (
    ("Seattle", "WA", "98101"),
    ("München", "BY", "80331"),
    ("Lyon", "ARA", "69002"),
    ("Austin", "TX", "73301"),
    ("大阪", "27", "530-0001"),
)


class _Raw(str):
    """A number written as its exact decimal text (json.dumps would turn a float into binary)."""


def _money(rng: random.Random, base: str) -> _Raw:
    cents = int(base.replace(".", "")) + rng.randrange(0, 500)
    return _Raw(f"{cents // 100}.{cents % 100:02d}")


def realistic_order(rng: random.Random, order_id: str) -> dict[str, Any]:
    """An order of ~400-550 bytes: lines with prices, a shipping address, contact details."""
    lines = []
    for position in range(rng.randint(1, 3)):
        name, price = _ITEMS[rng.randrange(len(_ITEMS))]
        lines.append(
            {
                "line": position + 1,
                "sku": f"SKU-{rng.randrange(10**6):06d}",
                "item": name,
                "quantity": rng.randint(1, 5),
                "unit_price": _money(rng, price),
            }
        )
    city, region, postcode = _CITIES[rng.randrange(len(_CITIES))]
    name = _NAMES[rng.randrange(len(_NAMES))]
    return {
        "order-info": {
            "order_id": order_id,
            "item": lines[0]["item"],
            "quantity": sum(line["quantity"] for line in lines),
            "currency": "USD",
            "ordered_at": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
            f"{rng.randint(0, 59):02d}:00Z",
            "lines": lines,
            "gift": rng.random() < 0.1,
        },
        "contact-info": {
            "name": name,
            "email": f"customer{rng.randrange(10**7)}@example.com",
            "phone": f"+1-555-{rng.randrange(10**4):04d}",
            "address": {
                "street": f"{rng.randint(1, 999)} Main St",
                "city": city,
                "region": region,
                "postcode": postcode,
                "country": "US",
            },
        },
    }


def sample_order(rng: random.Random, order_id: str) -> dict[str, Any]:
    """examples/sample-order.json's fields (plus a price): ~160 bytes."""
    name, price = _ITEMS[rng.randrange(len(_ITEMS))]
    return {
        "order-info": {
            "order_id": order_id,
            "item": name,
            "quantity": rng.randint(1, 5),
            "price": _money(rng, price),
        },
        "contact-info": {"name": _NAMES[rng.randrange(len(_NAMES))], "email": "johndoe@example.com"},
    }


def flat_order(rng: random.Random, order_id: str) -> dict[str, Any]:
    """A flat order of ~350 bytes: scalar fields with floats (some in exponent form), booleans, nulls
    and a list of tags; the shape where converting values to DynamoDB JSON is most of the work."""
    name, price = _ITEMS[rng.randrange(len(_ITEMS))]
    return {
        "order-info": {
            "order_id": order_id,
            "sku": f"SKU-{rng.randrange(10**6):06d}",
            "item": name,
            "quantity": rng.randint(1, 9),
            "unit_price": _money(rng, price),
            "discount": _Raw(f"0.{rng.randrange(100):02d}"),
            "weight_kg": _Raw(f"{rng.randrange(1, 20000) / 1000}"),
            "score": _Raw(f"{rng.randrange(1, 999)}e-3"),
            "in_stock": rng.random() < 0.8,
            "gift": rng.random() < 0.1,
            "coupon": None if rng.random() < 0.7 else f"C{rng.randrange(10**4):04d}",
            "tags": [_TAGS[rng.randrange(len(_TAGS))] for _ in range(rng.randint(0, 4))],
        },
        "contact-info": {
            "email": f"customer{rng.randrange(10**7)}@example.com",
            "vip": rng.random() < 0.05,
            "phone": None,
        },
    }


def spoil(record: dict[str, Any], kind: str) -> Any:
    """The record made invalid in one way the validator checks (kind from INVALID_KINDS)."""
    if kind == "missing_contact_info":
        return {"order-info": record["order-info"]}
    if kind == "missing_order_id":
        return {**record, "order-info": {k: v for k, v in record["order-info"].items() if k != "order_id"}}
    if kind == "missing_order_info":
        return {**record, "order-info": "see attachment"}
    if kind == "empty_order_id":
        return {**record, "order-info": {**record["order-info"], "order_id": ""}}
    return [record["order-info"]["order_id"]]


def records(
    count: int, *, seed: int = 7, invalid_every: int = 10, profile: str = "realistic", prefix: str = "ord"
) -> Iterator[Any]:
    """`count` records, reproducible from `seed`; every `invalid_every`-th one invalid (0: none)."""
    rng = random.Random(seed)
    make = {"realistic": realistic_order, "sample": sample_order, "flat": flat_order}[profile]
    kinds = FLAT_INVALID_KINDS if profile == "flat" else INVALID_KINDS
    invalid = 0
    for index in range(count):
        record = make(rng, f"{prefix}-{index:08d}")
        if invalid_every and index % invalid_every == invalid_every - 1:
            yield spoil(record, kinds[invalid % len(kinds)])
            invalid += 1
        else:
            yield record


def invalid_count(count: int, invalid_every: int = 10) -> int:
    return count // invalid_every if invalid_every else 0


def encode(record: Any) -> str:
    """Compact-ish JSON text with _Raw numbers written verbatim and non-ASCII kept as UTF-8."""
    if isinstance(record, _Raw):
        return str(record)
    if isinstance(record, dict):
        return (
            "{"
            + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {encode(v)}" for k, v in record.items())
            + "}"
        )
    if isinstance(record, list):
        return "[" + ", ".join(encode(v) for v in record) + "]"
    return json.dumps(record, ensure_ascii=False)


@dataclass(frozen=True)
class FileStats:
    path: Path
    form: str
    records: int
    invalid: int
    bytes: int


def write(out: TextIO, form: str, items: Iterator[Any]) -> None:
    """Stream records into `out` as JSON Lines or as a JSON array with one element per line."""
    if form == "jsonl":
        for record in items:
            out.write(encode(record) + "\n")
        return
    out.write("[\n")
    first = True
    for record in items:
        out.write(("" if first else ",\n") + encode(record))
        first = False
    out.write("\n]\n")


def write_file(
    directory: Path,
    form: str,
    count: int,
    *,
    seed: int = 7,
    invalid_every: int = 10,
    profile: str = "realistic",
) -> FileStats:
    path = directory / f"orders-{profile}-{count}-{seed}{FORMS[form]}"
    with path.open("w", encoding="utf-8", newline="\n") as out:
        write(out, form, records(count, seed=seed, invalid_every=invalid_every, profile=profile))
    return FileStats(path, form, count, invalid_count(count, invalid_every), path.stat().st_size)


def body(count: int, *, form: str = "jsonl", **options: Any) -> bytes:
    """The whole file in memory (small files: the emulator run, tests)."""
    text = [encode(record) for record in records(count, **options)]
    if form == "jsonl":
        return "".join(line + "\n" for line in text).encode("utf-8")
    return ("[\n" + ",\n".join(text) + "\n]\n").encode("utf-8")
