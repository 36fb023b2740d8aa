"""The ledger attributes the validator returns for the state machines (handlers/ledger.py)."""

from __future__ import annotations

from handlers.ledger import expires_at, ledger_attributes


def test_retention_days_set_an_epoch_second_expiry_from_now() -> None:
    assert expires_at(now=1_700_000_000.9, retention_days=30) == {"N": str(1_700_000_000 + 30 * 86_400)}


def test_zero_retention_is_a_null_that_ttl_ignores() -> None:
    assert expires_at(now=1_700_000_000, retention_days=0) == {"NULL": True}


def test_an_accepted_file_gets_its_reasons_as_a_dynamodb_map_without_zeros() -> None:
    attributes = ledger_attributes(
        now=0, retention_days=0, rejected_by_reason={"missing_order_id": 2, "too_large": 0, "bad_json": 1}
    )
    assert attributes == {
        "expires_at": {"NULL": True},
        "rejected_by_reason": {"M": {"bad_json": {"N": "1"}, "missing_order_id": {"N": "2"}}},
    }


def test_a_rejected_file_gets_only_its_expiry() -> None:
    assert ledger_attributes(now=10, retention_days=1) == {"expires_at": {"N": str(10 + 86_400)}}
