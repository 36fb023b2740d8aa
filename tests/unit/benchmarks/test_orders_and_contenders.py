"""The seeded orders and the three contenders on a small file (seconds)."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from benchmarks import contenders, orders


def test_orders_are_seeded_and_one_in_ten_invalid() -> None:
    assert orders.body(50, seed=3) == orders.body(50, seed=3)
    assert orders.body(50, seed=3) != orders.body(50, seed=4)
    records = [json.loads(line) for line in orders.body(100).splitlines()]
    reasons = [contenders.check(record) for record in records]
    assert sum(reason is not None for reason in reasons) == 10
    assert {r for r in reasons if r} == set(orders.INVALID_KINDS)


def test_both_forms_hold_the_same_records_with_exact_numbers() -> None:
    lines = [json.loads(line, parse_float=Decimal) for line in orders.body(30).splitlines()]
    array = json.loads(orders.body(30, form="array"), parse_float=Decimal)
    assert lines == array
    assert any(
        isinstance(line["order-info"]["lines"][0]["unit_price"], Decimal)
        for line in lines
        if contenders.check(line) is None
    )


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_bare_array_reader_decodes_across_any_chunk_boundary(chunk: int) -> None:
    body = orders.body(40, form="array")
    assert list(contenders.iter_array(io.BytesIO(body), chunk=chunk)) == json.loads(body, parse_float=Decimal)


def test_bare_array_reader_rejects_a_truncated_array() -> None:
    with pytest.raises(json.JSONDecodeError):
        list(contenders.iter_array(io.BytesIO(orders.body(3, form="array")[:-8]), chunk=16))


@pytest.mark.parametrize("form", ["jsonl", "array"])
def test_contenders_agree_on_counts(tmp_path: Path, form: str) -> None:
    stats = orders.write_file(tmp_path, form, 250)
    results = {name: contenders.run(name, form, stats.path) for name in contenders.CONTENDERS}
    for result in results.values():
        assert (result["records"], result["valid"], result["invalid"]) == (250, 225, 25)
        assert result["seconds"] > 0 and result["peak_rss_mb"] > 0
    # The naive contender cuts batches at 100 records; the validator fills them by bytes (~1 KB entries).
    assert results["naive"]["batches"] == 3
    assert results["validator"]["batches"] == 2


def test_the_contract_contenders_agree_on_the_counts(tmp_path) -> None:
    # GIVEN one seeded file / WHEN the validator runs with the ifs, the default and the example contract
    # (each in its own process, as the scoreboard runs them)
    import json as _json
    import subprocess
    import sys

    from benchmarks import orders as _orders

    stats = _orders.write_file(tmp_path, "jsonl", 300, seed=3)
    results = {}
    for name in ("validator-ifs", "validator", "validator-example"):
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.contenders", name, "jsonl", str(stats.path)],
            check=True,
            capture_output=True,
            text=True,
        )
        results[name] = _json.loads(done.stdout.strip().splitlines()[-1])
    # THEN the example contract accepts exactly the orders the original rules accept
    assert len({(r["records"], r["valid"], r["large"], r["invalid"]) for r in results.values()}) == 1
    assert results["validator"]["invalid"] == 30


def test_a_contract_contender_leaves_the_product_rules_in_place(tmp_path) -> None:
    import handlers.core.classify
    from benchmarks import contenders as _contenders
    from benchmarks import orders as _orders

    before = vars(handlers.core.classify)["RULES"]
    stats = _orders.write_file(tmp_path, "jsonl", 20, seed=3)
    _contenders.run("validator-example", "jsonl", stats.path)
    assert vars(handlers.core.classify)["RULES"] is before


@pytest.mark.parametrize("form", ["jsonl", "array"])
def test_the_flat_shape_has_five_invalid_kinds_and_the_contenders_agree(tmp_path: Path, form: str) -> None:
    """The second record shape of the scoreboard: floats, tags, nulls, booleans; 10 % invalid
    of five kinds, which every contender counts alike."""
    records = list(orders.records(50, profile="flat"))
    spoiled = [r for i, r in enumerate(records) if i % 10 == 9]
    assert [contenders.check(r) for r in spoiled] == [
        "missing_contact_info", "missing_order_id", "missing_order_info", "not_an_object", "missing_order_id"
    ]  # fmt: skip
    assert spoiled[4]["order-info"]["order_id"] == ""  # the fifth kind: an empty id, not a missing one
    assert any(isinstance(v, bool) for v in records[0]["order-info"].values())
    stats = orders.write_file(tmp_path, form, 250, profile="flat")
    results = {name: contenders.run(name, form, stats.path) for name in ("naive", "validator")}
    for result in results.values():
        assert (result["records"], result["valid"], result["invalid"]) == (250, 225, 25)


def test_a_contender_run_leaves_the_environment_as_it_was(tmp_path: Path) -> None:
    """Failure class: a benchmark run in-process left MAX_REJECTED_RECORDS=10**12 in os.environ, and a
    later test of the same worker saw the validator's conflict budget at 999999999999 (an
    order-dependent failure of tests/functional/test_functional_adapters.py)."""
    import os

    stats = orders.write_file(tmp_path, "jsonl", 20)
    before = {name: os.environ.get(name) for name in ("MAX_REJECTED_RECORDS", "MAX_FILE_BYTES")}
    contenders.run("validator", "jsonl", stats.path)
    assert {name: os.environ.get(name) for name in before} == before
