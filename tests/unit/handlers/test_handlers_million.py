"""1,000,000 generated records through a fake S3 body: counts are exact and memory stays bounded."""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from handlers_testkit import source_for

from benchmarks.bodies import CountingSink, GeneratedBody, json_array, json_lines
from handlers.core.conflicts import TRACKED_ORDER_IDS
from handlers.core.pipeline import process_file
from handlers.seams.throughput import BATCH_MAX_RECORDS

ROOT = Path(__file__).resolve().parents[3]
MILLION = 1_000_000
MEMORY_LIMIT_MB = 150
# Since conflicts inside a file count, the validator keeps ~113 bytes per distinct
# order_id (handlers/core/conflicts.py), at most TRACKED_ORDER_IDS of them: the one part of its memory that
# grows with the file, bounded by that cap. The streaming part must still not grow.
TRACKER_BYTES_PER_ORDER_ID = 120
TRACKER_MB = TRACKED_ORDER_IDS * TRACKER_BYTES_PER_ORDER_ID / 2**20


def run_in_fresh_process(form: str) -> dict:
    """Run the benchmark for one form in its own interpreter, so max RSS is this run's own peak."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.validator", "--records", str(MILLION), "--form", form, "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("form", ["jsonl", "array"])
def test_a_million_records_stream_in_bounded_memory(form):
    # GIVEN 1,000,000 generated records (about 180 MiB of JSON), produced lazily behind a fake S3 body
    # WHEN the core validates them into a counting, discarding sink, in a fresh process
    measured = run_in_fresh_process(form)
    # THEN every record is counted and valid, in full batches: these ~520-byte entries reach the record
    # cap (200 since a batch child's time was bounded; ~385 by bytes) before the byte limit
    assert measured["records"] == measured["valid"] == MILLION
    assert MILLION // BATCH_MAX_RECORDS <= measured["batches"] < MILLION // 100
    assert measured["input_mib"] > 150
    # AND the process's peak resident memory stays far below the input size (streaming plus the
    # conflict tracker's cap)
    assert measured["max_rss_mb"] < MEMORY_LIMIT_MB + TRACKER_MB, measured


@pytest.mark.slow
@pytest.mark.parametrize("generate", [json_lines, json_array])
def test_traced_peak_does_not_grow_with_the_file(generate):
    # GIVEN the same generator at 2,000 and at 20,000 records, read in 64 KiB chunks (both span many)
    def traced_peak(count: int) -> float:
        sink = CountingSink()
        tracemalloc.start()
        try:
            summary = process_file(
                GeneratedBody(generate(count)),
                source=source_for("t.jsonl" if generate is json_lines else "t.json"),
                manifest=sink,
                claims=sink,
                chunk_bytes=64 * 1024,
            )
            peak = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
        assert summary.records == count and sink.committed
        return peak

    # WHEN the Python heap's peak is traced for each
    small, large = traced_peak(2_000), traced_peak(20_000)
    # THEN ten times the records needs about the same memory (chunks and one batch, not the file), but
    # for the conflict tracker's bytes per distinct order_id
    tracker_mb = (20_000 - 2_000) * TRACKER_BYTES_PER_ORDER_ID / 2**20
    assert large < small * 1.25 + tracker_mb, (small, large)
