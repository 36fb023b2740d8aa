"""build.py and the record contract: a keyword outside the subset (or an invalid schema) stops the
build naming it; a contract change changes a committed file (output/record-contract.md)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import build
from handlers.recordcontract.buildcheck import CONTRACT_TABLE_FILE, render_contract_table

ROOT = Path(__file__).resolve().parents[2]


def _contract(tmp_path: Path, document: dict[str, object]) -> Path:
    path = tmp_path / "record_contract.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("document", "named"),
    [
        (
            {"properties": {"order-info": {"requird": ["order_id"]}}},
            "unsupported keyword 'requird' at #/properties/order-info",
        ),
        ({"properties": {"qty": {"minimun": 1}}}, "unsupported keyword 'minimun' at #/properties/qty"),
        (
            {"properties": {"qty": {"minLength": -1}}},
            "not a valid JSON Schema 2020-12 at #/properties/qty/minLength",
        ),
    ],
)
def test_a_contract_the_validator_cannot_enforce_stops_the_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: dict[str, object], named: str
) -> None:
    # GIVEN a contract with an unsupported keyword (or not a valid schema)
    contract = _contract(tmp_path, document)
    # WHEN build.py runs with it
    status = build.main(["--contract", str(contract), "--output", str(tmp_path / "out")])
    # THEN it exits non-zero naming the keyword and its location, and writes nothing
    assert status != 0
    assert named in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_rule_change_makes_the_committed_rule_table_stale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN the committed output/ and the shipped contract with one more rule (on a member of this
    # test's own: the shipped contract may gain any real rule, e.g. quantity >= 1, without breaking it)
    shutil.copytree(ROOT / "output", tmp_path / "output")
    document = json.loads((ROOT / "handlers" / "record_contract.json").read_text(encoding="utf-8"))
    members = document["properties"]["order-info"].setdefault("properties", {})
    assert "x-test-only" not in members
    members["x-test-only"] = {"type": "integer", "minimum": 7}
    contract = _contract(tmp_path, document)
    # WHEN build.py --check runs with it
    status = build.main(["--check", "--contract", str(contract), "--output", str(tmp_path / "output")])
    # THEN the rule table is stale and the diff shows the new rule
    err = capsys.readouterr().err
    assert status == 1 and f"stale: output/{CONTRACT_TABLE_FILE}" in err
    assert "+| `/order-info/x-test-only` | minimum | 7 | contract_violation |" in err


def test_the_committed_rule_table_lists_the_default_rules_with_their_codes() -> None:
    table = (ROOT / "output" / CONTRACT_TABLE_FILE).read_text(encoding="utf-8")
    for row in (
        '| `/` | type | "object" | not_an_object |',
        "| `/contact-info` | required | present | missing_contact_info |",
        "| `/order-info/order_id` | minLength | 1 | missing_order_id |",
    ):
        assert row in table


def test_the_rule_table_gives_each_rule_its_x_reason_code(tmp_path: Path) -> None:
    # GIVEN the example contract (codes on quantities, prices, the currency, the yen rule)
    table = render_contract_table(
        ROOT / "examples" / "record-contract.json", name="examples/record-contract.json"
    )
    # THEN a rule inside a schema with a code shows it; the if/then branch's own code too; others none
    for row in (
        "| `$defs/quantity` | minimum | 1 | invalid_quantity |",
        "| `$defs/money` | multipleOf | 0.01 | invalid_price |",
        '| `/order-info/currency` | enum | ["USD","EUR","GBP","JPY","CAD"] | invalid_currency |',
        "| `/order-info (then)/price` | multipleOf | 1 | invalid_price |",
        '| `/order-info/currency` | dependentRequired | "present when price is" | contract_violation |',
        "| `/order-info/attributes` | maxProperties | 20 | contract_violation |",
    ):
        assert row in table, row


def test_build_writes_each_contracts_generated_module_and_check_finds_it_stale(tmp_path: Path) -> None:
    # GIVEN the generated modules redirected
    out, generated = tmp_path / "output", tmp_path / "generated"
    assert build.main(["--output", str(out), "--generated", str(generated)]) == 0
    module = generated / "record_contract.py"
    assert module.read_text(encoding="utf-8") == (
        ROOT / "handlers/recordcontract/generated/record_contract.py"
    ).read_text(encoding="utf-8")
    # WHEN the module is edited by hand, THEN --check names it
    module.write_text(module.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert build.main(["--check", "--output", str(out), "--generated", str(generated)]) == 1
