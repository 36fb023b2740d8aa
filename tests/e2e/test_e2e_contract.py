"""Record contracts end to end: a stack whose validator code carries examples/record-contract.json (or
a contract using every keyword the complete record contract added); a file with records breaking
several rules gives one review per bad record, each listing every violation with its path and the
reason code the contract gives it (`x-reason`), counted per reason in the file's ledger, and stores the
good ones. Each stack's code is what a user packages after `python build.py`: the contract and its
generated hot path (handlers/recordcontract/generated/record_contract.py)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import emulator
from emulator.outcome import Executions, ReviewInbox, Upload, ledger_item
from handlers.core.rules import CONTRACT_NAME
from handlers.recordcontract.buildcheck import contract_problems, module_name, render_generated
from tests.builders import valid_order

from .conftest import TEMPLATE, Pipeline, assert_no_loss

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]
EVERY_KEYWORD = REPO / "tests" / "fixtures" / "contracts" / "every-keyword.json"


def _deploy_with(root: Path, contract: Path) -> Pipeline:
    """The rendered template next to a copy of handlers/ whose contract is `contract`, with the module
    build.py generates for it: exactly what a user who copied it over handlers/record_contract.json
    and ran `python build.py` would package and deploy."""
    (root / "output").mkdir()
    shutil.copy(TEMPLATE, root / "output" / "template.json")
    shutil.copytree(REPO / "handlers", root / "handlers", ignore=shutil.ignore_patterns("__pycache__"))
    shipped = root / "handlers" / "record_contract.json"
    shutil.copy(contract, shipped)
    assert contract_problems(shipped, name=CONTRACT_NAME) == []
    module = root / "handlers" / "recordcontract" / "generated" / f"{module_name(CONTRACT_NAME)}.py"
    module.write_text(render_generated(shipped, name=CONTRACT_NAME), encoding="utf-8")
    stack = emulator.deploy_stack(root / "output" / "template.json")
    return Pipeline(stack=stack, executions=Executions(stack), inbox=ReviewInbox(stack))


@pytest.fixture(scope="module")
def example_pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    yield _deploy_with(
        tmp_path_factory.mktemp("example-contract"), REPO / "examples" / "record-contract.json"
    )


@pytest.fixture(scope="module")
def every_keyword_pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    yield _deploy_with(tmp_path_factory.mktemp("every-keyword"), EVERY_KEYWORD)


def test_the_example_contract_reviews_every_violation_of_every_bad_record(
    example_pipeline: Pipeline, uid: str
) -> None:
    # GIVEN a JSON Lines file: two valid orders and three breaking several of the example's rules
    good = [
        valid_order(f"ok-{uid}-{i}", info={"price": Decimal("19.99"), "currency": "EUR"}) for i in range(2)
    ]
    many = valid_order(
        f"bad-{uid}-1",
        info={"quantity": 0, "price": Decimal("0.001"), "currency": "XXX", "order_date": "2023-02-29"},
    )
    many["contact-info"]["email"] = "not-an-email"
    extra = {**valid_order(f"bad-{uid}-2"), "internal_note": "x"}
    no_contact = valid_order(f"bad-{uid}-3", info={"quantity": Decimal("2.5")})
    del no_contact["contact-info"]
    lines = [good[0], many, extra, no_contact, good[1]]
    body = "\n".join(json.dumps(r, default=str) for r in lines)
    body = body.replace('"19.99"', "19.99").replace('"0.001"', "0.001").replace('"2.5"', "2.5")
    # WHEN it is uploaded to the stack that carries the example contract
    target, result = example_pipeline.run(f"contract-{uid}.jsonl", body.encode())
    # THEN the good orders are stored and each bad one has one review listing every violation
    assert_no_loss(result, records=5)
    assert result.stored == 2 and result.rejected == 3
    reviews = {r["record_index"]: r for r in result.reviews}
    found = {i: [(v["path"], v["rule"]) for v in r["violations"]] for i, r in reviews.items()}
    assert found == {
        1: [
            ("/order-info/quantity", "minimum"),
            ("/order-info/price", "multipleOf"),
            ("/order-info/currency", "enum"),
            ("/order-info/order_date", "format"),
            ("/contact-info/email", "format"),
        ],
        2: [("/internal_note", "additionalProperties")],
        3: [("/contact-info", "required"), ("/order-info/quantity", "type")],
    }
    # AND the reason is the code of the first violation that has one (the example's x-reason on
    # quantities; the original rule on contact-info, listed first), else contract_violation
    assert {i: r["reason"] for i, r in reviews.items()} == {
        1: "invalid_quantity",
        2: "contract_violation",
        3: "missing_contact_info",
    }
    assert _by_reason(example_pipeline, target) == {
        "invalid_quantity": 1,
        "contract_violation": 1,
        "missing_contact_info": 1,
    }
    assert all(
        r["schema"] == "sales-pipeline.review/3" and r["violations_omitted"] == 0 for r in reviews.values()
    )


def _by_reason(pipeline: Pipeline, target: Upload) -> dict[str, int]:
    """The file ledger's rejected-record counts per reason code (its DynamoDB map; zeros left out)."""
    item = ledger_item(pipeline.stack, target) or {}
    counts = item["rejected_by_reason"]["M"].items()
    return {reason: int(n["N"]) for reason, n in counts if n["N"] != "0"}


