"""A contract's own reason codes (x-reason) on the dashboard: one line each in "Rejected records by
reason", and bounded (a contract has at most MAX_REASON_CODES), so the Reason dimension stays small.

Failure class: records rejected under a contract's code that no dashboard line shows (fails before this
change: the widget listed the fixed record reasons only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from handlers.adapters import metrics
from handlers.recordcontract.buildcheck import contract_reason_codes
from handlers.recordcontract.compiler import ContractError, compile_contract
from handlers.recordcontract.reasons import MAX_REASON_CODES
from resources import dashboard

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "record-contract.json"


def _rejection_reasons() -> set[str]:
    return {
        line[5]
        for widget in dashboard.widgets()
        for line in widget["properties"].get("metrics", [])
        if isinstance(line, list) and len(line) > 5 and line[1] == metrics.REJECTED_RECORDS
    }


def test_the_shipped_contracts_codes_each_get_a_line(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN the example contract's codes as the shipped contract's
    codes = contract_reason_codes(EXAMPLE)
    assert codes == ("invalid_currency", "invalid_price", "invalid_quantity")
    monkeypatch.setattr(dashboard, "contract_reason_codes", lambda: codes)
    # THEN each is a line of the rejected-by-reason widget, next to the fixed reasons
    assert set(codes) | set(dashboard.VALIDATOR_RECORD_REASONS) == _rejection_reasons()


def test_the_shipped_contracts_own_codes_and_only_they_add_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever handlers/record_contract.json holds (a test never pins its rules): its codes are lines."""
    assert _rejection_reasons() == set(dashboard.VALIDATOR_RECORD_REASONS) | set(contract_reason_codes())
    # AND a contract without x-reason adds no line
    monkeypatch.setattr(dashboard, "contract_reason_codes", lambda: ())
    assert _rejection_reasons() == set(dashboard.VALIDATOR_RECORD_REASONS)


def test_a_contract_with_too_many_codes_is_refused() -> None:
    schema: dict[str, Any] = {
        "properties": {f"m{i}": {"x-reason": f"code_{i}"} for i in range(MAX_REASON_CODES + 1)}
    }
    with pytest.raises(ContractError, match=f"at most {MAX_REASON_CODES}"):
        compile_contract(schema)
