"""The ledger attributes the state machine cannot build itself, returned by the validator.

Amazon States Language (JSONPath) can neither turn an object of counts with arbitrary keys into a
DynamoDB map nor do arithmetic on a clock, so the validator returns both as DynamoDB attribute
values under `ledger` in its result (counts only, no record content): the state machines copy them
into the file's ledger item when they mark it DONE.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.contract import SECONDS_PER_DAY
from handlers.shapes import LedgerAttributes


def expires_at(*, now: float, retention_days: int) -> dict[str, Any]:
    """The ledger item's TTL attribute (epoch seconds), or a DynamoDB NULL when retention is 0: TTL
    ignores an attribute that is not a Number, so such an item is kept even if TTL is turned on later."""
    if retention_days <= 0:
        return {"NULL": True}
    return {"N": str(int(now) + retention_days * SECONDS_PER_DAY)}


def ledger_attributes(
    *, now: float, retention_days: int, rejected_by_reason: Mapping[str, int] | None = None
) -> LedgerAttributes:
    """`{"expires_at": <N or NULL>, "rejected_by_reason": {"M": {reason: {"N": n}}}}` (the map only for
    an accepted file: the validator's counts of rejected records per reason code, zeros left out)."""
    attributes: LedgerAttributes = {"expires_at": expires_at(now=now, retention_days=retention_days)}
    if rejected_by_reason is not None:
        attributes["rejected_by_reason"] = {
            "M": {reason: {"N": str(n)} for reason, n in sorted(rejected_by_reason.items()) if n}
        }
    return attributes
