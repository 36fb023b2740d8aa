"""Counts per contract rule: which violations name a rule (`path keyword`), and the
core's per-rule counts and first examples.

Failure classes: a DynamoDB rule or an unparseable line counted as a contract rule, a record counted
twice under one rule, a record breaking two rules not counted under both.
"""

from __future__ import annotations

import io
import json

from handlers_testkit import MemoryClaims, MemoryManifest, source_for

from handlers.core.pipeline import RULE_EXAMPLES, process_file
from handlers.core.rules import ROOT, rule_keys, violation


def test_rule_keys_name_contract_rules_once_and_skip_reason_codes() -> None:
    found = [
        violation("", "too_deep", "nested too deep"),
        violation("/order-info", "required", "is required"),
        violation("/order-info", "required", "is required"),
        violation("", "type", "must be an object"),
        violation("/order-info/order_id", "missing_order_id", "missing"),
    ]
    assert rule_keys(found) == ["/order-info required", f"{ROOT} type"]


def test_the_core_counts_records_per_rule_with_their_first_positions() -> None:
    lines = [{"order-info": {"order_id": str(n)}} for n in range(8)]  # each lacks contact-info
    lines[2] = {"a": 1}  # lacks both: counted under both rules
    lines[5] = {"order-info": {"order_id": "5"}, "contact-info": {}}  # valid
    body = "".join(json.dumps(line) + "\n" for line in lines) + "{oops\n"  # an unparseable line: no rule
    summary = process_file(
        io.BytesIO(body.encode()),
        source=source_for("f.jsonl"),
        manifest=MemoryManifest(),
        claims=MemoryClaims(),
    )
    assert summary.rejected_by_reason == {
        "missing_contact_info": 6,
        "missing_order_info": 1,
        "unparseable_line": 1,
    }
    assert summary.rejected_by_rule == {"/contact-info required": 7, "/order-info required": 1}
    assert summary.rule_examples["/order-info required"] == [(2, 3)]
    assert summary.rule_examples["/contact-info required"] == [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]
    assert len(summary.rule_examples["/contact-info required"]) == RULE_EXAMPLES
