"""From counted runs to billable usage, and scaling measured files to larger ones."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from benchmarks import cost
from benchmarks.usage import Assumptions, Run, extrapolate, scenario, unpriced, usage_of

ASSUME = Assumptions(validator_records_per_s=1769.0, validator_memory_mb=1769, validator_overhead_s=0.0)


def _run(records: int, batches: int, *, invalid: int) -> Run:
    valid = records - invalid
    return Run(
        records=records,
        valid=valid,
        invalid=invalid,
        large=0,
        batches=batches,
        requests={
            "dynamodb:PutItem": valid + 1,
            "dynamodb:UpdateItem": 1,
            "lambda:Invoke": 1,
            "s3:GetObject": 2,
            "s3:PutObject": 1,
            "sqs:SendMessage": invalid,
        },
        parent_states=9,
        child_states=2 * records + batches,
        order_items=valid,
        order_write_units=valid,
        review_messages=invalid,
        review_sqs_requests=invalid,
    )


def test_usage_of_a_counted_run() -> None:
    usage = usage_of(_run(100, 1, invalid=10), ASSUME)
    assert usage.standard_transitions == 9
    assert usage.map_child_starts == 1
    # the orders, plus the ledger's claim and update, each also written to its OpenFiles index
    assert usage.dynamodb_write_units == 90 + 2 * 2
    assert usage.sqs_requests == 10
    assert (usage.s3_put, usage.s3_get) == (1, 2)
    (validator,) = usage.lambdas
    assert validator.seconds == 100 / 1769.0  # a full core at 1,769 MB
    # a 100-record child: 3 waves of 40 puts (RECORD_CONCURRENCY, 10 before the batch child's time bound),
    # plus start-up,
    # 50 ms each
    assert usage.express[0].seconds == 4 * 0.05


def test_floor_and_seed_of_the_same_run() -> None:
    # GIVEN a 1,000-record file: 900 valid items of 1 write unit and 500 bytes, 100 rejects of 1 KB each
    run = replace(_run(1000, 10, invalid=100), order_item_bytes=900 * 500, review_bytes=100 * 1024)
    row = scenario([run], ASSUME, records_per_file=1000)
    dollars = row.dollars_per_million()
    # THEN the honest floor is one GET, 900 write units, the items' first month (600 bytes each with
    # DynamoDB's 100 bytes overhead) and the cheapest reject report: 10 batched SQS requests
    # (100 messages / 10; 100 KB in two 64 KB chunks) cost less than one S3 PUT
    floor = (
        Decimal("0.0000004")
        + 900 * Decimal("0.000000625")
        + Decimal(900 * 600) / 2**30 * Decimal("0.25")
        + 10 * Decimal("0.0000004")
    )
    assert dollars["floor"] == floor * 1000
    assert dollars["design"] > dollars["floor"]
    assert dollars["seed"] > 3 * 25  # three Standard transitions per record, $25 per million each


def test_usage_of_a_run_prices_init_logs_and_storage() -> None:
    """INIT at the cold-start share, log bytes with Lambda's own lines, storage by retention."""
    run = replace(
        _run(100, 1, invalid=10),
        order_item_bytes=90 * 900,
        ledger_item_bytes=400,
        lambda_log_bytes=1000,
        work_bytes=50_000,
        claim_bytes=0,
        executions=1,
    )
    assume = replace(ASSUME, cold_start_share=0.5, init_seconds=2.0, xray_sampled_share=1.0)
    usage = usage_of(run, assume)
    # one validator invocation at 1,769 MB: half a cold start of 2 s
    assert usage.lambda_init_gb_seconds == Decimal("0.5") * 2 * Decimal(1769) / 1024
    assert usage.xray_traces == 1
    # the handler's 1,000 bytes + START/END/REPORT (330) + half an INIT line (90)
    assert usage.log_bytes == 1000 + 330 + 45
    # 90 orders + the ledger item, each with 100 bytes overhead, for one month; PITR the same
    assert usage.dynamodb_byte_months == 90 * 900 + 400 + 91 * 100 == usage.pitr_byte_months
    # the manifest for 7 + 1 days of a 730-hour month
    assert usage.s3_byte_months == Decimal(50_000 * 8) / (Decimal(730) / 24)


