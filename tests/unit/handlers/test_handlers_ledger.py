"""The ledger attributes the validator returns for the state machines (handlers/flows/ledger.py)."""

from __future__ import annotations

from handlers.flows.ledger import LEDGER_RULES, expires_at, ledger_attributes, top_rules


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
        # every accepted file also gets its per-rule map (empty here: no rule given).
        "rejected_by_rule": {"M": {}},
    }


def test_an_accepted_file_gets_its_rule_counts_as_a_dynamodb_map() -> None:
    """The ledger holds counts per `path keyword` (fails before: no such attribute)."""
    attributes = ledger_attributes(
        now=0,
        retention_days=0,
        rejected_by_reason={"contract_violation": 3},
        rejected_by_rule={"/order-info/quantity minimum": 3, "/contact-info/email format": 1},
    )
    assert attributes["rejected_by_rule"] == {
        "M": {"/contact-info/email format": {"N": "1"}, "/order-info/quantity minimum": {"N": "3"}}
    }


def test_the_rule_map_is_bounded_to_the_most_broken_rules_and_an_other_count() -> None:
    """An item stays small whatever the file (top 50 by count, ties by name, + other)."""
    counts = {f"/items/{n:03} type": 1 + n % 3 for n in range(120)}
    kept = top_rules(counts)
    assert len(kept) == LEDGER_RULES + 1
    assert sum(kept.values()) == sum(counts.values())
    named = [rule for rule in kept if rule != "other"]
    assert min(counts[rule] for rule in named) >= max(counts[r] for r in counts if r not in kept)
    assert kept["other"] == sum(n for rule, n in counts.items() if rule not in kept)
    assert top_rules({"/a type": 2}) == {"/a type": 2}


def test_a_rejected_file_gets_only_its_expiry() -> None:
    assert ledger_attributes(now=10, retention_days=1) == {"expires_at": {"N": str(10 + 86_400)}}
