"""Split vs unsplit: the same bytes give the same outcome cut into byte ranges or not.

Failure classes: a record read by two ranges or by none; a global index or line number off by the
blank lines, CRLF, BOM or a line longer than a range; a whole-file problem (too_many_rejections,
not_utf8, element_too_large, empty_file) decided differently when the file is split. Each test runs
the counting pass, the validating pass and the combining step of handlers/flows/ranges.py on in-memory
sinks and compares entries (status, index, line, order_id, hash, item, review: reason, index, line,
message; claim-checked bodies by their bytes), counts and the file rejection with an unsplit run.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import random
from typing import Any

import pytest
from edgecorpus import lines as edge_lines
from handlers_testkit import FIXTURE_FILES, MemoryClaims, MemoryManifest, source_for

from handlers.core.pipeline import process_file
from handlers.flows.ranges import (
    RangeCountMismatch,
    combine,
    count_range,
    join_manifests,
    plan,
    read_from,
    validate_range,
)
from handlers.seams.errors import FileRejected
from tests.builders import order_text, valid_order

KEY = "split.jsonl"


def _chunks(data: bytes, start: int, size: int) -> Any:
    """The body of a ranged GET from `start`, delivered `size` bytes a read."""
    body = io.BytesIO(data)
    body.seek(start)
    while chunk := body.read(size):
        yield chunk


def _claimed(value: Any, claims: MemoryClaims) -> Any:
    """`value` with every claim-check pointer replaced by the bytes it names (pack keys differ)."""
    if isinstance(value, dict):
        if set(value) == {"bucket", "key", "version_id", "offset", "length"}:
            return ("claimed", claims.read(value))
        return {k: _claimed(v, claims) for k, v in value.items()}
    if isinstance(value, list):
        return [_claimed(v, claims) for v in value]
    return value


def _entries(batches: list[dict[str, Any]], claims: MemoryClaims) -> list[Any]:
    return [_claimed(entry, claims) for batch in batches for entry in batch["records"]]


def _rejection(error: FileRejected) -> tuple[Any, ...]:
    return (error.reason, error.message, error.rejections, error.position)


def unsplit(data: bytes, *, key: str = KEY, max_rejected: int = 1000) -> tuple[Any, ...]:
    """The outcome of one uninterrupted read of `data` (the reference the split and the continued
    reads must equal)."""
    manifest, claims = MemoryManifest(), MemoryClaims()
    try:
        summary = process_file(
            io.BytesIO(data),
            source=source_for(key),
            manifest=manifest,
            claims=claims,
            max_rejected=max_rejected,
        )
    except FileRejected as rejected:
        return ("rejected", _rejection(rejected))
    assert manifest.committed is not None
    batches = json.loads(manifest.committed)
    counts = (summary.records, summary.valid, summary.large, summary.invalid)
    return (
        "accepted",
        counts,
        summary.rejected_by_reason,
        summary.rejected_by_rule,
        _entries(batches, claims),
    )


def split(
    data: bytes, ranges: list[dict[str, int]], *, max_rejected: int = 1000, read_bytes: int = 7
) -> tuple[Any, ...]:
    """The counting pass, the validating pass (one shared claim store: pack keys are per range) and
    the combining step, as the state machine runs them."""
    counts = [
        count_range(_chunks(data, read_from(r["start"]), read_bytes), start=r["start"], end=r["end"])
        for r in ranges
    ]
    claims = MemoryClaims()
    manifests, parts = [], []
    for r in ranges:
        manifest = MemoryManifest()
        parts.append(
            validate_range(
                _chunks(data, read_from(r["start"]), read_bytes),
                number=r["range"],
                start=r["start"],
                end=r["end"],
                counts=counts,
                source=source_for(KEY),
                manifest=manifest,
                claims=claims,
                max_rejected=max_rejected,
            )
        )
        manifests.append(manifest)
    try:
        summary = combine(parts, max_rejected=max_rejected)
    except FileRejected as rejected:
        return ("rejected", _rejection(rejected))
    joined = MemoryManifest()
    join_manifests(
        (
            iter([m.committed[i : i + 5] for i in range(0, len(m.committed or b""), 5)])
            for m, p in zip(manifests, parts, strict=True)
            if p["batches"]
        ),
        joined,
    )
    batches = json.loads(bytes(joined.buffer))
    assert summary.batches == len(batches)
    numbers = [batch["batch"] for batch in batches]
    assert len(set(numbers)) == len(numbers), "batch numbers repeat across ranges"
    counted = (summary.records, summary.valid, summary.large, summary.invalid)
    return (
        "accepted",
        counted,
        summary.rejected_by_reason,
        summary.rejected_by_rule,
        _entries(batches, claims),
    )


def _fixture_texts() -> list[tuple[str, bytes]]:
    found = []
    for path in sorted(FIXTURE_FILES.iterdir()):
        data = path.read_bytes()
        if path.name.endswith(".gz"):
            with contextlib.suppress(Exception):  # corrupt or truncated on purpose: its bytes as they are
                data = gzip.decompress(data)
        found.append((path.name, data))
    return found


# A fixture that is never split is left out: an empty object is under any threshold, and gzip bytes
# (a corrupt or truncated gzip fixture) are read whole.
_SPLITTABLE = [(n, d) for n, d in _fixture_texts() if d and not d.startswith(b"\x1f\x8b")]


@pytest.mark.parametrize(("name", "data"), _SPLITTABLE, ids=[n for n, _ in _SPLITTABLE])
@pytest.mark.parametrize("range_bytes", [1, 16, 251])
def test_every_fixture_read_as_json_lines_gives_the_same_outcome_split(
    name: str, data: bytes, range_bytes: int
) -> None:
    """Every fixture (decompressed), read as JSON Lines, split into ranges of 1 .. 251 bytes."""
    # GIVEN the fixture's bytes and its ranges
    ranges = plan(len(data), range_bytes=range_bytes, max_ranges=200)
    assert ranges
    # WHEN validated unsplit and split THEN the outcomes are identical
    assert split(data, ranges) == unsplit(data)


SMALL = (
    "\ufeff"
    + order_text(valid_order("a-1"))
    + "\r\n\r\n  \t\n"
    + '{"broken": \n'
    + order_text(valid_order("a-2"))
    + "\r\n"
    + "   "
    + order_text(valid_order("a-1"))
    + "\n\n"
    + order_text(valid_order("a-3", quantity=-1))
).encode()


@pytest.mark.parametrize("max_rejected", [0, 1, 1000])
def test_a_range_boundary_at_every_byte_position_of_a_small_file(max_rejected: int) -> None:
    """BOM, CRLF, blank and whitespace-only lines, a broken line, a duplicate, an invalid record, no
    final newline: two ranges cut at every byte position, and three ranges at every pair of cuts."""
    expected = unsplit(SMALL, max_rejected=max_rejected)
    size = len(SMALL)
    for cut in range(1, size):
        ranges = [{"range": 0, "start": 0, "end": cut}, {"range": 1, "start": cut, "end": size}]
        assert split(SMALL, ranges, max_rejected=max_rejected) == expected, cut
    for first in range(1, size, 13):
        for second in range(first + 1, size, 17):
            ranges = [
                {"range": 0, "start": 0, "end": first},
                {"range": 1, "start": first, "end": second},
                {"range": 2, "start": second, "end": size},
            ]
            assert split(SMALL, ranges, max_rejected=max_rejected) == expected, (first, second)


def test_a_line_longer_than_a_range_is_read_once_by_the_range_it_starts_in() -> None:
    """A 5,000-byte record across many 100-byte ranges: one record, read by one range."""
    record = valid_order("long-1")
    record["padding_note"] = "x" * 5000
    data = (
        order_text(valid_order("s-1")) + "\n" + json.dumps(record) + "\n" + order_text(valid_order("s-2"))
    ).encode()
    ranges = plan(len(data), range_bytes=100, max_ranges=10**6)
    assert len(ranges) > 50
    assert split(data, ranges) == unsplit(data)


def _random_file(rng: random.Random) -> bytes:
    """Records (valid, invalid, broken, hostile edge records), blank lines, CRLF, whitespace, a BOM."""
    parts = ["\ufeff"] if rng.random() < 0.2 else []
    edges = edge_lines(rng.randint(1, 8), rng.randint(0, 10**6)).splitlines()
    for number in range(rng.randint(1, 25)):
        roll = rng.random()
        if roll < 0.5:
            text = order_text(valid_order(f"r-{number}"))
        elif roll < 0.6:
            text = order_text(valid_order(f"r-{number}", quantity=0))
        elif roll < 0.7:
            text = '{"half": ['
        elif roll < 0.75:
            text = "é" * rng.randint(1, 3)
        else:
            text = rng.choice(edges)
        parts.append(rng.choice(["", " ", "\t"]) + text + rng.choice(["\n", "\r\n", "\n\n", " \n", "\n\r\n"]))
    if rng.random() < 0.5:
        parts[-1] = parts[-1].rstrip("\r\n")
    return "".join(parts).encode()


@pytest.mark.parametrize("seed", range(40))
def test_seeded_files_give_the_same_outcome_split_at_random_widths(seed: int) -> None:
    """Seeded, bounded: 40 files of up to 25 records (the hostile edge corpus among them), each cut
    at three random range widths, with a random MaxRejectedRecords."""
    rng = random.Random(seed)
    data = _random_file(rng)
    max_rejected = rng.choice([0, 2, 5, 1000])
    expected = unsplit(data, max_rejected=max_rejected)
    for width in (rng.randint(1, 40), rng.randint(40, 400), rng.randint(400, 4000)):
        # At most 200 ranges, read 16-4096 bytes at a time (a range inside a 400 kB edge record reads
        # to its end: bounded here by the test's time, on AWS by the element limit).
        ranges = plan(len(data), range_bytes=width, max_ranges=200)
        assert split(data, ranges, max_rejected=max_rejected, read_bytes=rng.randint(16, 4096)) == expected, (
            width
        )


def test_invalid_utf8_in_a_later_range_rejects_the_file_at_its_byte_offset() -> None:
    """not_utf8 is found by the range that owns it, at the file's byte offset, not the range's."""
    data = (order_text(valid_order("u-1")) + "\n").encode() * 20 + b'{"bad": "\xff"}\n'
    expected = unsplit(data)
    assert expected[0] == "rejected" and expected[1][0] == "not_utf8"
    assert split(data, plan(len(data), range_bytes=97, max_ranges=10**6)) == expected


def test_a_count_that_disagrees_with_the_validating_pass_fails_the_file() -> None:
    """A record read by two ranges or by none is an error, never a stored file."""
    data = (order_text(valid_order("c-1")) + "\n" + order_text(valid_order("c-2")) + "\n").encode()
    with pytest.raises(RangeCountMismatch):
        validate_range(
            iter([data]),
            number=0,
            start=0,
            end=len(data),
            counts=[{"records": 1, "newlines": 2}],
            source=source_for(KEY),
            manifest=MemoryManifest(),
            claims=MemoryClaims(),
            max_rejected=10,
        )


def test_a_conflict_across_ranges_is_left_to_dynamodb() -> None:
    """The documented difference (handlers/flows/ranges.py): an order_id with two contents in two ranges is
    not an in-file conflict for the validator (both valid); in one range it is."""
    first = order_text(valid_order("k-1")) + "\n"
    second = order_text(valid_order("k-1", quantity=7)) + "\n"
    data = (first + second).encode()
    whole = unsplit(data)
    apart = split(
        data,
        [{"range": 0, "start": 0, "end": len(first)}, {"range": 1, "start": len(first), "end": len(data)}],
    )
    assert [e.get("review", {}).get("reason") for e in whole[4]] == [None, "conflict"]
    assert [e["status"] for e in apart[4]] == ["valid", "valid"]


def _skipped_to(pieces: Any, offset: int) -> Any:
    """Generated pieces from byte `offset` on (a ranged GET of a generated file), nothing kept."""
    seen = 0
    for piece in pieces:
        if seen + len(piece) > offset:
            yield piece[max(offset - seen, 0) :]
        seen += len(piece)


@pytest.mark.parametrize("validating", [False, True])
def test_a_range_streams_in_bounded_memory(validating: bool) -> None:
    """Memory per invocation stays bounded per range: counting the middle third of a
    generated file peaks the same at 2,000 and 20,000 records; validating it peaks as an unsplit file of
    as many records (what test_handlers_million.py bounds: no growth past the first half)."""
    import tracemalloc

    from benchmarks.bodies import CountingSink
    from benchmarks.bodies import json_lines as generated_lines

    def traced_peak(count: int) -> float:
        size = sum(len(piece) for piece in generated_lines(count))
        start, end = size // 3, 2 * size // 3
        counts = [{"records": 0, "newlines": 0}, {"records": 0, "newlines": 0}]
        sink = CountingSink()
        tracemalloc.start()
        try:
            raw = _skipped_to(generated_lines(count), read_from(start))
            if validating:
                found = count_range(
                    _skipped_to(generated_lines(count), read_from(start)), start=start, end=end
                )
                counts[1] = found
                part = validate_range(
                    raw,
                    number=1,
                    start=start,
                    end=end,
                    counts=counts,
                    source=source_for(KEY),
                    manifest=sink,
                    claims=sink,
                    max_rejected=10,
                )
                assert part["records"] == part["valid"] == found["records"] and sink.committed
            else:
                found = count_range(raw, start=start, end=end)
                assert abs(found["records"] - count / 3) < count / 50
            peak = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
        return peak

    def whole_peak(count: int) -> float:
        """An unsplit file of `count` records: what the million-record tests bound today."""
        from benchmarks.bodies import GeneratedBody

        sink = CountingSink()
        tracemalloc.start()
        try:
            process_file(
                GeneratedBody(generated_lines(count)), source=source_for(KEY), manifest=sink, claims=sink
            )
            return tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()

    small, large = traced_peak(2_000), traced_peak(20_000)
    if validating:
        # A range of ~6,667 records peaks as an unsplit file of as many records (25 % slack).
        assert large < whole_peak(20_000 // 3) * 1.25, (large, whole_peak(20_000 // 3))
    else:
        # The counting pass keeps nothing per record: ten times the records, the same peak.
        assert large < small * 1.25 + 0.1, (small, large)
