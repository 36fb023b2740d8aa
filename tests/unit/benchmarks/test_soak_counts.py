"""The soak's double-count figure (benchmarks/soak.py `_counted_twice`) reads the ledger item by its
declared names (handlers/seams/ledgeritem.py): a ledger counting more records than the file has is caught."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from benchmarks.soak import _counted_twice


def _result(**ledger: Any) -> Any:
    return SimpleNamespace(ledger=ledger)


@pytest.mark.parametrize(
    ("ledger", "twice"),
    [
        ({"status": "DONE", "records": 10, "stored": 6, "duplicates": 1, "rejected": 3}, 0),
        ({"status": "DONE", "records": 10, "stored": 7, "duplicates": 1, "rejected": 3}, 1),
        ({"status": "DONE", "records": 10, "stored": 12}, 2),
        ({"status": "FAILED", "records": 10, "stored": 12}, 0),
        ({"status": "DONE", "records": None, "stored": 12}, 0),
    ],
)
def test_records_counted_past_the_files_records_are_counted_twice(ledger: dict[str, Any], twice: int) -> None:
    assert _counted_twice(_result(**ledger)) == twice
