"""The cost model: counted usage in, dollars out (pure: no AWS, no emulator, no clock).

A `Usage` is what one file (or any set of files) consumed: Standard transitions, Distributed Map
child starts, Express executions with their duration and memory, DynamoDB write/read units, SQS
requests (64 KB chunks), S3 PUT/GET requests, Lambda invocations with duration and memory. `bill`
prices it with benchmarks/prices.py, applying each service's billing units (Express: 100 ms × 64 MB;
Lambda: 1 ms × configured MB; DynamoDB: 1 KB writes, 4 KB reads; SQS: 64 KB chunks).

The floor is what storing the records costs at the least: one write per valid record at its write
units and one SQS request per invalid record. The seed design is the original product's shape
(a Standard workflow, an inline Map, a Lambda per record, ~3 transitions per record) in the same model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from decimal import Decimal

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
        )


def _express_duration(runs: tuple[Express, ...]) -> Decimal:
    unit_gb_seconds = (Decimal(prices.EXPRESS_MEMORY_UNIT_MB) / 1024) * (
        Decimal(prices.EXPRESS_DURATION_UNIT_MS) / 1000
    )
    per_gb_second = prices.EXPRESS_GB_HOUR.each / 3600
    return sum(
        (run.executions * run.billed_units * unit_gb_seconds * per_gb_second for run in runs), Decimal(0)
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
    }


def total(usage: Usage) -> Decimal:
    return sum(bill(usage).values(), Decimal(0))


def per_million(dollars: Decimal, records: int) -> Decimal:
    """Dollars per million records, from the dollars of `records` records."""
    return dollars * PER_MILLION / records


def floor_usage(*, valid_write_units: int, invalid_sqs_requests: int) -> Usage:
    """The least any design pays: one write per valid record (its units), one send per invalid one."""
    return Usage(dynamodb_write_units=valid_write_units, sqs_requests=invalid_sqs_requests)


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
