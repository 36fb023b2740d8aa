"""The cost model: counted usage in, dollars out (pure: no AWS, no emulator, no clock).

A `Usage` is what one file (or any set of files) consumed: Standard transitions, Distributed Map
child starts, Express executions with their duration and memory, DynamoDB write/read units, SQS
requests (64 KB chunks), S3 PUT/GET requests, Lambda invocations with duration and memory. `bill`
prices it with benchmarks/prices.py, applying each service's billing units (Express: 100 ms × 64 MB;
Lambda: 1 ms × configured MB; DynamoDB: 1 KB writes, 4 KB reads; SQS: 64 KB chunks).

Issue 17 adds every other billed item: Lambda INIT (cold starts, billed since August 2025), DynamoDB
and PITR storage, S3 storage of the pipeline's own objects for their retention, CloudWatch Logs
ingestion and storage, X-Ray traces (`items` lists each with its count and unit price; storage is
priced for the first month and recurs while kept). Fixed monthly costs (custom metrics, alarms, the
dashboard) are in benchmarks/fixed.py.

The floor (`honest_floor`) is what any design that stores each valid order as one DynamoDB item and
reports each rejected record must pay at least: one S3 GET per file, the write units of each valid
record's item at its real size (and that item's storage for the month), and the cheapest report of
the rejects (one SQS SendMessageBatch request per 10 messages or 64 KB, or one S3 PUT of a review
object per file, whichever is cheaper). The seed design is the original product's shape (a Standard
workflow, an inline Map, a Lambda per record, ~3 transitions per record) in the same model.

Over 300 lines: one pure pricing function per billed item, each a few lines.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from benchmarks import prices

PER_MILLION = 1_000_000
_MB = 1_000_000


def write_units(item_bytes: int) -> int:
    """DynamoDB write request units of one standard write: 1 per started KB, at least 1."""
    return max(1, math.ceil(item_bytes / prices.DYNAMODB_WRITE_UNIT_BYTES))


def read_units(item_bytes: int, *, consistent: bool = True) -> Decimal:
    """Read request units of one read: 1 per started 4 KB (half for an eventually consistent read)."""
    units = Decimal(max(1, math.ceil(item_bytes / prices.DYNAMODB_READ_UNIT_BYTES)))
    return units if consistent else units / 2


def sqs_requests(payload_bytes: int) -> int:
    """Billed SQS requests of one call: one per started 64 KB chunk of its payload."""
    return max(1, math.ceil(payload_bytes / prices.SQS_CHUNK_BYTES))


def express_memory_mb(*, definition_bytes: int, data_bytes: int, map_steps: int = 1) -> float:
    """AWS's estimate: 50 MB + definition size + execution data size × Map/Parallel steps."""
    return prices.EXPRESS_BASE_MEMORY_MB + (definition_bytes + data_bytes * max(1, map_steps)) / _MB


@dataclass(frozen=True)
class Express:
    """`executions` Express executions, each lasting `seconds` and using `memory_mb`."""

    executions: int
    seconds: float
    memory_mb: float

    @property
    def billed_units(self) -> int:
        """Duration units (100 ms, rounded up) × memory chunks (64 MB, rounded up) of one execution."""
        duration = math.ceil(round(self.seconds * 1000, 6) / prices.EXPRESS_DURATION_UNIT_MS)
        memory = math.ceil(round(self.memory_mb, 6) / prices.EXPRESS_MEMORY_UNIT_MB)
        return max(1, duration) * max(1, memory)


@dataclass(frozen=True)
class Lambda:
    """`invocations` of a function configured with `memory_mb`, each lasting `seconds`."""

    invocations: int
    seconds: float
    memory_mb: int
    architecture: str = "arm64"

    @property
    def billed_ms(self) -> int:
        return max(1, math.ceil(round(self.seconds * 1000, 6) / prices.LAMBDA_DURATION_UNIT_MS))


