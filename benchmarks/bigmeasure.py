"""The measured inputs of the big-file model (benchmarks/bigfiles.py): the validator core's rates on this
machine, and what a split costs in the emulator.

`core_rates` times, on the same realistic orders (benchmarks/orders.py, every 10th invalid), one full
core: the validator core on JSON Lines, on a JSON array and on that array gzip-compressed (bytes of
JSON text per second), the counting pass of a range (handlers/flows/ranges.py count_range), zlib inflating
the gzip alone (what a continuation turn of a gzip file spends skipping forward), and joining manifest
parts (handlers/flows/ranges.py join_manifests); medians of `repeats` runs, in CPU seconds of this process
(what one dedicated core gives, whatever else the shared machine runs; Lambda bills the same work).
`split_runs` sends one file through the emulated large lane split into 2 and then 4 ranges (the
emulator's RANGE_BYTES, as `simulate --range-bytes`), counted like benchmarks/pipeline.py counts an
unsplit file.
"""

from __future__ import annotations

import gzip
import math
import statistics
import time
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from benchmarks import orders
from benchmarks.bodies import CountingSink
from benchmarks.usage import Run
from handlers.core.pipeline import process_file
from handlers.flows.ranges import count_range, join_manifests, plan

PROFILE = "realistic"
INVALID_EVERY = 10
CORE_RECORDS = 20_000
REPEATS = 3
# gzip's own default level (the gzip command without -1..-9), not Python's gzip.compress default (9).
GZIP_LEVEL = 6
# The split runs' range counts: two, so that a per-range part and a per-file part can be told apart.
SPLIT_RANGES = (2, 4)
_CHUNK = 1024 * 1024


class _Body:
    """A BinaryBody over bytes in memory."""

    def __init__(self, data: bytes) -> None:
        self._data, self._position = data, 0

    def read(self, amt: int = -1, /) -> bytes:
        end = len(self._data) if amt < 0 else self._position + amt
        data, self._position = self._data[self._position : end], min(end, len(self._data))
        return data


class _KeptSink(CountingSink):
    """A counting sink that keeps the manifest's bytes (to join them)."""

    def __init__(self) -> None:
        super().__init__()
        self.kept: list[bytes] = []

    def write(self, data: bytes) -> None:
        super().write(data)
        self.kept.append(data)


def _median_seconds(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return statistics.median(times)


def _validate(data: bytes, key: str, sink: CountingSink | None = None) -> None:
    used = sink or CountingSink()
    source: Any = {"bucket": "bench", "key": key, "version_id": "v" * 32, "etag": "0" * 32}
    process_file(_Body(data), source=source, manifest=used, claims=used, max_rejected=10**12)


def _chunks(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), _CHUNK):
        yield data[start : start + _CHUNK]


def _inflate(data: bytes) -> None:
    inflater = zlib.decompressobj(wbits=31)
    for chunk in _chunks(data):
        while chunk:
            inflater.decompress(chunk, _CHUNK)
            chunk = inflater.unconsumed_tail


def core_rates(records: int = CORE_RECORDS, repeats: int = REPEATS) -> dict[str, float]:
    """Rates of one full core of this machine (bytes of JSON text per CPU second) and the shapes they were
    measured on: {"jsonl_bytes_per_s", "array_bytes_per_s", "gzip_bytes_per_s", "inflate_bytes_per_s",
    "count_bytes_per_s", "join_bytes_per_s", "bytes_per_record", "manifest_bytes_per_record",
    "gzip_ratio", "records"}."""
    lines = orders.body(records, profile=PROFILE, invalid_every=INVALID_EVERY)
    array = orders.body(records, form="array", profile=PROFILE, invalid_every=INVALID_EVERY)
    packed = gzip.compress(array, compresslevel=GZIP_LEVEL, mtime=0)
    kept = _KeptSink()
    _validate(lines, "orders.jsonl", kept)
    manifest = b"".join(kept.kept)
    parts = 4

    def join() -> None:
        join_manifests(iter([iter([manifest]) for _ in range(parts)]), CountingSink())

    seconds = {
        "jsonl": _median_seconds(lambda: _validate(lines, "orders.jsonl"), repeats),
        "array": _median_seconds(lambda: _validate(array, "orders.json"), repeats),
        "gzip": _median_seconds(lambda: _validate(packed, "orders.json.gz"), repeats),
        "inflate": _median_seconds(lambda: _inflate(packed), repeats),
        "count": _median_seconds(lambda: count_range(_chunks(lines), start=0, end=len(lines)), repeats),
        "join": _median_seconds(join, repeats),
    }
    return {
        "jsonl_bytes_per_s": len(lines) / seconds["jsonl"],
        "array_bytes_per_s": len(array) / seconds["array"],
        "gzip_bytes_per_s": len(array) / seconds["gzip"],
        "inflate_bytes_per_s": len(array) / seconds["inflate"],
        "count_bytes_per_s": len(lines) / seconds["count"],
        "join_bytes_per_s": parts * len(manifest) / seconds["join"],
        "bytes_per_record": len(lines) / records,
        "manifest_bytes_per_record": len(manifest) / records,
        "gzip_ratio": len(packed) / len(array),
        "records": float(records),
    }


def split_runs(stack: Any, run_id: str, records: int, *, log_format: str) -> dict[int, Run]:
    """One `records`-order JSON Lines file through the emulated large lane split into each of
    SPLIT_RANGES ranges (a new file each time, so no run finds another's items), its logs counted in
    the functions' `log_format`: {ranges: Run}."""
    from benchmarks.pipeline import count_file, file_key
    from emulator.splitting import set_range_bytes

    runs: dict[int, Run] = {}
    for ranges in SPLIT_RANGES:
        # "spl2x" is as long as benchmarks/pipeline.py's "large": the same bytes per record.
        label = f"{records}-spl{ranges}x"
        body = orders.body(records, profile=PROFILE, invalid_every=INVALID_EVERY, prefix=f"{run_id}-{label}")
        range_bytes = math.ceil(len(body) / ranges)
        planned = len(plan(len(body), range_bytes=range_bytes))
        set_range_bytes(stack, range_bytes)
        try:
            runs[planned] = count_file(
                stack, file_key(run_id, label, suffix=".jsonl"), body, large_lane=True, log_format=log_format
            )
        finally:
            set_range_bytes(stack, None)
    return runs
