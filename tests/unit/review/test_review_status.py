"""`review status` prints the ledger's reconciliation readably (review/status.py)."""

from __future__ import annotations

from decimal import Decimal

from review.status import render


def test_the_reconciliation_is_printed_in_reading_order_without_python_reprs() -> None:
    item = {
        "file_id": "b/k#v",
        "status": "DONE",
        "records": Decimal(5),
        "stored": Decimal(2),
        "duplicates": Decimal(1),
        "rejected": Decimal(2),
        "rejected_by_reason": {"not_an_object": Decimal(1), "conflict": Decimal(1)},
        "counted_batches": {Decimal(1), Decimal(0)},
        "expires_at": None,
    }
    assert render([("b/k#v", item)]).splitlines() == [
        "b/k#v  (latest)",
        "  status: DONE",
        "  records: 5",
        "  stored: 2",
        "  duplicates: 1",
        "  rejected: 2",
        "  rejected_by_reason: conflict 1, not_an_object 1",
        "  expires_at: never",
        "  counted_batches: 0, 1",
    ]