@dataclass(frozen=True)
class Usage:
    standard_transitions: int = 0
    map_child_starts: int = 0
    express: tuple[Express, ...] = ()
    express_transitions: int = 0  # counted for the record; Express does not bill per transition
    dynamodb_write_units: int = 0
    dynamodb_read_units: Decimal = Decimal(0)
    sqs_requests: int = 0
    s3_put: int = 0
    s3_get: int = 0
    lambdas: tuple[Lambda, ...] = ()
    requests: dict[str, int] = field(default_factory=dict)  # by "service:Operation", for the record
    # Issue 17: fractional counts (shares of cold starts, sampled traces, bytes) as Decimals.
    lambda_init_gb_seconds: Decimal = Decimal(0)
    xray_traces: Decimal = Decimal(0)
    log_bytes: Decimal = Decimal(0)  # CloudWatch Logs ingested
    log_byte_months: Decimal = Decimal(0)  # CloudWatch Logs kept (retention)
    dynamodb_byte_months: Decimal = Decimal(0)  # table storage (items + 100 bytes each), first month
    pitr_byte_months: Decimal = Decimal(0)
    s3_byte_months: Decimal = Decimal(0)  # the pipeline's own objects for their retention

    def __add__(self, other: Usage) -> Usage:
        merged = dict(self.requests)
        for name, count in other.requests.items():
            merged[name] = merged.get(name, 0) + count
        return Usage(
            standard_transitions=self.standard_transitions + other.standard_transitions,
            map_child_starts=self.map_child_starts + other.map_child_starts,
            express=self.express + other.express,
            express_transitions=self.express_transitions + other.express_transitions,
            dynamodb_write_units=self.dynamodb_write_units + other.dynamodb_write_units,
            dynamodb_read_units=self.dynamodb_read_units + other.dynamodb_read_units,
            sqs_requests=self.sqs_requests + other.sqs_requests,
            s3_put=self.s3_put + other.s3_put,
            s3_get=self.s3_get + other.s3_get,
            lambdas=self.lambdas + other.lambdas,
            requests=merged,
            **{name: getattr(self, name) + getattr(other, name) for name in _DECIMAL_FIELDS},
        )

    def times(self, files: int) -> Usage:
        """The usage of `files` identical files."""
        return replace(
            self,
            standard_transitions=self.standard_transitions * files,
            map_child_starts=self.map_child_starts * files,
            express=tuple(replace(e, executions=e.executions * files) for e in self.express),
            express_transitions=self.express_transitions * files,
            dynamodb_write_units=self.dynamodb_write_units * files,
            dynamodb_read_units=self.dynamodb_read_units * files,
            sqs_requests=self.sqs_requests * files,
            s3_put=self.s3_put * files,
            s3_get=self.s3_get * files,
            lambdas=tuple(replace(f, invocations=f.invocations * files) for f in self.lambdas),
            requests={name: count * files for name, count in self.requests.items()},
            **{name: getattr(self, name) * files for name in _DECIMAL_FIELDS},
        )


_DECIMAL_FIELDS = (
    "lambda_init_gb_seconds",
    "xray_traces",
    "log_bytes",
    "log_byte_months",
    "dynamodb_byte_months",
    "pitr_byte_months",
    "s3_byte_months",
)


_EXPRESS_UNIT_GB_SECONDS = (Decimal(prices.EXPRESS_MEMORY_UNIT_MB) / 1024) * (
    Decimal(prices.EXPRESS_DURATION_UNIT_MS) / 1000
)
# One Express duration unit (100 ms x 64 MB) in dollars.
EXPRESS_UNIT_PRICE = _EXPRESS_UNIT_GB_SECONDS * prices.EXPRESS_GB_HOUR.each / 3600


def _express_duration(runs: tuple[Express, ...]) -> Decimal:
    return sum((run.executions * run.billed_units * EXPRESS_UNIT_PRICE for run in runs), Decimal(0))


def _express_units(runs: tuple[Express, ...]) -> int:
    return sum(run.executions * run.billed_units for run in runs)


def _lambda_gb_seconds(runs: tuple[Lambda, ...]) -> Decimal:
    return sum(
        (run.invocations * Decimal(run.memory_mb) / 1024 * Decimal(run.billed_ms) / 1000 for run in runs),
        Decimal(0),
    )


def _lambda_duration(runs: tuple[Lambda, ...]) -> Decimal:
    total = Decimal(0)
    for run in runs:
        gb_seconds = Decimal(run.memory_mb) / 1024 * Decimal(run.billed_ms) / 1000
        total += run.invocations * gb_seconds * prices.LAMBDA_GB_SECOND[run.architecture].each
    return total


