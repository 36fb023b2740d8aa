"""The one price table of the cost model: AWS list prices, us-east-1, on-demand, no free tier.

Checked on PRICES_CHECKED against the pages named by each price. The Step Functions figures were
read on the AWS pricing page itself ($0.0250 per 1,000 transitions in US East (N. Virginia); Express:
requests, plus duration rounded up to 100 ms with memory billed in 64-MB chunks, $0.06000 per GB-hour
for the first 1,000 GB-hours a month, i.e. $0.0000166667 per GB-second; lower tiers beyond are not
used here) and the "one transition per child execution" rule on the Step Functions developer guide's
transitions page. The others are the us-east-1 list prices of the pages named (DynamoDB's on-demand
figures are those after the November 2024 reduction). Storage, CloudWatch and X-Ray prices are the
us-east-1 list prices of their pages. Change a price here and only here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

REGION = "us-east-1"
PRICES_CHECKED = "2026-12-06"

STEP_FUNCTIONS_PAGE = "https://aws.amazon.com/step-functions/pricing/"
TRANSITIONS_PAGE = "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-transitions.html"
DYNAMODB_PAGE = "https://aws.amazon.com/dynamodb/pricing/on-demand/"
SQS_PAGE = "https://aws.amazon.com/sqs/pricing/"
S3_PAGE = "https://aws.amazon.com/s3/pricing/"
LAMBDA_PAGE = "https://aws.amazon.com/lambda/pricing/"
CLOUDWATCH_PAGE = "https://aws.amazon.com/cloudwatch/pricing/"
XRAY_PAGE = "https://aws.amazon.com/xray/pricing/"
KMS_PAGE = "https://aws.amazon.com/kms/pricing/"
LAMBDA_INIT_PAGE = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html"
# Storage is billed per GB-month, GB = 2^30 bytes; a month is 730 hours.
GB = 2**30
MONTH_DAYS = Decimal(730) / 24


@dataclass(frozen=True)
class Price:
    """`usd` for every `per` units of `unit`, from `page`."""

    usd: Decimal
    per: int
    unit: str
    page: str

    @property
    def each(self) -> Decimal:
        return self.usd / self.per


# Standard workflows: per state transition (retries count; a Distributed Map child start is one).
STANDARD_TRANSITION = Price(Decimal("0.025"), 1_000, "state transition", STEP_FUNCTIONS_PAGE)
MAP_CHILD_START = Price(Decimal("0.025"), 1_000, "Distributed Map child execution started", TRANSITIONS_PAGE)
# Express workflows: per execution started, plus duration (100 ms units) × memory (64-MB chunks).
EXPRESS_REQUEST = Price(Decimal("1.00"), 1_000_000, "Express execution", STEP_FUNCTIONS_PAGE)
EXPRESS_GB_HOUR = Price(
    Decimal("0.06"), 1, "GB-hour of Express duration (first 1,000 GB-hours)", STEP_FUNCTIONS_PAGE
)
EXPRESS_DURATION_UNIT_MS = 100
EXPRESS_MEMORY_UNIT_MB = 64
# AWS's estimate of an Express execution's memory: 50 MB + definition + data × Map/Parallel steps.
EXPRESS_BASE_MEMORY_MB = 50
# DynamoDB on-demand: write request units of 1 KB (rounded up per item), read units of 4 KB.
DYNAMODB_WRITE_UNIT = Price(Decimal("0.625"), 1_000_000, "write request unit (1 KB)", DYNAMODB_PAGE)
DYNAMODB_READ_UNIT = Price(Decimal("0.125"), 1_000_000, "read request unit (4 KB)", DYNAMODB_PAGE)
DYNAMODB_WRITE_UNIT_BYTES = 1024
DYNAMODB_READ_UNIT_BYTES = 4096
# SQS standard queue: per request, every 64 KB chunk of a payload counting as one request.
SQS_REQUEST = Price(Decimal("0.40"), 1_000_000, "request (64 KB chunk)", SQS_PAGE)
SQS_CHUNK_BYTES = 64 * 1024
# S3 Standard requests: PUT/COPY/POST/LIST (incl. multipart parts) and GET/SELECT (incl. HEAD).
S3_PUT = Price(Decimal("0.005"), 1_000, "PUT, COPY, POST or LIST request", S3_PAGE)
S3_GET = Price(Decimal("0.0004"), 1_000, "GET or HEAD request", S3_PAGE)
# Lambda: per request, plus GB-seconds (duration rounded up to 1 ms). The template's functions are
# arm64 (resources/compute.py ARCHITECTURE), so arm64 is what the model bills.
LAMBDA_REQUEST = Price(Decimal("0.20"), 1_000_000, "Lambda request", LAMBDA_PAGE)
LAMBDA_GB_SECOND = {
    "arm64": Price(Decimal("0.0000133334"), 1, "GB-second (arm64, first 7.5 billion)", LAMBDA_PAGE),
    "x86_64": Price(Decimal("0.0000166667"), 1, "GB-second (x86_64, first 6 billion)", LAMBDA_PAGE),
}
LAMBDA_DURATION_UNIT_MS = 1
# Since 1 August 2025 the INIT phase of on-demand ZIP functions is billed as duration (same GB-second
# price); counted separately here, for the cold-start share of invocations.
LAMBDA_INIT_GB_SECOND = Price(
    Decimal("0.0000133334"), 1, "GB-second of Lambda INIT (arm64, billed since 2025-08-01)", LAMBDA_INIT_PAGE
)
# Storage: DynamoDB Standard table class and its point-in-time recovery; S3 Standard (first 50 TB).
DYNAMODB_STORAGE = Price(Decimal("0.25"), 1, "GB-month of DynamoDB storage (Standard)", DYNAMODB_PAGE)
DYNAMODB_PITR = Price(Decimal("0.20"), 1, "GB-month of DynamoDB point-in-time recovery", DYNAMODB_PAGE)
# DynamoDB stores 100 bytes of overhead with every item (billed storage, not write units).
DYNAMODB_ITEM_OVERHEAD_BYTES = 100
S3_STORAGE = Price(Decimal("0.023"), 1, "GB-month of S3 Standard storage", S3_PAGE)
# CloudWatch: Logs ingestion and storage (Standard class), custom metrics (EMF: each name x dimension
# combination is a metric), standard-resolution alarms (per metric), dashboards (beyond 3 free).
LOGS_INGESTION = Price(Decimal("0.50"), 1, "GB of CloudWatch Logs ingested (Standard)", CLOUDWATCH_PAGE)
LOGS_STORAGE = Price(Decimal("0.03"), 1, "GB-month of CloudWatch Logs archived", CLOUDWATCH_PAGE)
CUSTOM_METRIC = Price(Decimal("0.30"), 1, "custom metric-month (first 10,000)", CLOUDWATCH_PAGE)
ALARM_METRIC = Price(Decimal("0.10"), 1, "standard-resolution alarm metric-month", CLOUDWATCH_PAGE)
DASHBOARD = Price(Decimal("3.00"), 1, "dashboard-month (beyond 3 free per account)", CLOUDWATCH_PAGE)
# KMS: a customer managed key (the alarm topic's, only with AlarmEmail), per month.
KMS_KEY = Price(Decimal("1.00"), 1, "KMS customer managed key-month", KMS_PAGE)
# X-Ray: traces recorded (first 100,000 a month free; not applied here, like every free tier).
XRAY_TRACE = Price(Decimal("5.00"), 1_000_000, "X-Ray trace recorded", XRAY_PAGE)

ALL = {
    "STANDARD_TRANSITION": STANDARD_TRANSITION,
    "MAP_CHILD_START": MAP_CHILD_START,
    "EXPRESS_REQUEST": EXPRESS_REQUEST,
    "EXPRESS_GB_HOUR": EXPRESS_GB_HOUR,
    "DYNAMODB_WRITE_UNIT": DYNAMODB_WRITE_UNIT,
    "DYNAMODB_READ_UNIT": DYNAMODB_READ_UNIT,
    "SQS_REQUEST": SQS_REQUEST,
    "S3_PUT": S3_PUT,
    "S3_GET": S3_GET,
    "LAMBDA_REQUEST": LAMBDA_REQUEST,
    "LAMBDA_GB_SECOND_ARM64": LAMBDA_GB_SECOND["arm64"],
    "LAMBDA_GB_SECOND_X86_64": LAMBDA_GB_SECOND["x86_64"],
    "LAMBDA_INIT_GB_SECOND": LAMBDA_INIT_GB_SECOND,
    "DYNAMODB_STORAGE": DYNAMODB_STORAGE,
    "DYNAMODB_PITR": DYNAMODB_PITR,
    "S3_STORAGE": S3_STORAGE,
    "LOGS_INGESTION": LOGS_INGESTION,
    "LOGS_STORAGE": LOGS_STORAGE,
    "XRAY_TRACE": XRAY_TRACE,
    "CUSTOM_METRIC": CUSTOM_METRIC,
    "ALARM_METRIC": ALARM_METRIC,
    "DASHBOARD": DASHBOARD,
    "KMS_KEY": KMS_KEY,
}


def table_markdown() -> str:
    """The price table as markdown (for docs/performance-and-cost.md and the benchmark's output)."""
    rows = [
        f"Prices: {REGION}, list prices checked {PRICES_CHECKED}, no free tier.",
        "",
        "| price | USD | per | source |",
        "|---|---|---|---|",
    ]
    rows += [f"| {p.unit} | {p.usd} | {p.per:,} | {p.page} |" for p in ALL.values()]
    return "\n".join(rows)
