"""From what one emulator run counted to the cost model's Usage; scaling a measured run to larger files.

Pure: a `Run` holds the counts of one file's trip through the emulated pipeline; `usage_of` turns it
into billable usage with the few figures the emulator cannot measure (durations on AWS), which are
`Assumptions` stated in one place; `extrapolate` scales the per-file and per-record parts measured on
two files of different sizes to any size.

Over 300 lines: one mapping per counted item, from the emulator's counts to the cost model's usage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from decimal import Decimal

from benchmarks import cost, prices
from handlers.seams.throughput import RECORD_CONCURRENCY

S3_PUT_CLASS = frozenset(
    {
        "PutObject",
        "UploadPart",
        "CreateMultipartUpload",
        "CompleteMultipartUpload",
        "CopyObject",
        "UploadPartCopy",
        "ListObjects",
        "ListObjectsV2",
        "POST",
    }
)
S3_GET_CLASS = frozenset({"GetObject", "HeadObject"})
S3_FREE = frozenset({"DeleteObject", "DeleteObjects", "AbortMultipartUpload"})
DYNAMODB_WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem"})
DYNAMODB_READS = frozenset({"GetItem", "Query", "Scan"})
# The Step Functions payload limit: the most data an Express child can be given.
CHILD_DATA_BYTES = 262_144


@dataclass(frozen=True)
class Run:
    """What one file cost in the emulator (counts), with the validator's summary."""

    records: int
    valid: int
    invalid: int
    large: int
    batches: int
    requests: dict[str, int]  # the pipeline's own requests by "service:Operation"
    parent_states: int
    child_states: int
    order_items: int  # items stored for this file
    order_write_units: int  # their write units (from their DynamoDB sizes)
    review_messages: int
    review_sqs_requests: int  # their billed SQS requests (64 KB chunks)
    # The small-file lane: its top-level EXPRESS executions and the states they entered.
    express_executions: int = 0
    express_states: int = 0
    # Issue 17, measured in the same run: the stored items' DynamoDB bytes (orders; the file's ledger
    # item), the review messages' bytes, the Lambda handlers' log output (as AWS would write the lines,
    # benchmarks/logbytes.py), the pipeline's own S3 objects written (manifests, claim packs) and the
    # top-level executions started (what X-Ray would trace).
    order_item_bytes: int = 0
    ledger_item_bytes: int = 0
    review_bytes: int = 0
    lambda_log_bytes: int = 0
    work_bytes: int = 0
    claim_bytes: int = 0
    executions: int = 0


@dataclass(frozen=True)
class Assumptions:
    """What the emulator cannot measure. Durations are AWS-side estimates, not measurements."""

    validator_records_per_s: float  # measured: the validator core on this machine, one full core
    validator_memory_mb: int = 1024  # the template's ValidatorMemorySize default
    full_core_mb: int = 1769  # Lambda gives one full vCPU at 1,769 MB; less memory, less CPU
    validator_overhead_s: float = 0.3  # start, S3 GET first byte, manifest PUT
    # Inline (small-file lane): a warm invoke and one S3 GET of a small object, no manifest PUT.
    inline_validator_overhead_s: float = 0.05
    store_large_seconds: float = 0.2
    store_large_memory_mb: int = 256
    record_concurrency: int = RECORD_CONCURRENCY
    task_seconds: float = 0.05  # one service-integration task (DynamoDB put, SQS send) in a child
    child_definition_bytes: int = 20_000
    small_file_definition_bytes: int = 30_000
    architecture: str = "arm64"  # resources/compute.py ARCHITECTURE
    # Issue 17: scenario inputs and the template's retention defaults.
    cold_start_share: float = 0.02  # invocations that start a new container (billed INIT)
    init_seconds: float = 0.25  # one INIT at the function's CPU share (measured: benchmarks/coldstart.py)
    xray_sampled_share: float = 0.0  # executions traced: 0 with Tracing Off (the default)
    # Lambda's own lines (benchmarks/logbytes.py system_log_bytes; these defaults: the Text format's
    # START, END and REPORT, and INIT_START + "Init Duration" on a cold start). benchmarks/pipeline.py
    # sets them from the template's LogFormat and LambdaSystemLogLevel.
    platform_log_bytes: int = 330
    init_log_bytes: int = 90
    log_retention_days: int = 30  # LogRetentionDays default
    work_retention_days: int = 7  # WorkRetentionDays default (+1 day: noncurrent version expiry)
    claim_retention_days: int = 30  # ClaimRetentionDays default (+1 day likewise)
    months_stored: int = 1  # DynamoDB storage and PITR priced for this many months

    def validator_seconds(self, records: int, *, inline: bool = False) -> float:
        share = min(1.0, self.validator_memory_mb / self.full_core_mb)
        overhead = self.inline_validator_overhead_s if inline else self.validator_overhead_s
        return overhead + records / (self.validator_records_per_s * share)

    def child_seconds(self, records_per_child: float) -> float:
        """The inline Map's waves of `record_concurrency` tasks, plus one task's worth of start-up."""
        return (math.ceil(records_per_child / self.record_concurrency) + 1) * self.task_seconds


