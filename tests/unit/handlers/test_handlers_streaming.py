"""Streaming: chunk boundaries do not change results; one oversized value rejects the file, bounded."""

from __future__ import annotations

import json

import pytest
from handlers_testkit import FIXTURE_FILES, source_for

from benchmarks.bodies import CountingSink, GeneratedBody
from handlers.core.pipeline import process_file
from handlers.seams.errors import FileRejected
from handlers.seams.settings import ELEMENT_MAX_BYTES


def fingerprint(outcome):
    if outcome.rejection is not None:
        return ("rejected", outcome.rejection.reason)
    return ("accepted", json.dumps(outcome.batches, sort_keys=True), sorted(outcome.claims.bodies.items()))


@pytest.mark.parametrize("chunk_bytes", [2, 7, 4099])
def test_any_chunk_size_gives_the_same_result(run_file, chunk_bytes):
    # GIVEN every fixture file, read with the default 1 MiB chunks
    names = sorted(path.name for path in FIXTURE_FILES.iterdir())
    expected = {name: fingerprint(run_file(name)) for name in names}
    # WHEN each is read again in tiny chunks (values, lines, escapes and UTF-8 split across chunks)
    actual = {name: fingerprint(run_file(name, chunk_bytes=chunk_bytes)) for name in names}
    # THEN nothing changes
    assert actual == expected


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("array.json", '[{"a": "' + "x" * 2000 + '"}]'),
        ("object.json", '{"a": "' + "x" * 2000 + '"}'),
        ("orders.json", '{"orders": [{"a": [' + "1," * 1000 + "1]}]}"),
        ("lines.jsonl", '{"a": 1}\n{"a": "' + "x" * 2000 + '"}\n'),
        ("lines.jsonl", '{"a": 1}\n{"a": "' + "x" * 2000),
    ],
)
def test_one_value_over_the_element_limit_rejects_the_file(run_data, key, text):
    # GIVEN a file with one value larger than the element limit (lowered to 1,000 for the test)
    # WHEN validated in small chunks
    outcome = run_data(text.encode(), key, element_max=1000, chunk_bytes=100)
    # THEN the whole file is rejected as element_too_large
    assert outcome.rejection is not None and outcome.rejection.reason == "element_too_large"


def test_values_under_the_element_limit_are_read_whole(run_data):
    # GIVEN a value just under the lowered limit, read in chunks much smaller than it
    text = '[{"a": "' + "x" * 900 + '"}]'
    # WHEN validated
    outcome = run_data(text.encode(), "ok.json", element_max=1000, chunk_bytes=10)
    # THEN it is one (invalid) record, not a rejection
    assert outcome.outcomes() == ["missing_order_info"]


@pytest.mark.slow
def test_a_value_over_64_mib_is_rejected_without_reading_the_rest():
    # GIVEN an array whose first element is a string of ELEMENT_MAX_BYTES + 1 MiB, then 1 GiB more
    def pieces():
        yield b'[{"a": "'
        for _ in range(ELEMENT_MAX_BYTES // 2**20 + 1):
            yield b"x" * 2**20
        yield b'"},'
        for _ in range(1024):
            yield b"[" + b"1," * (2**19 - 1) + b"1],"

    body = GeneratedBody(pieces())
    sink = CountingSink()
    # WHEN validated
    with pytest.raises(FileRejected) as rejected:
        process_file(body, source=source_for("huge.json"), manifest=sink, claims=sink)
    # THEN it is element_too_large, found after reading little more than the limit
    assert rejected.value.reason == "element_too_large"
    assert body.bytes_read < ELEMENT_MAX_BYTES + 4 * 2**20
    assert sink.aborted and not sink.committed
