"""Continued vs unbroken: a file validated in turns gives the unsplit run's outcome.

Failure classes: a record read by two turns or by none at a checkpoint; an index, a line number or a
rejection position off after a resume (arrays, `orders` wrappers, gzip, JSON Lines, BOM, CRLF); a
whole-file problem after the boundary (truncated, not_json, not_utf8, corrupt_gzip, extra data,
too_many_rejections) decided differently; a turn that stops where it cannot resume; a checkpoint
from the state data trusted without its types and bounds checked. Each test runs the turns of
handlers/core/pipeline.py (Turn) and the combining step of handlers/flows/ranges.py on in-memory sinks, each
checkpoint round-tripped through JSON and handlers/flows/turns.py read_checkpoint as the state machine
passes it, and compares entries (status, index, line, order_id, hash, item, review: reason, index,
line, message; claim-checked bodies by their bytes), counts and the file rejection with an unsplit run.
Fails before this change: process_file had no `turn` (a file either finished or raised).
"""

from __future__ import annotations

import contextlib
import io
import json
import random
from typing import Any

import pytest
from handlers_testkit import FIXTURE_FILES, MemoryClaims, MemoryManifest, source_for
from test_handlers_ranges import _entries, _rejection, unsplit

from handlers.core.pipeline import Turn, process_file
from handlers.flows.ranges import combine, join_manifests
from handlers.flows.turns import read_checkpoint, read_parts
from handlers.seams.errors import FileRejected, InvalidCheckpoint, ValidationTimeBudgetExceeded
from tests.builders import order_text, valid_order

MAX_FILE = 1 << 20


def continued(
    data: bytes, key: str, *, per_turn: int, max_rejected: int = 1000, chunk_bytes: int = 7
) -> tuple[tuple[Any, ...], int]:
    """The turns as the machine runs them (each stops after `per_turn` records), then the combining
    step when there was more than one; (outcome, turns)."""
    claims = MemoryClaims()
    manifests: list[MemoryManifest] = []
    parts: list[dict[str, Any]] = []
    checkpoint: dict[str, Any] | None = None
    while True:
        number = len(parts)
        turn = Turn(number=number, resume=checkpoint, max_records=per_turn)
        manifest = MemoryManifest()
        problem = None
        summary = None
        try:
            summary = process_file(
                io.BytesIO(data),
                source=source_for(key),
                manifest=manifest,
                claims=claims,
                max_rejected=max_rejected,
                max_file_bytes=MAX_FILE,
                chunk_bytes=chunk_bytes,
                turn=turn,
            )
        except FileRejected as rejected:
            if number == 0:
                return ("rejected", _rejection(rejected)), 1  # the first turn is the unsplit run's
            if rejected.rejections is None:
                problem = {
                    "reason": rejected.reason,
                    "message": rejected.message,
                    "position": rejected.position,
                }
            turn.checkpoint = None
        if number == 0 and turn.checkpoint is None:
            assert summary is not None and manifest.committed is not None
            counts = (summary.records, summary.valid, summary.large, summary.invalid)
            batches = json.loads(manifest.committed)
            return (
                (
                    "accepted",
                    counts,
                    summary.rejected_by_reason,
                    summary.rejected_by_rule,
                    _entries(batches, claims),
                ),
                1,
            )
        parts.append(
            {
                "range": number,
                "problem": problem,
                "records": summary.records if summary else 0,
                "valid": summary.valid if summary else 0,
                "large": summary.large if summary else 0,
                "invalid": summary.invalid if summary else 0,
                "batches": summary.batches if summary else 0,
                "rejected_by_rule": summary.rejected_by_rule if summary else {},
                "log": json.loads(json.dumps(turn.log)),
            }
        )
        manifests.append(manifest)
        if turn.checkpoint is None:
            break
        # The checkpoint travels in the state data as JSON and is checked when the next turn starts.
        checkpoint = read_checkpoint(
            json.loads(json.dumps(turn.checkpoint)), max_rejected=max_rejected, max_file_bytes=MAX_FILE
        )
        assert len(json.dumps(checkpoint)) < 300
    turns = len(parts)
    try:
        total = combine(parts, max_rejected=max_rejected)
    except FileRejected as rejected:
        return ("rejected", _rejection(rejected)), turns
    joined = MemoryManifest()
    join_manifests(
        (iter([m.committed or b""]) for m, p in zip(manifests, parts, strict=True) if p["batches"]), joined
    )
    batches = json.loads(bytes(joined.buffer))
    numbers = [batch["batch"] for batch in batches]
    assert len(set(numbers)) == len(numbers), "batch numbers repeat across turns"
    counts = (total.records, total.valid, total.large, total.invalid)
    return (
        "accepted",
        counts,
        total.rejected_by_reason,
        total.rejected_by_rule,
        _entries(batches, claims),
    ), turns


_FIXTURES = sorted(FIXTURE_FILES.iterdir())