def _by_service(requests: dict[str, int], service: str, operations: frozenset[str]) -> int:
    total = 0
    for name, count in requests.items():
        prefix, _, operation = name.partition(":")
        if prefix == service and operation in operations:
            total += count
    return total


def unpriced(requests: dict[str, int]) -> dict[str, int]:
    """Requests the model does not price (reported so that nothing is silently dropped)."""
    priced = {
        "s3": S3_PUT_CLASS | S3_GET_CLASS | S3_FREE,
        "dynamodb": DYNAMODB_WRITES | DYNAMODB_READS,
        "sqs": frozenset({"SendMessage"}),
        "lambda": frozenset({"Invoke"}),
    }
    return {
        name: n
        for name, n in requests.items()
        if name.partition(":")[2] not in priced.get(name.partition(":")[0], frozenset())
    }


def usage_of(run: Run, assume: Assumptions) -> cost.Usage:
    """Billable usage of the file `run` counted."""
    requests = run.requests
    writes = _by_service(requests, "dynamodb", DYNAMODB_WRITES)
    base_writes = max(0, writes - run.order_items)
    # Each ledger write by the file's final ledger item size (an UpdateItem is billed by the larger of
    # the item before and after; the claim's smaller item is priced at that size too: at most an
    # overcount). One-order files' items are ~1 KB (958 and 1,012 bytes in the run of 2026-12-06): a
    # longer bucket, key or rule set crossing 1,024 bytes doubles these units, and shows here.
    ledger_units = cost.write_units(run.ledger_item_bytes) if run.ledger_item_bytes else 1
    # The ledger's sparse OpenFiles index (the watchdog's query) is written with the table: the claim
    # inserts the item into it, DONE/REJECTED removes it, one unit each (its projection is < 1 KB). A
    # hand-off's status changes rewrite the index key (2 units): undercounted here by 2 units a hand-off.
    ledger_writes = base_writes * ledger_units + base_writes
    invokes = requests.get("lambda:Invoke", 0)
    validators = min(invokes, 1)
    children = run.batches if run.child_states else 0
    # A small-file run with no Standard execution validated inline; a hand-off validated twice.
    inline = bool(run.express_executions) and not run.parent_states
    lambdas = (
        [
            cost.Lambda(
                validators,
                assume.validator_seconds(run.records, inline=inline),
                assume.validator_memory_mb,
                assume.architecture,
            )
        ]
        if validators
        else []
    )
    if invokes > validators:
        lambdas.append(
            cost.Lambda(
                invokes - validators,
                assume.store_large_seconds,
                assume.store_large_memory_mb,
                assume.architecture,
            )
        )
    express: tuple[cost.Express, ...] = ()
    if children:
        memory = cost.express_memory_mb(
            definition_bytes=assume.child_definition_bytes, data_bytes=CHILD_DATA_BYTES
        )
        express = (cost.Express(children, assume.child_seconds(run.records / children), memory),)
    if run.express_executions:
        # The small-file lane: claim, validate inline, route the records, mark done in one execution.
        seconds = (
            assume.validator_seconds(run.records, inline=True)
            + assume.child_seconds(run.records)
            + 2 * assume.task_seconds
        )
        memory = cost.express_memory_mb(
            definition_bytes=assume.small_file_definition_bytes, data_bytes=CHILD_DATA_BYTES
        )
        express += (cost.Express(run.express_executions, seconds, memory),)
    invocations = sum(fn.invocations for fn in lambdas)
    init = sum(
        (
            Decimal(fn.invocations)
            * Decimal(str(assume.cold_start_share))
            * Decimal(str(assume.init_seconds))
            * Decimal(fn.memory_mb)
            / 1024
            for fn in lambdas
        ),
        Decimal(0),
    )
    logs = Decimal(run.lambda_log_bytes + invocations * assume.platform_log_bytes) + Decimal(
        invocations * assume.init_log_bytes
    ) * Decimal(str(assume.cold_start_share))
    month = prices.MONTH_DAYS
    table_bytes = (
        run.order_item_bytes
        + run.ledger_item_bytes
        + (run.order_items + 1) * prices.DYNAMODB_ITEM_OVERHEAD_BYTES
    ) * assume.months_stored
    objects = run.work_bytes * (assume.work_retention_days + 1) + run.claim_bytes * (
        assume.claim_retention_days + 1
    )
    return cost.Usage(
        lambda_init_gb_seconds=init,
        xray_traces=Decimal(run.executions) * Decimal(str(assume.xray_sampled_share)),
        log_bytes=logs,
        log_byte_months=logs * assume.log_retention_days / month,
        dynamodb_byte_months=Decimal(table_bytes),
        pitr_byte_months=Decimal(table_bytes),
        s3_byte_months=Decimal(objects) / month,
        standard_transitions=run.parent_states,
        map_child_starts=children,
        express=express,
        express_transitions=run.child_states + run.express_states,
        dynamodb_write_units=run.order_write_units + ledger_writes,
        dynamodb_read_units=Decimal(_by_service(requests, "dynamodb", DYNAMODB_READS)),
        sqs_requests=max(run.review_sqs_requests, requests.get("sqs:SendMessage", 0)),
        s3_put=_by_service(requests, "s3", S3_PUT_CLASS),
        s3_get=_by_service(requests, "s3", S3_GET_CLASS),
        lambdas=tuple(lambdas),
        requests=dict(requests),
    )


