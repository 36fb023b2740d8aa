"""A member name given twice rejects the record (`duplicate_member`), never stored last-wins."""

from __future__ import annotations

import json
import random

import pytest

from handlers.core import members
from handlers.core.classify import Valid, classify
from handlers.core.textbuffer import raw_decode
from tests.builders import order_text, valid_order

SEED = 2020_1010
_NAMES = ["a", "b", "a:b", "t", "\\u003a", "k\\u003Ax", ":"]
_STRINGS = ['"x"', '"12:30"', '"\\u003a"', '""', '"a\\"b:"', '":::"']


def _value(rng: random.Random, depth: int) -> str:
    kind = rng.randrange(5 if depth < 3 else 2)
    if kind == 0:
        return rng.choice(_STRINGS)
    if kind == 1:
        return rng.choice(["1", "2.5", "null", "true"])
    if kind == 2:
        return "[" + ",".join(_value(rng, depth + 1) for _ in range(rng.randrange(0, 3))) + "]"
    return _object(rng, depth + 1)


def _object(rng: random.Random, depth: int) -> str:
    names = [rng.choice(_NAMES) for _ in range(rng.randrange(0, 4))]
    return "{" + ",".join(f'"{name}":{_value(rng, depth)}' for name in names) + "}"


def _exact(text: str) -> bool:
    """The oracle: a parse that sees every pair."""
    found = False

    def hook(pairs: list) -> dict:
        nonlocal found
        found = found or len({name for name, _ in pairs}) != len(pairs)
        return dict(pairs)

    json.loads(text, object_pairs_hook=hook)
    return found


def test_the_colon_count_agrees_with_a_parse_that_sees_every_pair():
    """F10 differential (seeded): the nearly free count against the exact hook parse, on records with
    colons in names and strings, escaped colons, nesting and repeated names."""
    rng = random.Random(SEED)
    for _ in range(3000):
        inner = _object(rng, 1)
        text = f' {{"order-info":{{"order_id":"o"}},"contact-info":{{}},"x":{inner}}} '
        result = classify(
            raw_decode(text.strip())[0],
            source={"bucket": "b", "key": "k", "version_id": None, "etag": "e"},
            index=0,
        )
        if not isinstance(result, Valid):
            continue
        start, end = 1, len(text) - 1
        assert members.repeats_a_name(text, start, end, result.canonical_colons) == _exact(text), text
        assert members.repeats_a_name(text, start, end, None) == _exact(text), text


@pytest.mark.parametrize("form", ["lines", "array"])
def test_a_record_naming_a_member_twice_is_duplicate_member_the_rest_unaffected(run_data, form):
    """F10 (fails before this change: the record was valid and stored with the last "name" only, while
    its review text would have shown both)."""
    # GIVEN a record whose contact-info names "name" twice, between two valid records
    duplicate = '{"order-info": {"order_id": "d"}, "contact-info": {"name": "A", "name": "B"}}'
    rows = [order_text(valid_order("a")), duplicate, order_text(valid_order("b"))]
    data = "\n".join(rows) if form == "lines" else "[" + ",".join(rows) + "]"
    # WHEN validated
    outcome = run_data(data.encode(), "f.jsonl" if form == "lines" else "f.json")
    # THEN it alone is rejected as duplicate_member, with its order_id
    assert outcome.outcomes() == ["valid", "duplicate_member", "valid"]
    assert outcome.entries[1]["review"]["order_id"] == "d"


def test_a_replay_envelope_naming_a_member_twice_is_duplicate_member(run_data):
    """F10: the envelope is checked too (its origin could otherwise be given twice)."""
    record = valid_order("r")
    origin = '{"bucket": "uploads", "key": "k", "version_id": null, "record_index": 1, "record_index": 2}'
    line = '{"_pipeline_replay": ' + origin + ', "record": ' + json.dumps(record) + "}\n"
    outcome = run_data(line.encode(), "replay/x.jsonl")
    assert outcome.outcomes() == ["duplicate_member"]
