"""`check --json` and `simulate --json` agree exactly under a contract with several rules (per-rule verdicts,
"Done when": the counts per rule must match and agree with simulate).

Both commands run as a user runs them (their `main`, their `--json` lines) on one generated file
against examples/record-contract.json: `check` with `--contract`, `simulate` against a stack whose
validator carries that contract and its generated module (test_e2e_contract.py's `_deploy_with`: what
a user packages after copying the contract over handlers/record_contract.json and `python build.py`).
The file's records break several rules at once: array items (bad line quantities and SKUs), unknown
members at three levels, missing members, x-reason rules, the yen `then` rule beside the `$defs/money`
one (two places of the contract on one value), a record with more violations than a review lists, an
unparseable line.

Failure classes: the local check and the deployed pipeline counting rules differently (keys,
per-record de-duplication, rules past the 20 listed violations); rule keys split per array index or per
unknown member. Fails before 4784e04: keys per index (`/order-info/lines/0/quantity minimum`) and per
member name, and the 31st violation's rule (`/contact-info/name required`) not counted.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import emulator
import simulate
from handlers.core.rules import review_rules
from handlers.recordcontract import buildcheck
from quality import cli as check_cli

from .test_e2e_contract import _deploy_with

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
CONTRACT = REPO / "examples" / "record-contract.json"
SEED = 1616
RECORDS = 60


def _order(n: int) -> dict[str, Any]:
    return {
        "order-info": {
            "order_id": f"RULES-{SEED}-{n}",
            "item": "Desk",
            "quantity": 2,
            "price": "19.99",
            "currency": "EUR",
            "lines": [{"sku": "SKU-000001", "quantity": 1, "unit_price": 9.5}],
        },
        "contact-info": {"name": "Customer", "email": f"c{n}@example.com"},
    }


def _lines(count: int, **bad: Any) -> list[dict[str, Any]]:
    return [{"sku": "SKU-000002", "quantity": 1, "unit_price": 1, **bad} for _ in range(count)]


# Ways to break the example contract; a record takes up to three of them.
def _break(order: dict[str, Any], way: int, rng: random.Random) -> None:
    info, contact = order["order-info"], order["contact-info"]
    if way == 0:
        info["quantity"] = rng.choice([0, -1, 10001])
    elif way == 1:
        info["lines"] = _lines(rng.randint(2, 4), quantity=0)
    elif way == 2:
        info["lines"] = _lines(rng.randint(1, 3), sku="sku-1") + _lines(1, note="x")
    elif way == 3:
        order[rng.choice(["internal", "debug"])] = 1
        info["coupon"] = "X"
    elif way == 4:
        info["currency"] = "XXX"
    elif way == 5:
        del contact["email"]
    elif way == 6:
        contact["email"] = "not-an-email"
    elif way == 7:
        info["currency"], info["price"] = "JPY", 1.5  # the yen rule (then) only
    elif way == 8:
        info["price"] = 1.001  # $defs/money's multipleOf 0.01 only
    elif way == 9:
        info["attributes"] = {"Bad-Name": 1, "ok": [1]}


def _file(path: Path) -> Path:
    rng = random.Random(SEED)
    rows: list[str] = []
    for n in range(RECORDS):
        order = _order(n)
        if n % 5:  # four in five break something
            for way in rng.sample(range(10), rng.randint(1, 3)):
                _break(order, way, rng)
        rows.append(json.dumps(order))
    # More violations than a review lists (MAX_VIOLATIONS): 30 bad line SKUs, then a missing name (the
    # 31st, counted only when rules are counted past the listed ones), then 30 unknown members.
    many = _order(RECORDS)
    many["order-info"]["lines"] = _lines(30, sku="SKU-1")
    many.update({f"x{i:02}": i for i in range(30)})
    del many["contact-info"]["name"]
    rows.append(json.dumps(many))
    rows.append('{"order-info": ')  # an unparseable line
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _json_line(out: str) -> dict[str, Any]:
    [line] = out.splitlines()
    row: dict[str, Any] = json.loads(line)
    return row


def test_check_and_simulate_agree_on_every_count_under_the_example_contract(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a generated file breaking many rules of the example contract at once
    data = _file(tmp_path / f"rules-{SEED}.jsonl")
    # WHEN `check --json --contract` runs on it
    status = check_cli.main([str(data), "--contract", str(CONTRACT), "--json"])
    checked = _json_line(capsys.readouterr().out)
    assert status == 1
    # AND `simulate --json` runs it through a stack whose validator carries the same contract
    (tmp_path / "stack").mkdir()
    pipeline = _deploy_with(tmp_path / "stack", CONTRACT)
    shipped = tmp_path / "stack" / "handlers" / "record_contract.json"
    generated = shipped.parent / "recordcontract" / "generated"
    monkeypatch.setattr(simulate, "CONTRACT", shipped)
    monkeypatch.setattr(emulator, "deploy_stack", lambda: pipeline.stack)

    shipping_problems = buildcheck.shipping_problems  # simulate's preflight, on the stack's copy

    def preflight(path: Path, *, name: str) -> list[str]:
        return shipping_problems(path, name=name, directory=generated)

    monkeypatch.setattr(buildcheck, "shipping_problems", preflight)
    status = simulate.main(["--json", "--reviews", str(data)])
    simulated = _json_line(capsys.readouterr().out)
    assert status == 0 and simulated["status"] == "SUCCEEDED" and simulated["lost"] == []
    # THEN every count is the same: records, valid (all stored: unique order ids), rejected, per
    # reason (no conflicts in a fresh stack) and per rule, key for key
    assert (checked["records"], checked["valid"], checked["rejected"]) == (
        simulated["records"],
        simulated["stored"],
        simulated["rejected"],
    )
    assert checked["rejected_by_reason"] == simulated["rejected_by_reason"]
    assert checked["rejected_by_rule"] == simulated["rejected_by_rule"]
    # AND the review messages name every rule each record breaks (what `review summary` counts): the
    # same counts again, though a review lists at most MAX_VIOLATIONS violations
    from_reviews = Counter(rule for review in simulated["reviews"] for rule in review_rules(review))
    assert dict(from_reviews) == checked["rejected_by_rule"]
    # AND the file exercised what the counts are about: one rule over array items and one over unknown
    # members (never one per index or member name), both places on the price, a record past the
    # listed violations, several reasons, fewer than the ledger's 50 rules (no `other` to compare)
    rules = checked["rejected_by_rule"]
    assert {
        "/order-info/lines/*/quantity minimum",
        "/order-info/lines/*/sku pattern",
        "/order-info/lines/*/* additionalProperties",
        "/order-info/* additionalProperties",
        "/* additionalProperties",
        "/order-info/price multipleOf",
        "/order-info[then]/price multipleOf",
        "/contact-info/email required",
        "/contact-info/name required",
        "/order-info/attributes/* propertyNames",
    } <= set(rules)
    assert not any(any(part.isdigit() for part in key.split("/")) for key in rules)
    assert rules["/contact-info/name required"] == 1 and len(rules) < 50 and "other" not in rules
    assert len(checked["rejected_by_reason"]) >= 4 and checked["rejected_by_reason"]["unparseable_line"] == 1
    assert simulated["records"] == RECORDS + 2
