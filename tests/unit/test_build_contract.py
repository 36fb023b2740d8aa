"""build.py and the record contract: a keyword outside the subset (or an invalid schema) stops the
build naming it; a contract change changes a committed file (output/record-contract.md)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import build
from handlers.recordcontract.buildcheck import CONTRACT_TABLE_FILE

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
    # GIVEN the committed output/ and the shipped contract with one more rule
    shutil.copytree(ROOT / "output", tmp_path / "output")
    document = json.loads((ROOT / "handlers" / "record_contract.json").read_text(encoding="utf-8"))
    document["properties"]["order-info"]["properties"]["quantity"] = {"type": "integer", "minimum": 1}
    contract = _contract(tmp_path, document)
    # WHEN build.py --check runs with it
    status = build.main(["--check", "--contract", str(contract), "--output", str(tmp_path / "output")])
    # THEN the rule table is stale and the diff shows the new rule
    err = capsys.readouterr().err
    assert status == 1 and f"stale: output/{CONTRACT_TABLE_FILE}" in err
    assert "+| `/order-info/quantity` | minimum | 1 | contract_violation |" in err


def test_the_committed_rule_table_lists_the_default_rules_with_their_codes() -> None:
    table = (ROOT / "output" / CONTRACT_TABLE_FILE).read_text(encoding="utf-8")
    for row in (
        '| `/` | type | "object" | not_an_object |',
        "| `/contact-info` | required | present | missing_contact_info |",
        "| `/order-info/order_id` | minLength | 1 | missing_order_id |",
    ):
        assert row in table