def bill(usage: Usage) -> dict[str, Decimal]:
    """Dollars by line item (every line present, zero when unused)."""
    return {
        "Step Functions Standard transitions": usage.standard_transitions * prices.STANDARD_TRANSITION.each,
        "Distributed Map child starts": usage.map_child_starts * prices.MAP_CHILD_START.each,
        "Express requests": sum(run.executions for run in usage.express) * prices.EXPRESS_REQUEST.each,
        "Express duration": _express_duration(usage.express),
        "DynamoDB writes": usage.dynamodb_write_units * prices.DYNAMODB_WRITE_UNIT.each,
        "DynamoDB reads": usage.dynamodb_read_units * prices.DYNAMODB_READ_UNIT.each,
        "SQS requests": usage.sqs_requests * prices.SQS_REQUEST.each,
        "S3 PUT requests": usage.s3_put * prices.S3_PUT.each,
        "S3 GET requests": usage.s3_get * prices.S3_GET.each,
        "Lambda requests": sum(run.invocations for run in usage.lambdas) * prices.LAMBDA_REQUEST.each,
        "Lambda duration": _lambda_duration(usage.lambdas),
        "Lambda INIT duration": usage.lambda_init_gb_seconds * prices.LAMBDA_INIT_GB_SECOND.each,
        "DynamoDB storage": usage.dynamodb_byte_months / prices.GB * prices.DYNAMODB_STORAGE.each,
        "DynamoDB PITR": usage.pitr_byte_months / prices.GB * prices.DYNAMODB_PITR.each,
        "S3 storage": usage.s3_byte_months / prices.GB * prices.S3_STORAGE.each,
        "CloudWatch Logs ingestion": usage.log_bytes / prices.GB * prices.LOGS_INGESTION.each,
        "CloudWatch Logs storage": usage.log_byte_months / prices.GB * prices.LOGS_STORAGE.each,
        "X-Ray traces": usage.xray_traces * prices.XRAY_TRACE.each,
    }


# Each line item's count (in its billed unit) and list price per unit.
UNITS = {
    "Step Functions Standard transitions": "transitions",
    "Distributed Map child starts": "child executions",
    "Express requests": "executions",
    "Express duration": "units of 100 ms x 64 MB",
    "DynamoDB writes": "write request units",
    "DynamoDB reads": "read request units",
    "SQS requests": "requests (64 KB chunks)",
    "S3 PUT requests": "PUT/COPY/POST/LIST requests",
    "S3 GET requests": "GET/HEAD requests",
    "Lambda requests": "invocations",
    "Lambda duration": "GB-seconds",
    "Lambda INIT duration": "GB-seconds",
    "DynamoDB storage": "GB-months (first month)",
    "DynamoDB PITR": "GB-months (first month)",
    "S3 storage": "GB-months (manifests, claim packs, for their retention)",
    "CloudWatch Logs ingestion": "GB ingested",
    "CloudWatch Logs storage": "GB-months (log retention)",
    "X-Ray traces": "traces",
}


def counts(usage: Usage) -> dict[str, Decimal]:
    """Each line item's count in its billed unit (UNITS)."""
    return {
        "Step Functions Standard transitions": Decimal(usage.standard_transitions),
        "Distributed Map child starts": Decimal(usage.map_child_starts),
        "Express requests": Decimal(sum(run.executions for run in usage.express)),
        "Express duration": Decimal(_express_units(usage.express)),
        "DynamoDB writes": Decimal(usage.dynamodb_write_units),
        "DynamoDB reads": Decimal(usage.dynamodb_read_units),
        "SQS requests": Decimal(usage.sqs_requests),
        "S3 PUT requests": Decimal(usage.s3_put),
        "S3 GET requests": Decimal(usage.s3_get),
        "Lambda requests": Decimal(sum(run.invocations for run in usage.lambdas)),
        "Lambda duration": _lambda_gb_seconds(usage.lambdas),
        "Lambda INIT duration": usage.lambda_init_gb_seconds,
        "DynamoDB storage": usage.dynamodb_byte_months / prices.GB,
        "DynamoDB PITR": usage.pitr_byte_months / prices.GB,
        "S3 storage": usage.s3_byte_months / prices.GB,
        "CloudWatch Logs ingestion": usage.log_bytes / prices.GB,
        "CloudWatch Logs storage": usage.log_byte_months / prices.GB,
        "X-Ray traces": usage.xray_traces,
    }


