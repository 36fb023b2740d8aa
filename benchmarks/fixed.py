"""What the template bills whatever the traffic (per month), and which priced item each resource type is.

Fixed monthly: the validator's EMF custom metrics (handlers/adapters/metrics.py: each metric name x dimension
combination is one metric, billed per month it receives data), the alarms (one per metric they read:
a metric-math alarm counts each metric), the dashboard. Read from output/template.json, so a new alarm
or dashboard changes the figure. `RESOURCE_ITEMS` names, for every resource type the template may
create, the priced line items it bills (benchmarks/cost.py UNITS, or FIXED_ITEMS here) or why it bills
nothing: tests/unit/benchmarks/test_fixed.py fails for a type the template creates that is in neither.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from benchmarks import prices
from handlers.adapters import metrics
from handlers.seams.settings import FILE_REASONS, REASON_CONFLICT, RECORD_REASONS

CUSTOM_METRICS = "CloudWatch custom metrics (EMF)"
ALARMS = "CloudWatch alarms"
DASHBOARDS = "CloudWatch dashboard"
KMS_KEYS = "KMS keys"
FIXED_ITEMS = (CUSTOM_METRICS, ALARMS, DASHBOARDS, KMS_KEYS)

_TRANSFER = ("S3 GET requests", "S3 PUT requests", "S3 storage")
_TABLE = ("DynamoDB writes", "DynamoDB reads", "DynamoDB storage", "DynamoDB PITR")
_MACHINE = (
    "Step Functions Standard transitions",
    "Distributed Map child starts",
    "Express requests",
    "Express duration",
    "X-Ray traces",
)
RESOURCE_ITEMS: dict[str, tuple[str, ...]] = {
    "AWS::S3::Bucket": _TRANSFER,
    "AWS::DynamoDB::Table": _TABLE,
    "AWS::SQS::Queue": ("SQS requests",),
    "AWS::StepFunctions::StateMachine": _MACHINE,
    "AWS::Lambda::Function": ("Lambda requests", "Lambda duration", "Lambda INIT duration", CUSTOM_METRICS),
    "AWS::Logs::LogGroup": ("CloudWatch Logs ingestion", "CloudWatch Logs storage"),
    "AWS::CloudWatch::Alarm": (ALARMS,),
    "AWS::CloudWatch::Dashboard": (DASHBOARDS,),
    "AWS::KMS::Key": (KMS_KEYS,),
}
# Resource types that bill nothing themselves, and why.
FREE: dict[str, str] = {
    "AWS::IAM::Role": "IAM is free",
    "AWS::IAM::Policy": "IAM is free",
    "AWS::S3::BucketPolicy": "a bucket policy is free",
    "AWS::SQS::QueuePolicy": "a queue policy is free",
    "AWS::Events::Rule": (
        "S3 events on the default event bus, scheduled rules and delivery to Step Functions targets are "
        "free (EventBridge bills custom and partner events, not AWS service events)"
    ),
    "AWS::Lambda::Permission": "a function's resource policy is free",
    "AWS::SNS::Subscription": "an email subscription is free (1,000 email deliveries a month free)",
    "AWS::SNS::Topic": (
        "a topic is free; alarm notifications are a few a month (SNS: the first million requests and "
        "1,000 email deliveries a month are free)"
    ),
}


def unpriced_types(template: dict[str, Any], priced_items: set[str]) -> list[str]:
    """Resource types of `template` with no price: in neither RESOURCE_ITEMS nor FREE, or mapped to an
    item that `priced_items` (the cost model's line items and FIXED_ITEMS) does not hold."""
    problems = []
    for kind in sorted({resource["Type"] for resource in template["Resources"].values()}):
        if kind in FREE:
            continue
        named = RESOURCE_ITEMS.get(kind)
        if not named:
            problems.append(f"{kind}: no priced item and not known to be free")
        problems += [
            f"{kind}: {item!r} is not a priced item" for item in named or () if item not in priced_items
        ]
    return problems


def custom_metrics(reasons: int) -> int:
    """Metrics the validator publishes in a month in which `reasons` distinct reason codes occurred:
    the per-file metrics (dimension FunctionName) plus one per reason code (dimension Reason)."""
    return len(metrics.FILE_METRICS) + reasons


def max_reasons() -> int:
    """Every reason code the validator can publish (conflicts are found by the state machine)."""
    return len([r for r in RECORD_REASONS if r != REASON_CONFLICT]) + len(FILE_REASONS)


def alarm_metrics(template: dict[str, Any]) -> int:
    """Billed alarm metrics: one per standard alarm, one per MetricStat of a metric-math alarm."""
    total = 0
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::CloudWatch::Alarm":
            queries = resource["Properties"].get("Metrics")
            total += sum("MetricStat" in query for query in queries) if queries else 1
    return total


def dashboards(template: dict[str, Any]) -> int:
    return sum(r["Type"] == "AWS::CloudWatch::Dashboard" for r in template["Resources"].values())


def kms_keys(template: dict[str, Any]) -> int:
    return sum(r["Type"] == "AWS::KMS::Key" for r in template["Resources"].values())


def fixed_monthly(template: dict[str, Any], *, reasons: int) -> list[dict[str, Any]]:
    """The fixed monthly items: {"item", "count", "unit_price", "dollars", "turn_off"}."""
    rows = [
        (
            CUSTOM_METRICS,
            custom_metrics(reasons),
            prices.CUSTOM_METRIC.each,
            "billed only for months (prorated by hour) in which files arrive; no parameter",
        ),
        (ALARMS, alarm_metrics(template), prices.ALARM_METRIC.each, "delete an alarm you do not watch"),
        (
            DASHBOARDS,
            dashboards(template),
            prices.DASHBOARD.each,
            "free when the account has fewer than 3 other dashboards; deletable",
        ),
        (
            KMS_KEYS,
            kms_keys(template),
            prices.KMS_KEY.each,
            "only with AlarmEmail (the alarm topic's key); name your own topic in AlarmTopicArn instead",
        ),
    ]
    return [
        {"item": name, "count": count, "unit_price": price, "dollars": price * count, "turn_off": note}
        for name, count, price, note in rows
    ]


def fixed_total(rows: list[dict[str, Any]]) -> Decimal:
    return sum((row["dollars"] for row in rows), Decimal(0))
