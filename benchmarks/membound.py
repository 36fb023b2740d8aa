"""Peak memory of the validator core on adversarial one-record files, each in a fresh process.

    python -m benchmarks.membound [--shape NAME ...] [--seeds N] [--json]

Every shape is one record of about `SHAPE_BYTES` of text (a small gzip) built to maximise what parsing
and encoding cost per byte: empty containers, DEL (escaped as 6 bytes), astral characters (12 bytes
escaped), ASCII ending in one emoji (a 4-byte-a-character str when joined), deep-and-wide nesting,
long numbers, short strings, members. `generated-N` shapes mix those
pieces from a seeded random generator. Each runs in its own interpreter (peak RSS = VmHWM, that run's
own) through `handlers.core.pipeline.process_file` with discarding sinks.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

# The memory bound the validator must hold at its default settings (MB, peak RSS of the whole process).
BOUND_MB = 512
SHAPE_BYTES = 63 * 1024 * 1024  # the size; 31 MiB is just within the value limit
_HEAD = b'{"order-info": {"order_id": "M"}, "contact-info": {}, "a": '
_PIECE = 1 << 16


def _repeat(unit: bytes, total: int) -> Iterator[bytes]:
    block = unit * max(1, _PIECE // len(unit))
    for _ in range(total // len(block)):
        yield block


def _list_of(unit: bytes, total: int, last: bytes) -> Iterator[bytes]:
    yield b"["
    yield from _repeat(unit, total)
    yield last + b"]"


def _string_of(unit: bytes, total: int) -> Iterator[bytes]:
    yield b'"'
    yield from _repeat(unit, total)
    yield b'"'


def _nested(total: int) -> Iterator[bytes]:
    # 31 levels deep (under DynamoDB's 32), as wide as the size allows at the innermost level.
    yield b"[" * 31
    yield from _repeat(b"[],", total)
    yield b"[]" + b"]" * 31


def _mixed(total: int) -> Iterator[bytes]:
    # ASCII, then one emoji at the very end: joining them makes a str of 4 bytes a character.
    yield b'"'
    yield from _repeat(b"x", total)
    yield "\U0001f600".encode() + b'"'


def _members(total: int) -> Iterator[bytes]:
    yield b"{"
    count = total // 12
    for start in range(0, count, 4096):
        yield b"".join(b'"%07x":0,' % i for i in range(start, min(start + 4096, count)))
    yield b'"end":0}'


SHAPES: dict[str, Callable[[int], Iterator[bytes]]] = {
    "containers": lambda n: _list_of(b"[],", n, b"[]"),
    "objects": lambda n: _list_of(b"{},", n, b"{}"),
    "del": lambda n: _string_of(b"\x7f", n),
    "emoji": lambda n: _string_of("\U0001f600".encode(), n),
    "mixed": _mixed,
    "escapes": lambda n: _string_of(b"\\u0001", n),
    "nested": _nested,
    "numbers": lambda n: _list_of(b"1.5,", n, b"1.5"),
    "long-numbers": lambda n: _list_of(b"1" * 37 + b".5,", n, b"0"),
    "short-strings": lambda n: _list_of(b'"ab",', n, b'"ab"'),
    "members": _members,
}
# Pieces the seeded generator mixes: each is valid inside a list.
_GENERATED_UNITS = (
    b"[],",
    b"{},",
    b"1.5,",
    b'"\x7f\x7f",',
    '"\U0001f600",'.encode(),
    b'"\\u0000",',
    b"[[[0]]],",
    b'{"k":[]},',
    b"12345678901234567890123456789012345678,",
    b'"ab",',
    b"null,",
)


def generated(seed: int, total: int) -> Iterator[bytes]:
    """One record whose list mixes the hostile units above in seeded random runs."""
    rng = random.Random(seed)
    yield b"["
    made = 0
    while made < total:
        unit = rng.choice(_GENERATED_UNITS)
        run = unit * rng.randrange(1, 4096)
        made += len(run)
        yield run
    yield b"0]"


def shape_body(name: str, total: int = SHAPE_BYTES) -> Iterator[bytes]:
    """The record's bytes (one JSON Lines line) for a shape name or `generated-SEED`."""
    if name.startswith("generated-"):
        inner = generated(int(name.split("-", 1)[1]), total)
    else:
        inner = SHAPES[name](total)
    yield _HEAD
    yield from inner
    yield b"}\n"


def gzipped(pieces: Iterator[bytes]) -> bytes:
    z = zlib.compressobj(9, wbits=31)
    return b"".join(z.compress(piece) for piece in pieces) + z.flush()


_FRESH = """
import io, json, sys
from benchmarks.membound import gzipped, shape_body
from benchmarks.validator import max_rss_mb
from handlers.seams.errors import FileRejected
from handlers.core.pipeline import process_file

class Discard:
    def write(self, data): pass
    def commit(self): return "v"
    def abort(self): pass
    def put(self, key, body): return "v"

if sys.argv[1] == "--file":  # a gzip made beforehand (measure_file)
    name, suffix = None, sys.argv[3]
    with open(sys.argv[2], "rb") as made:
        data = made.read()
else:
    name, total, suffix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    data = gzipped(shape_body(name, total))
before = max_rss_mb()
try:
    source = {"bucket": "b", "key": "bomb" + suffix, "version_id": None, "etag": "e"}
    summary = process_file(io.BytesIO(data), source=source, manifest=Discard(), claims=Discard())
    outcome = "records: valid %d large %d invalid %d %s" % (summary.valid, summary.large, summary.invalid,
                                                             sorted(summary.rejected_by_reason))
except FileRejected as rejected:
    outcome = rejected.reason
print(json.dumps({"shape": name, "gz_bytes": len(data), "outcome": outcome, "before_mb": round(before, 1),
                  "peak_mb": round(max_rss_mb(), 1)}))
"""


def measure(name: str, total: int = SHAPE_BYTES, suffix: str = ".jsonl.gz") -> dict[str, object]:
    """One shape through the core in a fresh interpreter: its outcome and peak RSS (MB)."""
    return _fresh_run([name, str(total), suffix])


def measure_file(path: Path, suffix: str) -> dict[str, object]:
    """A gzip made beforehand (`gzipped(shape_body(...))`, e.g. once for both forms) through the core in
    a fresh interpreter: its outcome and peak RSS (MB)."""
    return _fresh_run(["--file", str(path), suffix])


def _fresh_run(arguments: list[str]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _FRESH, *arguments],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--shape", action="append", choices=sorted(SHAPES), help="default: every shape")
    parser.add_argument("--seeds", type=int, default=2, help="generated shapes (seeds 0..N-1)")
    parser.add_argument("--bytes", type=int, default=SHAPE_BYTES)
    parser.add_argument("--suffix", default=".jsonl.gz", help=".jsonl.gz (one line) or .json.gz (one object)")
    args = parser.parse_args(argv)
    names = (args.shape or sorted(SHAPES)) + [f"generated-{seed}" for seed in range(args.seeds)]
    worst = 0.0
    for name in names:
        result = measure(name, args.bytes, args.suffix)
        worst = max(worst, float(str(result["peak_mb"])))
        print(json.dumps({"bench": "membound", **result}), flush=True)
    print(
        json.dumps({"bench": "membound", "shapes": len(names), "worst_peak_mb": worst, "bound_mb": BOUND_MB})
    )


if __name__ == "__main__":
    main()
