"""Memory is bounded for any record within the per-file limits, decided before it is spent.

The measurements run in fresh interpreters (benchmarks/membound.py: peak RSS is that run's own). Before
handlers/core/parsecost.py one JSON Lines record of 63 MiB of `[],` peaked at 5,016 MB, of DEL at 1,156 MB,
of emoji at 841 MB (the issue's figures, 16 MiB of `[],`: 1,271 MB).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from handlers_testkit import run_bytes

from benchmarks.membound import BOUND_MB, SHAPES, gzipped, measure, measure_file, shape_body
from handlers.core import parsecost, textbuffer
from handlers.core.parsecost import size_exceeds, structure_count, structure_cut

SEED = 2020_0420


@pytest.mark.parametrize("shape", ["containers", "del", "emoji", "mixed"])
def test_the_issue_shapes_stay_under_the_bound(shape):
    """F2 (fails before this change: 5,016 / 1,156 / 841 / 527 MB peaks): one 63 MiB JSON Lines record."""
    # GIVEN one JSON Lines record of 63 MiB of `[],`, DEL, emoji, or ASCII ending in an emoji (~64 KB gzip)
    # WHEN the core validates it in a fresh interpreter with discarding sinks
    measured = measure(shape)
    # THEN the file is element_too_large (over the 32 MiB value limit), decided before the memory is spent
    assert measured["outcome"] == "element_too_large", measured
    # AND the process's peak stays under the bound
    assert float(measured["peak_mb"]) < BOUND_MB, measured


@pytest.mark.parametrize("shape", ["containers", "del", "emoji"])
def test_under_the_value_limit_they_are_one_too_large_record(shape):
    """F2: the same shapes at 31 MiB (within the value limit): one too_large record, under the bound."""
    measured = measure(shape, 31 * 1024 * 1024)
    assert measured["outcome"] == "records: valid 0 large 0 invalid 1 ['too_large']", measured
    assert float(measured["peak_mb"]) < BOUND_MB, measured


# Each shape's gzip is made once per size and read by both forms' fresh runs (the same bytes: making
# them took 8 s for `members` at 63 MiB, the parse 5 s).
_MADE: dict[tuple[str, int], Path] = {}


@pytest.fixture(scope="module")
def made_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("membound")


def measure_made(directory: Path, shape: str, size: int, suffix: str) -> dict[str, object]:
    """One shape's gzip through the core in a fresh interpreter: its outcome and peak RSS (MB)."""
    path = _MADE.get((shape, size))
    if path is None or not path.is_file():
        path = _MADE[(shape, size)] = directory / f"{shape}-{size}.gz"
        path.write_bytes(gzipped(shape_body(shape, size)))
    return measure_file(path, suffix)


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".jsonl.gz", ".json.gz"])
@pytest.mark.parametrize("size", [31 * 1024 * 1024, 63 * 1024 * 1024])
@pytest.mark.parametrize("shape", [*sorted(SHAPES), "generated-0", "generated-1", "generated-2"])
def test_every_hostile_shape_stays_under_the_bound_in_both_forms(made_dir, shape, size, suffix):
    """F2: every shape of benchmarks/membound.py and seeded generated ones, as a line and as one object,
    just within and far beyond the value limit."""
    measured = measure_made(made_dir, shape, size, suffix)
    assert float(measured["peak_mb"]) < BOUND_MB, measured


def test_structure_cut_is_just_after_the_first_character_past_the_maximum(monkeypatch):
    """F2: the cut is exact (the outcome cannot depend on where chunks end)."""
    monkeypatch.setattr(parsecost, "STRUCTURE_MAX", 5)
    rng = random.Random(SEED)
    for _ in range(300):
        text = "".join(rng.choice('[]{},:"a1 ') for _ in range(rng.randrange(0, 40)))
        start = rng.randrange(0, len(text) + 1)
        positions = [i for i in range(start, len(text)) if text[i] in "[{,:"]
        expected = None if len(positions) <= 5 else positions[5] + 1
        assert structure_cut(text, start) == expected
        assert structure_count(text, start) == len(positions)


