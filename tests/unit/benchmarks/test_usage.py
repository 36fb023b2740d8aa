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
    assert usage.dynamodb_write_units == 90 + 2  # the orders, plus the ledger's claim and update
    assert usage.sqs_requests == 10
    assert (usage.s3_put, usage.s3_get) == (1, 2)
    (validator,) = usage.lambdas
    assert validator.seconds == 100 / 1769.0  # a full core at 1,769 MB
    # a 100-record child: 10 waves of 10 puts, plus start-up, 50 ms each
    assert usage.express[0].seconds == 11 * 0.05


def test_floor_and_seed_of_the_same_run() -> None:
    row = scenario([_run(1000, 10, invalid=100)], ASSUME, records_per_file=1000)
    dollars = row.dollars_per_million()
    assert dollars["floor"] == Decimal("0.6025")
    assert dollars["design"] > dollars["floor"]
    assert dollars["seed"] > 3 * 25  # three Standard transitions per record, $25 per million each


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
    from benchmarks.pipeline import scenarios

    small_lane = replace(_small_lane_run(), records=100, valid=100, order_items=100, order_write_units=100)
    big = _run(1000, 10, invalid=0)
    standard_100 = _run(100, 1, invalid=0)
    runs = {"1 valid": _small_lane_run(), "1 invalid": _small_lane_run(), "100": small_lane, "1000": big}
    with_basis = scenarios(
        runs, ASSUME, scale=[10_000], records_per_batch=100, basis={**runs, "100": standard_100}
    )
    without = scenarios(runs, ASSUME, scale=[10_000], records_per_batch=100)
    # THEN with a large-lane run of 100 records there is a 10,000-record row; a line through a
    # small-lane run would mix designs, so without one there is none
    assert [r.records_per_file for r in with_basis] == [1, 100, 1000, 10_000]
    assert [r.records_per_file for r in without] == [1, 100, 1000]
