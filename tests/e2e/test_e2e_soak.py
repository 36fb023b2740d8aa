"""A small seeded soak (benchmarks/soak.py; `make bench` runs 200 files): files of every accepted
form, hostile fixtures and edge records, order_ids shared between files, a key uploaded twice,
through output/ deployed in the emulator under AWS's faults at a 10% rate.

Failure classes (issue 20): a record lost, counted twice or overwritten under throttling, 5xx,
Lambda crashes, EXPRESS children run twice and events delivered twice or late; a FAILED file that
re-delivery cannot complete. Before the emulator injected faults none of these paths ran here.
"""

from __future__ import annotations

import pytest

from benchmarks.soak import run

pytestmark = pytest.mark.e2e


def test_nothing_is_lost_counted_twice_or_overwritten_and_every_failed_file_completes() -> None:
    report = run(files=14, rate=0.1, seed=3)
    print("\n".join(report.lines()))
    assert report.files >= 14 and report.done + report.failed == report.files
    assert sum(report.faults_injected.values()) > 0
    assert {"fixture", "edge"} <= set(report.forms)
    assert (report.records_lost, report.counted_twice, report.items_overwritten) == (0, 0, 0)
    assert report.completed_on_redelivery == report.failed, report.not_completed
