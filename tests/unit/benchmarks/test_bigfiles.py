"""The big-file model (benchmarks/bigfiles.py), on stated inputs: no emulator, no clock, no timing.

Failure classes: a model whose stores do not scale with the file (doubling the file must double the
records stored, the child starts and the store phase); a size past a bound printed as if it worked
(refused, with the bound named); the 5 % comparison computed from different inputs than the big file's
(the baseline must be the same model's 1,000,000-order file); a split's per-range and per-file counts
mis-separated; a gzip continuation whose re-inflation cost does not grow with its turns.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks import bigfiles
from benchmarks.bigfiles import GB, Figures, Inputs, Limits, Rates, Refused
from benchmarks.usage import Assumptions, Run

REPO = Path(__file__).resolve().parents[3]
RATES = Rates(
    jsonl_bytes_per_s=20e6,
    array_bytes_per_s=18e6,
    gzip_bytes_per_s=17e6,
    inflate_bytes_per_s=400e6,
    count_bytes_per_s=800e6,
    join_bytes_per_s=2e9,
    bytes_per_record=500.0,
    manifest_bytes_per_record=900.0,
    gzip_ratio=0.1,
)


def _run(records: int, *, ranges: int = 0) -> Run:
    """A large-lane file's counts: per-file and per-record parts, plus `ranges` ranges' worth."""
    batches = max(1, records // 200)
    invalid = records // 10
    return Run(
        records=records,
        valid=records - invalid,
        invalid=invalid,
        large=0,
        batches=batches,
        requests={
            "lambda:Invoke": 1 + (2 * ranges + 1 if ranges else 0),
            "s3:GetObject": 2 + batches + (3 * ranges if ranges else 0),
            "s3:PutObject": 1 + (2 * ranges + 1 if ranges else 0),
            "dynamodb:PutItem": records - invalid + 1,
            "dynamodb:UpdateItem": 3,
            "sqs:SendMessage": invalid,
        },
        parent_states=12 + batches + (4 + 2 * ranges if ranges else 0),
        child_states=records * 3,
        order_items=records - invalid,
        order_write_units=records - invalid,
        review_messages=invalid,
        review_sqs_requests=invalid,
        order_item_bytes=(records - invalid) * 700,
        ledger_item_bytes=600,
        review_bytes=invalid * 1500,
        lambda_log_bytes=2000 + (300 * ranges if ranges else 0),
        work_bytes=records * 900 * (2 if ranges else 1),
        claim_bytes=0,
        executions=1,
    )


def _inputs(rates: Rates = RATES) -> Inputs:
    unsplit = _run(100)
    return Inputs(
        rates=rates,
        small=unsplit,
        big=_run(1000),
        delta=bigfiles.split_delta(unsplit, {2: _run(100, ranges=2), 4: _run(100, ranges=4)}),
        records_per_batch=200.0,
        assume=Assumptions(validator_records_per_s=rates.jsonl_bytes_per_s / rates.bytes_per_record),
    )


LIMITS = Limits()


def _figures(result: Figures | Refused) -> Figures:
    assert isinstance(result, Figures), result
    return result


def test_split_delta_separates_the_per_range_and_the_per_file_parts() -> None:
    delta = _inputs().delta
    assert delta.requests["lambda:Invoke"] == pytest.approx((1, 2))
    assert delta.requests["s3:GetObject"] == pytest.approx((0, 3))
    assert delta.states == pytest.approx((4, 2))
    assert delta.work_bytes_per_record == pytest.approx(900)
    assert delta.at(delta.requests["lambda:Invoke"], 40) == 81


def test_doubling_the_file_doubles_the_stores() -> None:
    one = _figures(bigfiles.split_jsonl(10 * GB, _inputs(), LIMITS))
    two = _figures(bigfiles.split_jsonl(20 * GB, _inputs(), LIMITS))
    assert two.records == 2 * one.records
    assert two.child_starts == pytest.approx(2 * one.child_starts, abs=1)
    store = dict(one.phases)["store"], dict(two.phases)["store"]
    assert store[1] == pytest.approx(2 * store[0], rel=1e-3)
    assert two.store_new_table_s == pytest.approx(2 * one.store_new_table_s, rel=1e-3)


def test_ranges_and_invocations_follow_the_plan() -> None:
    found = _figures(bigfiles.split_jsonl(10 * GB, _inputs(), LIMITS))
    ranges = -(-10 * GB // LIMITS.range_bytes)  # 256 MiB ranges: 38 of them
    assert found.validator_invocations == 2 + 2 * ranges
    assert "38 ranges" in found.notes[0]


def test_a_size_past_the_manifest_bound_is_refused_with_its_bound_named() -> None:
    found = bigfiles.split_jsonl(100 * GB, _inputs(), LIMITS)
    assert isinstance(found, Refused)
    assert "10,000 parts" in found.bound and "PART_BYTES" in found.bound


def test_a_range_past_one_invocation_is_refused_naming_max_ranges() -> None:
    slow = replace(RATES, jsonl_bytes_per_s=1e6)
    found = bigfiles.split_jsonl(60 * GB, _inputs(slow), replace(LIMITS, part_bytes=64 * 2**20))
    assert isinstance(found, Refused)
    assert "MAX_RANGES 100" in found.bound


def test_the_five_percent_comparison_is_against_the_same_inputs_unsplit() -> None:
    inputs = _inputs()
    found = _figures(bigfiles.split_jsonl(10 * GB, inputs, LIMITS))
    baseline = bigfiles.unsplit_dollars_per_million(inputs, LIMITS)
    assert found.unsplit_dollars_per_million == baseline
    assert found.ratio == found.dollars_per_million / baseline
    # Splitting adds invocations, transitions and a second copy of the manifest: never cheaper.
    assert found.ratio > 1
    assert bigfiles.as_json(found)["within_goal"] == (abs(found.ratio - 1) <= bigfiles.GOAL_RATIO)


def test_gzip_turns_cover_the_file_and_re_inflation_grows_with_the_turns() -> None:
    turns = bigfiles.gzip_turns(10 * GB, RATES, LIMITS)
    assert isinstance(turns, list)
    per_turn = LIMITS.turn_budget_s * RATES.gzip_bytes_per_s * LIMITS.share
    assert len(turns) >= -(-10 * GB // per_turn)
    assert all(seconds <= LIMITS.turn_budget_s + 1e-6 for seconds in turns)
    checkpoints = bigfiles._checkpoints(turns, RATES, LIMITS)
    assert checkpoints[0] == 0 and checkpoints == sorted(checkpoints)
    found = _figures(bigfiles.gzip_array(10 * GB, _inputs(), LIMITS))
    assert found.validator_invocations == len(turns)


def test_gzip_past_what_a_turn_can_re_inflate_is_refused() -> None:
    slow_inflate = replace(RATES, inflate_bytes_per_s=20e6)
    found = bigfiles.gzip_turns(100 * GB, slow_inflate, LIMITS)
    assert isinstance(found, Refused)
    assert "re-inflating" in found.bound


def test_gzip_past_max_continuations_is_refused() -> None:
    found = bigfiles.gzip_turns(10 * GB, RATES, replace(LIMITS, max_turns=1))
    assert isinstance(found, Refused)
    assert "MAX_CONTINUATIONS 1" in found.bound


def test_every_ceiling_is_within_max_file_bytes_and_today_is_the_smaller() -> None:
    inputs = _inputs()
    assert all(c.today_bytes <= LIMITS.max_file_bytes for c in bigfiles.ceilings(inputs, LIMITS))
    today = bigfiles.safe_max_file_bytes(inputs, LIMITS, after_continuation=False)
    after = bigfiles.safe_max_file_bytes(inputs, LIMITS, after_continuation=True)
    assert today < after
    usable = LIMITS.turn_budget_s - inputs.assume.validator_overhead_s
    one_array = usable * RATES.array_bytes_per_s * LIMITS.share
    assert today == pytest.approx(min(one_array, usable * RATES.gzip_bytes_per_s * LIMITS.share))


def test_the_measured_rates_fill_every_input_of_the_model() -> None:
    """bigmeasure.core_rates names every Rates field (a renamed field would break `make bench` late);
    the values are only checked to be rates, never timed."""
    from benchmarks import bigmeasure

    measured = bigmeasure.core_rates(records=200, repeats=1)
    rates = Rates.of(measured)
    assert all(value > 0 for value in vars(rates).values())
    assert rates.gzip_ratio < 1 < rates.manifest_bytes_per_record / rates.bytes_per_record


def test_a_turn_costs_what_the_rendered_loop_enters() -> None:
    """The model's per-turn transitions and events come from output/'s continuation loop: one more
    state on the loop is one more transition; a machine without the loop is refused, not guessed."""
    definition = json.loads((REPO / "output" / "statemachine.asl.json").read_text("utf-8"))
    states = definition["States"]
    assert bigfiles.continuation_lap(definition) == (4, 4 * 2 + 1 * 3)  # 3 flow states + 1 Lambda Task
    # GIVEN a Pass added between the counter and the guard
    counter = next(name for name, state in states.items() if "States.MathAdd" in json.dumps(state))
    states["ExtraLap"] = {"Type": "Pass", "Next": states[counter]["Next"]}
    states[counter]["Next"] = "ExtraLap"
    assert bigfiles.continuation_lap(definition) == (5, 5 * 2 + 1 * 3)
    # GIVEN no way back to the guard
    states["ExtraLap"] = {"Type": "Succeed"}
    with pytest.raises(ValueError, match="0 top-level loops"):
        bigfiles.continuation_lap(definition)
