"""Throughput and peak memory of the validator core on 1,000,000 generated records (array and JSON Lines).

Run: python -m benchmarks.validator [--records N] [--form jsonl|array] [--trace] [--json]
Peak memory is the process's max RSS (run each form in its own process for a clean number).
"""

from __future__ import annotations

import argparse
import json
import resource
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.bodies import CountingSink, GeneratedBody, json_array, json_lines
from handlers.core.pipeline import Summary, process_file
from handlers.seams.model import Source

FORMS: dict[str, tuple[str, Callable[[int], Iterator[bytes]]]] = {
    "jsonl": ("orders.jsonl", json_lines),
    "array": ("orders.json", json_array),
}


@dataclass
class Measurement:
    form: str
    summary: Summary
    seconds: float
    input_bytes: int
    manifest_bytes: int
    traced_peak_mb: float

    @property
    def records_per_second(self) -> float:
        return self.summary.records / self.seconds if self.seconds else 0.0


def measure(form: str, records: int, *, trace: bool = True) -> Measurement:
    """Run the core over a generated body with a discarding sink; tracemalloc peak if `trace`."""
    key, generate = FORMS[form]
    source: Source = {"bucket": "bench", "key": key, "version_id": None, "etag": "0"}
    body = GeneratedBody(generate(records))
    sink = CountingSink()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    try:
        summary = process_file(body, source=source, manifest=sink, claims=sink)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
    finally:
        if trace:
            tracemalloc.stop()
    return Measurement(form, summary, seconds, body.bytes_read, sink.bytes, peak / 2**20)


def max_rss_mb() -> float:
    """Peak resident set size of this program so far.

    /proc/self/status VmHWM when there is one: Linux carries ru_maxrss over from the parent across
    fork + exec, so under pytest it would report the test runner's size, not this run's.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def as_json(result: Measurement) -> str:
    """One line for a test or a script to read: counts, time and memory."""
    summary = result.summary
    return json.dumps(
        {
            "form": result.form,
            "records": summary.records,
            "valid": summary.valid,
            "large": summary.large,
            "invalid": summary.invalid,
            "batches": summary.batches,
            "seconds": round(result.seconds, 2),
            "records_per_second": round(result.records_per_second),
            "input_mib": round(result.input_bytes / 2**20, 1),
            "manifest_mib": round(result.manifest_bytes / 2**20, 1),
            "traced_peak_mb": round(result.traced_peak_mb, 1),
            "max_rss_mb": round(max_rss_mb(), 1),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--form", choices=sorted(FORMS), action="append", help="default: every form")
    parser.add_argument("--trace", action="store_true", help="also tracemalloc's peak (about 6x slower)")
    parser.add_argument("--json", action="store_true", help="one JSON line per form")
    args = parser.parse_args()
    for form in args.form or FORMS:
        result = measure(form, args.records, trace=args.trace)
        if args.json:
            print(as_json(result), flush=True)
            continue
        print(
            f"{form:5} records={result.summary.records} valid={result.summary.valid} "
            f"batches={result.summary.batches} input={result.input_bytes / 2**20:.0f} MiB "
            f"time={result.seconds:.1f} s rate={result.records_per_second:,.0f} records/s "
            f"traced_peak={result.traced_peak_mb:.1f} MB max_rss={max_rss_mb():.0f} MB"
        )


if __name__ == "__main__":
    main()
