"""Differential: every fixture file gives the same outcome at every chunk size from 1 to 64 bytes and at
the default (the rejection reason, or the manifest bytes, the counts and the claim-check bodies)."""

from __future__ import annotations

import pytest
from handlers_testkit import FIXTURE_FILES, run_bytes

CHUNK_SIZES = range(1, 65)
NAMES = sorted(path.name for path in FIXTURE_FILES.iterdir())


def fingerprint(outcome) -> tuple:
    if outcome.rejection is not None:
        assert outcome.manifest.aborted and outcome.manifest.committed is None
        return ("rejected", outcome.rejection.reason)
    claims = sorted(outcome.claims.bodies.items())
    return ("accepted", outcome.manifest.committed, vars(outcome.summary), claims)


@pytest.mark.parametrize("name", NAMES)
def test_every_chunk_size_gives_the_outcome_of_the_default(name):
    # GIVEN a fixture file and its outcome with the default 1 MiB chunks
    data = (FIXTURE_FILES / name).read_bytes()
    expected = fingerprint(run_bytes(data, name))
    # WHEN it is validated again with each chunk size from 1 to 64 bytes
    outcomes = {n: fingerprint(run_bytes(data, name, chunk_bytes=n)) for n in CHUNK_SIZES}
    differing = {n: got for n, got in outcomes.items() if got != expected}
    # THEN every one gives exactly the same outcome
    assert not differing, (expected, differing)


def test_the_fixtures_cover_every_form():
    # GIVEN the fixture names; THEN arrays, objects, wrappers, JSON Lines and gzip are all there
    assert {"array.json", "object.json", "orders.json", "lines.jsonl", "array.json.gz"} <= set(NAMES)