def _order(uid: str, name: str, **order_info: Any) -> dict[str, Any]:
    info = {"order_id": f"{name}-{uid}", "price": 1, "currency": "USD", **order_info}
    return {"order-info": info, "contact-info": {"name": "N", "email": "n@example.com"}}


def test_every_new_keyword_rejects_its_record_with_the_violation_and_the_contracts_reason(
    every_keyword_pipeline: Pipeline, uid: str
) -> None:
    # GIVEN one record per keyword of tests/fixtures/contracts/every-keyword.json, each breaking it alone
    # (index: record, its expected violation (path, keyword), its reason)
    cases: list[tuple[dict[str, Any], tuple[str, str], str]] = [
        (
            {"order-info": {"order_id": f"dep-{uid}", "price": 1}, "contact-info": {"email": "e"}},
            ("/order-info/currency", "dependentRequired"),
            "contract_violation",
        ),
        (_order(uid, "gift", gift=True), ("/order-info/gift_message", "required"), "gift_without_message"),
        (_order(uid, "lines", lines=[{"x": 1}]), ("/order-info/lines", "minContains"), "bad_lines"),
        (
            _order(uid, "lines4", lines=[{"sku": "s"}] * 4),
            ("/order-info/lines", "maxContains"),
            "bad_lines",
        ),
        (
            _order(uid, "names", **{"Bad-Key": 1}),
            ("/order-info/Bad-Key", "propertyNames"),
            "contract_violation",
        ),
        (_order(uid, "price", price=-1), ("/order-info/price", "minimum"), "invalid_price"),
        (
            {"order-info": {"order_id": f"fax-{uid}", "n": 1}, "contact-info": {"email": "e", "fax": "f"}},
            ("/contact-info/fax", "unevaluatedProperties"),
            "contract_violation",
        ),
        (
            {"order-info": {"order_id": f"anyof-{uid}", "n": 1}, "contact-info": {"name": "N"}},
            ("/contact-info", "anyOf"),
            "contract_violation",
        ),
        (
            _order(uid, "tags", tags=["a", 1]),
            ("/order-info/tags/1", "unevaluatedItems"),
            "contract_violation",
        ),
        (_order(uid, "coupon", coupon="X"), ("/order-info/discount", "required"), "contract_violation"),
        (
            {"order-info": {"order_id": f"min-{uid}"}, "contact-info": {"email": "e"}},
            ("/order-info", "minProperties"),
            "contract_violation",
        ),
        (_order(uid, "max", a=1, b=2, c=3, d=4), ("/order-info", "maxProperties"), "contract_violation"),
        (_order(uid, "uneval", note=None), ("/order-info/note", "type"), "contract_violation"),
    ]
    good = [_order(uid, "ok"), _order(uid, "gift-ok", gift=True, gift_message="Enjoy", lines=[{"sku": "s"}])]
    records = [*good, *(record for record, _, _ in cases)]
    body = "\n".join(json.dumps(record) for record in records).encode()
    # WHEN the file is uploaded to the stack whose validator carries that contract
    target, result = every_keyword_pipeline.run(f"every-keyword-{uid}.jsonl", body)
    # THEN the good orders are stored; each bad one has a review listing its one violation, with the
    # reason the contract's x-reason gives it (else contract_violation)
    assert_no_loss(result, records=len(records))
    assert (result.stored, result.rejected) == (len(good), len(cases))
    reviews = {r["record_index"]: r for r in result.reviews}
    found = {i: ([(v["path"], v["rule"]) for v in r["violations"]], r["reason"]) for i, r in reviews.items()}
    assert found == {len(good) + i: ([where], reason) for i, (_, where, reason) in enumerate(cases)}
    assert all(r["violations"][0]["message"] for r in reviews.values())
    # AND the file's ledger counts the rejected records per reason, the contract's codes included
    assert _by_reason(every_keyword_pipeline, target) == {
        "contract_violation": 9,
        "gift_without_message": 1,
        "bad_lines": 2,
        "invalid_price": 1,
    }