LIST_PRICES = {
    "Step Functions Standard transitions": prices.STANDARD_TRANSITION.each,
    "Distributed Map child starts": prices.MAP_CHILD_START.each,
    "Express requests": prices.EXPRESS_REQUEST.each,
    "Express duration": EXPRESS_UNIT_PRICE,
    "DynamoDB writes": prices.DYNAMODB_WRITE_UNIT.each,
    "DynamoDB reads": prices.DYNAMODB_READ_UNIT.each,
    "SQS requests": prices.SQS_REQUEST.each,
    "S3 PUT requests": prices.S3_PUT.each,
    "S3 GET requests": prices.S3_GET.each,
    "Lambda requests": prices.LAMBDA_REQUEST.each,
    "Lambda duration": prices.LAMBDA_GB_SECOND["arm64"].each,
    "Lambda INIT duration": prices.LAMBDA_INIT_GB_SECOND.each,
    "DynamoDB storage": prices.DYNAMODB_STORAGE.each,
    "DynamoDB PITR": prices.DYNAMODB_PITR.each,
    "S3 storage": prices.S3_STORAGE.each,
    "CloudWatch Logs ingestion": prices.LOGS_INGESTION.each,
    "CloudWatch Logs storage": prices.LOGS_STORAGE.each,
    "X-Ray traces": prices.XRAY_TRACE.each,
}


def items(usage: Usage, records: int) -> list[dict[str, Any]]:
    """Every line item per million records: {"item", "unit", "count_per_million", "unit_price",
    "dollars"} (dollars = count x unit price, up to the billed-unit rounding already in the count)."""
    dollars, found = bill(usage), counts(usage)
    return [
        {
            "item": name,
            "unit": UNITS[name],
            "count_per_million": per_million(found[name], records),
            "unit_price": LIST_PRICES[name],
            "dollars": per_million(dollars[name], records),
        }
        for name in dollars
    ]


def total(usage: Usage) -> Decimal:
    return sum(bill(usage).values(), Decimal(0))


def per_million(dollars: Decimal, records: int) -> Decimal:
    """Dollars per million records, from the dollars of `records` records."""
    return dollars * PER_MILLION / records


def floor_usage(*, valid_write_units: int, invalid_sqs_requests: int) -> Usage:
    """The least any design pays: one write per valid record (its units), one send per invalid one."""
    return Usage(dynamodb_write_units=valid_write_units, sqs_requests=invalid_sqs_requests)


# SendMessageBatch: up to 10 messages and 1 MiB a request, each 64 KB chunk billed as one request.
SQS_BATCH_MESSAGES = 10


def cheapest_reject_report(*, rejects: int, review_bytes: int) -> Usage:
    """The cheapest way to report `rejects` records of one file (their reviews `review_bytes` in all):
    batched SQS sends, or one S3 PUT of a review object for the file, whichever costs less."""
    if rejects <= 0:
        return Usage()
    sends = Usage(sqs_requests=max(math.ceil(rejects / SQS_BATCH_MESSAGES), sqs_requests(review_bytes)))
    put = Usage(s3_put=1)
    return sends if total(sends) <= total(put) else put


def honest_floor(
    *, valid_write_units: int, valid_item_bytes: int, valid_items: int, rejects: int, review_bytes: int
) -> Usage:
    """What any design that stores each valid order as one DynamoDB item (at its real size) and reports
    each rejected record pays at least, for one file: one S3 GET of the file, the items' write units and
    first month of storage (with DynamoDB's 100 bytes per item), and the cheapest reject report."""
    stored = valid_item_bytes + valid_items * prices.DYNAMODB_ITEM_OVERHEAD_BYTES
    return Usage(
        s3_get=1, dynamodb_write_units=valid_write_units, dynamodb_byte_months=Decimal(stored)
    ) + cheapest_reject_report(rejects=rejects, review_bytes=review_bytes)


@dataclass(frozen=True)
class SeedDesign:
    """The original product's shape. Counts from its description; durations are assumptions."""

    file_transitions: int = 3  # start the Map, read the file, end
    record_transitions: int = 3  # per Map iteration: Lambda task, Choice, put or send
    record_lambda_seconds: float = 0.05
    record_lambda_memory_mb: int = 128
    architecture: str = "x86_64"  # Lambda's default; the seed named none
    file_lambda_seconds: float = 0.2

    def usage(self, *, records: int, valid_write_units: int, invalid_sqs_requests: int) -> Usage:
        """One file of `records` records in the seed design."""
        return floor_usage(
            valid_write_units=valid_write_units, invalid_sqs_requests=invalid_sqs_requests
        ) + Usage(
            standard_transitions=self.file_transitions + self.record_transitions * records,
            s3_get=1,
            lambdas=(
                Lambda(1, self.file_lambda_seconds, self.record_lambda_memory_mb, self.architecture),
                Lambda(records, self.record_lambda_seconds, self.record_lambda_memory_mb, self.architecture),
            ),
        )
