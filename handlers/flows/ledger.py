"""The ledger attributes the state machine cannot build itself, returned by the validator.

Amazon States Language (JSONPath) can neither turn an object of counts with arbitrary keys into a
DynamoDB map nor do arithmetic on a clock, so the validator returns both as DynamoDB attribute
values under `ledger` in its result (counts only, no record content): the state machines copy them
into the file's ledger item when they mark it DONE.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.seams.settings import SECONDS_PER_DAY
from handlers.seams.shapes import (
    LEDGER_EXPIRES_AT,
    LEDGER_REJECTED_BY_REASON,
    LEDGER_REJECTED_BY_RULE,
    LedgerAttributes,
)

# The ledger keeps the counts of this many rules (the most broken; ties by name), the rest as OTHER.
LEDGER_RULES = 50
OTHER_RULES = "other"


def top_rules(rejected_by_rule: Mapping[str, int], limit: int = LEDGER_RULES) -> dict[str, int]:
    """The `limit` most broken rules' counts, and the sum of the rest under OTHER_RULES (when any)."""
    ranked = sorted(((n, rule) for rule, n in rejected_by_rule.items() if n), key=lambda i: (-i[0], i[1]))
    kept = {rule: n for n, rule in ranked[:limit]}
    rest = sum(n for n, _ in ranked[limit:])
    if rest:
        kept[OTHER_RULES] = kept.get(OTHER_RULES, 0) + rest
    return kept


def expires_at(*, now: float, retention_days: int) -> dict[str, Any]:
    """The ledger item's TTL attribute (epoch seconds), or a DynamoDB NULL when retention is 0: TTL
    ignores an attribute that is not a Number, so such an item is kept even if TTL is turned on later."""
    if retention_days <= 0:
        return {"NULL": True}
    return {"N": str(int(now) + retention_days * SECONDS_PER_DAY)}


def ledger_attributes(
    *,
    now: float,
    retention_days: int,
    rejected_by_reason: Mapping[str, int] | None = None,
    rejected_by_rule: Mapping[str, int] | None = None,
) -> LedgerAttributes:
    """`{"expires_at": <N or NULL>, "rejected_by_reason": {"M": {reason: {"N": n}}}, "rejected_by_rule":
    {"M": {rule key: {"N": n}}}}` (the maps only for an accepted file: the validator's counts of
    rejected records per reason code, zeros left out, and per contract rule by its key,
    handlers/core/rules.py,
    top_rules)."""
    attributes: LedgerAttributes = {LEDGER_EXPIRES_AT: expires_at(now=now, retention_days=retention_days)}
    if rejected_by_reason is not None:
        attributes[LEDGER_REJECTED_BY_REASON] = {
            "M": {reason: {"N": str(n)} for reason, n in sorted(rejected_by_reason.items()) if n}
        }
        attributes[LEDGER_REJECTED_BY_RULE] = {
            "M": {rule: {"N": str(n)} for rule, n in sorted(top_rules(rejected_by_rule or {}).items())}
        }
    return attributes
