"""The example record contract end to end: a stack whose validator code carries
examples/record-contract.json; a file with records breaking several rules gives one review per bad
record, each listing every violation with its path, and stores the good ones."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

import emulator
from emulator.outcome import Executions, ReviewInbox
from tests.order_builder import valid_order

from .conftest import TEMPLATE, Pipeline, assert_no_loss

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def example_pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    # The rendered template next to a copy of handlers/ whose contract is the example: exactly what a
    # user who copied the example over handlers/record_contract.json would package and deploy.
    root = tmp_path_factory.mktemp("example-contract")
    (root / "output").mkdir()
    shutil.copy(TEMPLATE, root / "output" / "template.json")
    shutil.copytree(REPO / "handlers", root / "handlers", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "examples" / "record-contract.json", root / "handlers" / "record_contract.json")
    stack = emulator.deploy_stack(root / "output" / "template.json")
    yield Pipeline(stack=stack, executions=Executions(stack), inbox=ReviewInbox(stack))


def test_the_example_contract_reviews_every_violation_of_every_bad_record(
    example_pipeline: Pipeline, uid: str
) -> None:
    # GIVEN a JSON Lines file: two valid orders and three breaking several of the example's rules
    good = [valid_order(f"ok-{uid}-{i}", price=Decimal("19.99"), currency="EUR") for i in range(2)]
    many = valid_order(
        f"bad-{uid}-1", quantity=0, price=Decimal("0.001"), currency="XXX", order_date="2023-02-29"
    )
    many["contact-info"]["email"] = "not-an-email"
    extra = {**valid_order(f"bad-{uid}-2"), "internal_note": "x"}
    no_contact = valid_order(f"bad-{uid}-3", quantity=Decimal("2.5"))
    del no_contact["contact-info"]
    lines = [good[0], many, extra, no_contact, good[1]]
    body = "\n".join(json.dumps(r, default=str) for r in lines)
    body = body.replace('"19.99"', "19.99").replace('"0.001"', "0.001").replace('"2.5"', "2.5")
    # WHEN it is uploaded to the stack that carries the example contract
    _, result = example_pipeline.run(f"contract-{uid}.jsonl", body.encode())
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
    assert {i: r["reason"] for i, r in reviews.items()} == {
        1: "contract_violation",
        2: "contract_violation",
        3: "missing_contact_info",
    }
    assert all(
        r["schema"] == "sales-pipeline.review/3" and r["violations_omitted"] == 0 for r in reviews.values()
    )