def floor_of(run: Run) -> cost.Usage:
    """The honest floor of the file `run` counted (benchmarks/cost.py honest_floor)."""
    return cost.honest_floor(
        valid_write_units=run.order_write_units,
        valid_item_bytes=run.order_item_bytes,
        valid_items=run.order_items,
        rejects=run.invalid,
        review_bytes=run.review_bytes,
    )


def seed_of(run: Run, design: cost.SeedDesign | None = None) -> cost.Usage:
    return (design or cost.SeedDesign()).usage(
        records=run.records, valid_write_units=run.order_write_units, invalid_sqs_requests=run.invalid
    )


def _line(small: int, big: int, small_x: int, big_x: int, x: int) -> int:
    """The straight line through (small_x, small) and (big_x, big), at x (never below zero)."""
    slope = (big - small) / (big_x - small_x)
    return max(0, round(big + slope * (x - big_x)))


def extrapolate(small: Run, big: Run, *, records: int, batches: int) -> Run:
    """A file of `records` records with the same record mix: per-file + per-record parts of two runs.

    Each count is split into a per-file part and a per-record part by the two measured files (same
    invalid fraction, different sizes); child states scale with records; `batches` is given (from the
    validator core on the same records).
    """

    def line(a: int, b: int) -> int:
        return _line(a, b, small.records, big.records, records)

    names = set(small.requests) | set(big.requests)
    return Run(
        records=records,
        valid=line(small.valid, big.valid),
        invalid=line(small.invalid, big.invalid),
        large=line(small.large, big.large),
        batches=batches,
        requests={
            name: line(small.requests.get(name, 0), big.requests.get(name, 0)) for name in sorted(names)
        },
        parent_states=line(small.parent_states, big.parent_states),
        child_states=line(small.child_states, big.child_states),
        order_items=line(small.order_items, big.order_items),
        order_write_units=line(small.order_write_units, big.order_write_units),
        review_messages=line(small.review_messages, big.review_messages),
        review_sqs_requests=line(small.review_sqs_requests, big.review_sqs_requests),
        express_executions=line(small.express_executions, big.express_executions),
        express_states=line(small.express_states, big.express_states),
        order_item_bytes=line(small.order_item_bytes, big.order_item_bytes),
        ledger_item_bytes=line(small.ledger_item_bytes, big.ledger_item_bytes),
        review_bytes=line(small.review_bytes, big.review_bytes),
        lambda_log_bytes=line(small.lambda_log_bytes, big.lambda_log_bytes),
        work_bytes=line(small.work_bytes, big.work_bytes),
        claim_bytes=line(small.claim_bytes, big.claim_bytes),
        executions=line(small.executions, big.executions),
    )


@dataclass(frozen=True)
class Scenario:
    """Files of `records_per_file` records: their usage for `records` records in all."""

    records_per_file: int
    records: int
    usage: cost.Usage
    floor: cost.Usage
    seed: cost.Usage
    notes: list[str] = field(default_factory=list)

    def dollars_per_million(self) -> dict[str, Decimal]:
        return {
            "design": cost.per_million(cost.total(self.usage), self.records),
            "floor": cost.per_million(cost.total(self.floor), self.records),
            "seed": cost.per_million(cost.total(self.seed), self.records),
        }


def scenario(runs: list[Run], assume: Assumptions, *, records_per_file: int) -> Scenario:
    """Several runs standing for files of one size (e.g. nine valid one-record files and one invalid)."""
    usage, floor, seed = cost.Usage(), cost.Usage(), cost.Usage()
    for run in runs:
        usage, floor, seed = usage + usage_of(run, assume), floor + floor_of(run), seed + seed_of(run)
    return Scenario(records_per_file, sum(run.records for run in runs), usage, floor, seed)


def weighted(run: Run, files: int) -> list[Run]:
    """`files` copies of one run (for mixing single-record files)."""
    return [replace(run)] * files