def test_size_exceeds_is_a_lower_bound_of_the_item_size():
    """F2: the early too_large never refuses a record whose item fits (a lower bound of convert's size)."""
    from handlers.core.dynamojson import convert_record

    rng = random.Random(SEED)

    def value(depth: int):
        kind = rng.randrange(6 if depth < 4 else 3)
        if kind == 0:
            return "x" * rng.randrange(0, 50) + rng.choice(["", "é", "\U0001f600", "\x7f"])
        if kind == 1:
            return rng.choice([0, 7, 12345678901234567890, None, True])
        if kind == 2:
            return rng.choice(["", "a"])
        if kind == 3:
            return [value(depth + 1) for _ in range(rng.randrange(0, 6))]
        return {f"k{i}": value(depth + 1) for i in range(rng.randrange(0, 6))}

    for _ in range(500):
        record = {f"m{i}": value(1) for i in range(rng.randrange(1, 6))}
        size = convert_record(record).size
        for limit in (size - 1, size, size + 1):
            if size_exceeds(record, limit):
                assert size > limit, (record, limit)


def _array_file(elements: list[str]) -> bytes:
    return ("[" + ",".join(elements) + "]").encode()


@pytest.mark.parametrize("chunk_bytes", [7, 64, 1024, None])
def test_too_many_values_is_decided_by_the_value_alone_at_every_chunk_size(monkeypatch, chunk_bytes):
    """F2 differential (seeded): an array element with more than STRUCTURE_MAX of `[ { , :` is
    element_too_large, one with that many or fewer is read, whatever the chunk size and the
    elements around it (the guard counts with a threshold of 0 characters here)."""
    monkeypatch.setattr(parsecost, "STRUCTURE_MAX", 40)
    monkeypatch.setattr(textbuffer, "LARGE_TEXT_CHARS", 0)
    rng = random.Random(SEED + (chunk_bytes or 0))
    for _ in range(60):
        elements = []
        for i in range(rng.randrange(1, 6)):
            width = rng.randrange(0, 25)
            record = {
                "order-info": {"order_id": f"o{i}"},
                "contact-info": {},
                "a": [[] for _ in range(width)],
            }
            elements.append(json.dumps(record, separators=(",", ":")) + " " * rng.randrange(0, 3))
        counts = [structure_count(text) for text in elements]
        options = {} if chunk_bytes is None else {"chunk_bytes": chunk_bytes}
        outcome = run_bytes(_array_file(elements), "f.json", **options)
        if max(counts) > 40:
            assert outcome.rejection is not None and outcome.rejection.reason == "element_too_large", counts
        else:
            assert outcome.rejection is None, (counts, outcome.rejection)
            assert outcome.summary is not None and outcome.summary.records == len(elements)


def test_a_json_lines_line_with_too_many_values_is_one_too_large_record(monkeypatch):
    """F2: a line is judged unparsed; the lines around it are unaffected."""
    monkeypatch.setattr(parsecost, "STRUCTURE_MAX", 40)
    monkeypatch.setattr(parsecost, "LARGE_TEXT_CHARS", 0)
    small = json.dumps({"order-info": {"order_id": "a"}, "contact-info": {}})
    wide = json.dumps({"order-info": {"order_id": "b"}, "contact-info": {}, "a": [[]] * 50})
    other = json.dumps({"order-info": {"order_id": "c"}, "contact-info": {}})
    outcome = run_bytes(f"{small}\n{wide}\n{other}\n".encode(), "f.jsonl")
    assert outcome.outcomes() == ["valid", "too_large", "valid"]
    review = outcome.entries[1]["review"]
    assert (
        review["reason"] == "too_large" and review["record_pointer"] is not None and review["record"] is None
    )