@pytest.mark.parametrize("path", _FIXTURES, ids=[p.name for p in _FIXTURES])
@pytest.mark.parametrize("per_turn", [1, 2, 5])
def test_every_fixture_continued_at_every_record_boundary_gives_the_unsplit_outcome(
    path: Any, per_turn: int
) -> None:
    """Every fixture as stored (gzip included), a turn stopping after every record (1), or every 2 or 5."""
    data = path.read_bytes()
    assert continued(data, path.name, per_turn=per_turn)[0] == unsplit(data, key=path.name)


def _records(count: int, *, every_invalid: int = 0) -> list[str]:
    return [
        order_text(valid_order(f"o-{i}", quantity=-1 if every_invalid and i % every_invalid == 0 else 1))
        for i in range(count)
    ]


def _forms(texts: list[str]) -> dict[str, bytes]:
    """The same records as an array, an `orders` wrapper with members after it, JSON Lines (BOM, CRLF,
    blank lines), and each gzipped."""
    array = ("[\n  " + ",\n  ".join(texts) + "\n]\n").encode()
    wrapper = ('{"orders": [' + " ,\r\n".join(texts) + '], "note": {"x": [1, 2]}, "n": 3}').encode()
    lines = ("\ufeff" + "\r\n\n".join(texts) + "\n  \n").encode()
    import gzip

    forms = {"a.json": array, "w.json": wrapper, "l.jsonl": lines}
    forms |= {f"{name}.gz": gzip.compress(data, mtime=0) for name, data in forms.items()}
    return forms


@pytest.mark.parametrize("per_turn", [1, 3, 7])
@pytest.mark.parametrize("max_rejected", [0, 2, 1000])
def test_every_form_with_rejections_continued_gives_the_unsplit_outcome(
    per_turn: int, max_rejected: int
) -> None:
    """too_many_rejections found at the same record whichever turn reaches it; reviews keep their
    global index and line."""
    for name, data in _forms(_records(12, every_invalid=4)).items():
        outcome, turns = continued(data, name, per_turn=per_turn, max_rejected=max_rejected)
        assert outcome == unsplit(data, key=name, max_rejected=max_rejected), name
        if outcome[0] == "accepted":
            assert turns >= 12 // per_turn, name


def test_a_problem_after_the_boundary_is_the_unsplit_runs_with_its_position() -> None:
    """Truncated, extra data, not_json and not_utf8 after several turns: same reason and position."""
    texts = _records(6)
    array = "[" + ",\n".join(texts)
    cases = {
        "truncated.json": array.encode(),
        "extra.json": (array + "] x").encode(),
        "syntax.json": (array + ",\n  }").encode(),
        "not_utf8.json": (array + ",\n" + texts[0] + "]").encode().replace(b'"o-0"', b'"o-\xff"', 2),
        "broken_line.jsonl": ("\n".join(texts) + '\n{"a": \n' + texts[1]).encode(),
    }
    for name, data in cases.items():
        expected = unsplit(data, key=name)
        outcome, turns = continued(data, name, per_turn=1)
        assert outcome == expected, name
        assert turns > 1 or expected[0] == "rejected", name


def test_seeded_random_files_continued_at_seeded_boundaries() -> None:
    """Seeded, bounded: random record counts, invalid records and forms; a random records-per-turn."""
    rng = random.Random(22)
    for _ in range(25):
        texts = _records(rng.randint(1, 30), every_invalid=rng.choice([0, 3, 5]))
        forms = _forms(texts)
        name = rng.choice(sorted(forms))
        per_turn = rng.randint(1, 8)
        max_rejected = rng.choice([0, 1, 3, 1000])
        data = forms[name]
        assert continued(
            data, name, per_turn=per_turn, max_rejected=max_rejected, chunk_bytes=rng.randint(1, 64)
        )[0] == unsplit(data, key=name, max_rejected=max_rejected), (name, per_turn, max_rejected)


class _Clock:
    def __init__(self, left: list[int]) -> None:
        self.left = left

    def __call__(self) -> int:
        return self.left.pop(0) if len(self.left) > 1 else self.left[0]


def test_a_turn_near_its_time_budget_stops_at_a_record_boundary_instead_of_failing() -> None:
    """The time budget (every 64 records) ends a turn with a checkpoint; without a Turn it still raises."""
    data = _forms(_records(200))["a.json"]
    manifest = MemoryManifest()
    turn = Turn()
    summary = process_file(
        io.BytesIO(data),
        source=source_for("a.json"),
        manifest=manifest,
        claims=MemoryClaims(),
        remaining_ms=_Clock([900_000, 1_000]),
        turn=turn,
    )
    assert summary.records == 128 and manifest.committed is not None
    assert turn.checkpoint is not None and turn.checkpoint["index"] == 128
    with pytest.raises(ValidationTimeBudgetExceeded):
        process_file(
            io.BytesIO(data),
            source=source_for("a.json"),
            manifest=MemoryManifest(),
            claims=MemoryClaims(),
            remaining_ms=_Clock([900_000, 1_000]),
        )