def test_extrapolation_splits_per_file_and_per_record_parts() -> None:
    small, big = _run(100, 1, invalid=10), _run(1000, 10, invalid=100)
    scaled = extrapolate(small, big, records=1_000_000, batches=10_000)
    assert scaled.requests["dynamodb:PutItem"] == 900_001
    assert scaled.requests["s3:GetObject"] == 2
    assert scaled.parent_states == 9
    assert scaled.invalid == 100_000
    assert scaled.batches == 10_000
    assert cost.total(usage_of(scaled, ASSUME)) > cost.total(usage_of(big, ASSUME))


def test_unpriced_requests_are_reported() -> None:
    assert unpriced({"s3:GetObject": 1, "events:PutEvents": 2, "sqs:SendMessage": 1}) == {
        "events:PutEvents": 2
    }


def _small_lane_run() -> Run:
    """A one-record file as the small-file lane runs it: one EXPRESS execution, no Standard one."""
    return Run(
        records=1,
        valid=1,
        invalid=0,
        large=0,
        batches=0,
        requests={"dynamodb:PutItem": 2, "dynamodb:UpdateItem": 1, "lambda:Invoke": 1, "s3:GetObject": 1},
        parent_states=0,
        child_states=0,
        order_items=1,
        order_write_units=1,
        review_messages=0,
        review_sqs_requests=0,
        express_executions=1,
        express_states=11,
    )


def test_a_small_lane_run_is_one_express_execution_and_an_inline_validation() -> None:
    assume = Assumptions(validator_records_per_s=10**9, inline_validator_overhead_s=0.05)
    usage = usage_of(_small_lane_run(), assume)
    assert (usage.standard_transitions, usage.map_child_starts, usage.s3_put) == (0, 0, 0)
    [express] = usage.express
    assert express.executions == 1 and usage.express_transitions == 11
    [validator] = usage.lambdas
    # The inline overhead, not the large path's (which includes the manifest PUT).
    assert round(validator.seconds, 3) == 0.05


def test_scaled_files_are_extrapolated_from_large_lane_runs_only() -> None:
    from benchmarks.pipeline import SCENARIOS, build_scenarios

    small_lane = replace(_small_lane_run(), records=100, valid=100, order_items=100, order_write_units=100)
    runs = {
        "1 valid": _small_lane_run(),
        "1 invalid": _small_lane_run(),
        "100": small_lane,
        "1000": _run(1000, 10, invalid=0),
        "100 large": _run(100, 1, invalid=0),
    }
    rows = build_scenarios(runs, ASSUME, records_per_batch=100)
    # THEN every scenario has a row; the million-record one is scaled from the two large-lane runs
    # (a line through the small-lane run would mix designs) with the core's batch count
    assert [row.records_per_file for _, row in rows] == [spec.records_per_file for spec in SCENARIOS]
    million = rows[-1][1]
    assert million.usage.map_child_starts == 10_000
    assert million.usage.express_transitions > 0 and not any(e.executions == 1 for e in million.usage.express)


def test_ledger_writes_are_priced_by_the_ledger_item_size() -> None:
    """Failure class: a ledger item past 1 KB (a longer key, more rule counts) billed at 2 write
    units a write while the model kept 1 (fails before this commit: 1 unit a write whatever the size)."""
    # GIVEN a one-order file: claim + order put + done (3 writes, 1 order item of 1 unit)
    small = replace(
        _run(1, 0, invalid=0),
        requests={"dynamodb:PutItem": 2, "dynamodb:UpdateItem": 1},
        order_items=1,
        order_write_units=1,
        ledger_item_bytes=1000,
    )
    big = replace(small, ledger_item_bytes=1100)
    # THEN 2 ledger writes + 2 index writes + the order; past 1 KB each ledger write costs 2 units
    assert usage_of(small, ASSUME).dynamodb_write_units == 2 + 2 + 1
    assert usage_of(big, ASSUME).dynamodb_write_units == 2 * 2 + 2 + 1
