"""Every billed resource type the template creates is priced; the fixed monthly costs from the template."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from benchmarks import cost, fixed
from benchmarks.pipeline import SCENARIOS, scenario_json
from benchmarks.usage import Assumptions, Run, scenario

TEMPLATE = Path(__file__).resolve().parents[3] / "output" / "template.json"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(TEMPLATE.read_text())
    return loaded


def priced_items() -> set[str]:
    """The line items the benchmark prints for every scenario, and the fixed monthly ones."""
    return set(cost.UNITS) | set(fixed.FIXED_ITEMS)


def test_every_resource_type_of_the_template_is_priced_or_known_free(template: dict[str, Any]) -> None:
    """Failure class: a billed resource nobody priced (the audit found X-Ray, logs, INIT, storage and
    the fixed CloudWatch costs missing). A new resource type in output/template.json fails here until
    benchmarks/fixed.py maps it to priced items (or states why it bills nothing)."""
    assert fixed.unpriced_types(template, priced_items()) == []


def test_a_new_resource_type_without_a_price_fails(template: dict[str, Any]) -> None:
    # GIVEN the template with one more resource of a type the model does not know
    grown = copy.deepcopy(template)
    grown["Resources"]["Schedule"] = {"Type": "AWS::Scheduler::Schedule", "Properties": {}}
    # THEN it is reported; and an item name the model does not print is reported too
    assert fixed.unpriced_types(grown, priced_items()) == [
        "AWS::Scheduler::Schedule: no priced item and not known to be free"
    ]
    assert fixed.unpriced_types(template, priced_items() - {"X-Ray traces"}) == [
        "AWS::StepFunctions::StateMachine: 'X-Ray traces' is not a priced item"
    ]


def test_every_priced_item_is_in_every_scenario_json() -> None:
    # GIVEN a scenario's JSON object
    run = Run(
        records=10, valid=9, invalid=1, large=0, batches=1, requests={"lambda:Invoke": 1},
        parent_states=9, child_states=21, order_items=9, order_write_units=9, review_messages=1,
        review_sqs_requests=1, order_item_bytes=9000, review_bytes=800,
    )  # fmt: skip
    row = scenario([run], Assumptions(validator_records_per_s=1000.0), records_per_file=10)
    found = scenario_json(SCENARIOS[3], row, [])
    # THEN it has the keys, every line item (zeros too) with count x unit price
    assert {
        "scenario", "records_per_file", "dollars_per_million_records", "floor", "ratio_to_floor",
        "items", "fixed_monthly_dollars",
    } <= set(found)  # fmt: skip
    assert [item["item"] for item in found["items"]] == list(cost.UNITS)
    for item in found["items"]:
        assert set(item) >= {"item", "count_per_million", "unit_price", "dollars"}
    total = sum(item["dollars"] for item in found["items"])
    assert abs(total - found["dollars_per_million_records"]) < 1e-4
    assert found["ratio_to_floor"] == round(found["dollars_per_million_records"] / found["floor"], 3)


def test_fixed_monthly_counts_alarm_metrics_dashboards_and_emf_metrics() -> None:
    # GIVEN a template with a plain alarm, a metric-math alarm over two metrics and a dashboard
    template = {
        "Resources": {
            "A": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"MetricName": "m"}},
            "B": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {"Metrics": [{"MetricStat": {}}, {"MetricStat": {}}, {"Expression": "x"}]},
            },
            "D": {"Type": "AWS::CloudWatch::Dashboard", "Properties": {}},
        }
    }
    rows = {row["item"]: row for row in fixed.fixed_monthly(template, reasons=2)}
    # THEN 3 alarm metrics ($0.30), one dashboard ($3), 7 file metrics + 2 reason metrics ($2.70)
    assert rows[fixed.ALARMS]["dollars"] == Decimal("0.30")
    assert rows[fixed.DASHBOARDS]["dollars"] == Decimal("3.00")
    assert rows[fixed.CUSTOM_METRICS]["count"] == 9
    assert fixed.fixed_total(list(rows.values())) == Decimal("6.00")
