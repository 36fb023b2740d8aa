"""The cost model against hand-computed bills (a wrong price or a wrong unit rounding fails here)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from benchmarks import cost, prices
from benchmarks.cost import Express, Lambda, Usage


def test_each_price_is_the_us_east_1_list_price() -> None:
    # GIVEN the us-east-1 list prices (as checked on the pricing pages benchmarks/prices.py names)
    assert prices.STANDARD_TRANSITION.each == Decimal("0.000025")
    assert prices.MAP_CHILD_START.each == Decimal("0.000025")
    assert prices.EXPRESS_REQUEST.each == Decimal("0.000001")
    assert prices.DYNAMODB_WRITE_UNIT.each == Decimal("0.000000625")
    assert prices.DYNAMODB_READ_UNIT.each == Decimal("0.000000125")
    assert prices.SQS_REQUEST.each == Decimal("0.0000004")
    assert prices.S3_PUT.each == Decimal("0.000005")
    assert prices.S3_GET.each == Decimal("0.0000004")
    assert prices.LAMBDA_REQUEST.each == Decimal("0.0000002")
    assert prices.LAMBDA_GB_SECOND["x86_64"].each == Decimal("0.0000166667")
    assert prices.LAMBDA_GB_SECOND["arm64"].each == Decimal("0.0000133334")
    # $0.06 per GB-hour is $0.0000166667 per GB-second (to 10 decimals)
    assert round(prices.EXPRESS_GB_HOUR.each / 3600, 10) == Decimal("0.0000166667")


def test_every_price_names_its_page() -> None:
    for price in prices.ALL.values():
        assert price.page.startswith("https://aws.amazon.com/") or price.page.startswith(
            "https://docs.aws.amazon.com/"
        )
    assert prices.REGION == "us-east-1"
    assert "| Express execution | 1.00 | 1,000,000 |" in prices.table_markdown()


@pytest.mark.parametrize(
    ("item_bytes", "units"), [(0, 1), (1, 1), (1024, 1), (1025, 2), (2048, 2), (400 * 1024, 400)]
)
def test_write_units_round_up_per_started_kilobyte(item_bytes: int, units: int) -> None:
    assert cost.write_units(item_bytes) == units


def test_read_units_are_4_kb_and_half_for_eventual_consistency() -> None:
    assert cost.read_units(4096) == 1
    assert cost.read_units(4097) == 2
    assert cost.read_units(4097, consistent=False) == 1


@pytest.mark.parametrize(("payload", "requests"), [(1, 1), (65_536, 1), (65_537, 2), (262_144, 4)])
def test_sqs_bills_each_started_64_kb_chunk(payload: int, requests: int) -> None:
    assert cost.sqs_requests(payload) == requests


def test_express_rounds_duration_to_100_ms_and_memory_to_64_mb() -> None:
    # 101 ms -> 2 units of 100 ms; 65 MB -> 2 chunks of 64 MB; 4 units of 64 MB x 100 ms
    assert Express(1, 0.101, 65).billed_units == 4
    assert Express(1, 0.1, 64).billed_units == 1
    assert Express(1, 0.0, 50.2).billed_units == 1


def test_express_bill_by_hand() -> None:
    # GIVEN 1,000,000 executions of 0.25 s at ~50 MB: each 3 units of (64/1024 GB x 0.1 s)
    usage = Usage(express=(Express(1_000_000, 0.25, 50.3),))
    bill = cost.bill(usage)
    # THEN requests $1.00 and duration 3,000,000 x 0.00625 GB-s x $0.06/3600 = $0.3125
    assert bill["Express requests"] == Decimal("1.00")
    assert round(bill["Express duration"], 6) == Decimal("0.312500")


def test_lambda_bill_by_hand_arm64_and_x86() -> None:
    # 1,000 invocations x 1,024 MB x 1.0005 s -> 1,001 ms billed (1 ms rounding up)
    arm = cost.bill(Usage(lambdas=(Lambda(1000, 1.0005, 1024, "arm64"),)))
    assert arm["Lambda requests"] == Decimal("0.0002")
    assert arm["Lambda duration"] == Decimal("1001") * Decimal("0.0000133334")
    x86 = cost.bill(Usage(lambdas=(Lambda(1, 2.0, 512, "x86_64"),)))
    assert x86["Lambda duration"] == Decimal("0.0000166667")


def test_a_small_file_by_hand() -> None:
    # GIVEN 9 Standard transitions, 1 child start, 2 write units, 1 SQS request, 1 PUT, 2 GETs
    usage = Usage(
        standard_transitions=9, map_child_starts=1, dynamodb_write_units=2, sqs_requests=1, s3_put=1, s3_get=2
    )
    # THEN 10 x 0.000025 + 2 x 0.000000625 + 0.0000004 + 0.000005 + 2 x 0.0000004
    assert cost.total(usage) == Decimal("0.00025") + Decimal("0.00000125") + Decimal("0.0000004") + Decimal(
        "0.000005"
    ) + Decimal("0.0000008")


def test_floor_and_ratio_per_million_records() -> None:
    # GIVEN 900 valid records of 1 unit and 100 invalid ones: $0.5625 + $0.04 per million records
    floor = cost.floor_usage(valid_write_units=900, invalid_sqs_requests=100)
    assert cost.per_million(cost.total(floor), 1000) == Decimal("0.6025")


def test_seed_design_pays_three_transitions_and_a_lambda_per_record() -> None:
    seed = cost.SeedDesign().usage(records=10, valid_write_units=9, invalid_sqs_requests=1)
    assert seed.standard_transitions == 3 + 30
    assert sum(f.invocations for f in seed.lambdas) == 11
    # 33 transitions alone are $0.000825
    assert cost.bill(seed)["Step Functions Standard transitions"] == Decimal("0.000825")


def test_usage_adds_and_multiplies() -> None:
    one = Usage(standard_transitions=2, express=(Express(1, 0.1, 64),), requests={"s3:GetObject": 1})
    assert (one + one).requests == {"s3:GetObject": 2}
    assert one.times(3).standard_transitions == 6
    assert one.times(3).express[0].executions == 3
    assert cost.total(one.times(3)) == 3 * cost.total(one)