def test_a_file_ending_at_the_budget_where_no_boundary_resumes_still_names_the_time_budget() -> None:
    """An `orders` wrapper read in memory (its first member is not `orders`) has no resumable boundary."""
    texts = _records(130)
    data = ('{"note": 1, "orders": [' + ",".join(texts) + "]}").encode()
    with pytest.raises(ValidationTimeBudgetExceeded):
        process_file(
            io.BytesIO(data),
            source=source_for("w.json"),
            manifest=MemoryManifest(),
            claims=MemoryClaims(),
            remaining_ms=_Clock([900_000, 1_000]),
            element_max=1 << 20,
            turn=Turn(),
        )


VALID = {
    "form": "array",
    "offset": 100,
    "newlines": 3,
    "line_start": 90,
    "index": 4,
    "line": None,
    "rejected": 1,
}


@pytest.mark.parametrize(
    "change",
    [
        {"form": "object"},
        {"offset": 0},
        {"offset": MAX_FILE + 1},
        {"offset": "100"},
        {"offset": 100.0},
        {"offset": True},
        {"newlines": 101},
        {"line_start": -1},
        {"index": 0},
        {"index": 101},
        {"rejected": 5},
        {"rejected": 2, "index": 1},
        {"line": 4},
        {"form": "lines", "line": 3},
        {"form": "lines", "line": 4},
        {"extra": 1},
    ],
)
def test_a_checkpoint_out_of_type_or_bounds_is_refused(change: dict[str, Any]) -> None:
    """The checkpoint comes back through the state data: every member's type and bounds are checked."""
    assert read_checkpoint(VALID, max_rejected=2, max_file_bytes=MAX_FILE) == VALID
    with pytest.raises(InvalidCheckpoint):
        read_checkpoint({**VALID, **change}, max_rejected=2, max_file_bytes=MAX_FILE)


def test_seeded_fuzz_of_checkpoints_and_part_pointers_raises_only_invalid_checkpoint() -> None:
    """Seeded, bounded fuzz: any JSON value in any member is accepted only within bounds, else
    InvalidCheckpoint (never another exception)."""
    rng = random.Random(2222)
    values: list[Any] = [
        None,
        True,
        0,
        1,
        -1,
        2**70,
        1.5,
        "",
        "x" * 2000,
        [],
        {},
        [0],
        {"a": 1},
        "array",
        "lines",
    ]
    accepted = 0
    for _ in range(3000):
        candidate = dict(VALID)
        for _ in range(rng.randint(1, 3)):
            candidate[rng.choice([*VALID, "other"])] = rng.choice(values)
        try:
            read_checkpoint(candidate, max_rejected=1000, max_file_bytes=MAX_FILE)
            accepted += 1
        except InvalidCheckpoint:
            pass
        pointers: Any = [{"range": i, "version_id": "v"} for i in range(rng.randint(0, 3))]
        if pointers and rng.random() < 0.7:
            pointers[rng.randrange(len(pointers))][rng.choice(["range", "version_id", "key", "x"])] = (
                rng.choice(values)
            )
        with contextlib.suppress(InvalidCheckpoint):
            read_parts(rng.choice([pointers, rng.choice(values)]))
    assert 0 < accepted < 3000


def test_part_pointers_are_in_turn_order_and_bounded() -> None:
    assert read_parts([{"range": 0, "version_id": None, "key": "a b"}]) == [
        {"range": 0, "version_id": None, "key": "a b"}
    ]
    with pytest.raises(InvalidCheckpoint):
        read_parts([{"range": 1, "version_id": None}])
    with pytest.raises(InvalidCheckpoint):
        read_parts([{"range": i, "version_id": None} for i in range(3)], most=2)


def _peak(data: bytes, key: str, turn: Turn) -> int:
    import tracemalloc

    tracemalloc.start()
    try:
        process_file(
            io.BytesIO(data),
            source=source_for(key),
            manifest=MemoryManifest(),
            claims=MemoryClaims(),
            max_file_bytes=1 << 30,
            turn=turn,
        )
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_turn_resumed_deep_in_a_gzip_file_holds_no_more_memory_than_the_first() -> None:
    """Memory per invocation stays bounded: skipping ~9 MB of inflated text to a checkpoint near the end
    keeps no more than a chunk of it (failure class: a skip that accumulates what it passes)."""
    import gzip

    texts = _records(60_000)
    data = gzip.compress(("[" + ",\n".join(texts) + "]").encode(), mtime=0)
    # GIVEN the checkpoint after record 58,000 (reached by one long first turn)
    first = Turn(max_records=58_000)
    process_file(
        io.BytesIO(data),
        source=source_for("deep.json.gz"),
        manifest=MemoryManifest(),
        claims=MemoryClaims(),
        max_file_bytes=1 << 30,
        turn=first,
    )
    assert first.checkpoint is not None and first.checkpoint["offset"] > 8_000_000
    # WHEN a turn of 1,000 records starts at the file's start, and another resumes at the checkpoint
    fresh = _peak(data, "deep.json.gz", Turn(max_records=1_000))
    resumed = _peak(data, "deep.json.gz", Turn(number=1, resume=first.checkpoint, max_records=1_000))
    # THEN the resumed turn's peak is the fresh turn's, within a chunk (1 MiB) and its decoded copy
    assert resumed < fresh + 3 * 1024 * 1024, (fresh, resumed)
