"""The scoreboard's arithmetic: medians of the runs, ratios within one form, counts that must agree."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.scoreboard import summarise


def _run(name: str, form: str, seconds: float, records: int = 1000, valid: int = 900) -> dict[str, Any]:
    return {
        "contender": name,
        "form": form,
        "records": records,
        "valid": valid,
        "invalid": records - valid,
        "seconds": seconds,
        "input_bytes": 2_000_000,
        "peak_rss_mb": 30.0,
    }


def test_medians_and_ratios_come_from_the_runs() -> None:
    runs = [_run("naive", "jsonl", s) for s in (1.0, 9.0, 2.0)]
    runs += [_run("bare", "jsonl", s) for s in (0.1, 0.1, 0.2)]
    runs += [_run("validator", "jsonl", s) for s in (0.5, 0.4, 5.0)]
    lines = {line["contender"]: line for line in summarise(runs)}
    assert lines["naive"]["median_seconds"] == 2.0
    assert lines["naive"]["records_per_s"] == 500
    assert lines["naive"]["mb_per_s"] == 1.0
    assert lines["validator"]["validator/naive"] == 4.0  # 2.0 s / 0.5 s
    assert lines["validator"]["validator/bare"] == 0.2  # 0.1 s / 0.5 s
    assert lines["bare"]["vs_naive"] == 20.0


def test_ratios_never_mix_forms() -> None:
    runs = [
        _run("naive", "jsonl", 1.0),
        _run("validator", "jsonl", 0.5),
        _run("naive", "array", 4.0),
        _run("validator", "array", 1.0),
    ]
    lines = {(line["contender"], line["form"]): line for line in summarise(runs)}
    assert lines["validator", "jsonl"]["validator/naive"] == 2.0
    assert lines["validator", "array"]["validator/naive"] == 4.0


def test_contenders_that_disagree_on_counts_fail_the_run() -> None:
    with pytest.raises(ValueError, match="disagree"):
        summarise([_run("naive", "jsonl", 1.0, valid=900), _run("validator", "jsonl", 1.0, valid=899)])


def test_the_contract_cost_is_measured_against_the_original_ifs() -> None:
    # GIVEN the validator with the original ifs, the default contract and the example contract
    runs = [_run("validator-ifs", "jsonl", 1.0), _run("validator", "jsonl", 1.05)]
    runs += [_run("validator-example", "jsonl", 1.25), _run("naive", "jsonl", 2.0)]
    lines = {line["contender"]: line for line in summarise(runs)}
    # THEN each contract line carries its cost as a share of the ifs' throughput
    assert lines["validator"]["contract_cost"] == round(1 - 1 / 1.05, 3)
    assert lines["validator-example"]["contract_cost"] == 0.2
    assert "contract_cost" not in lines["naive"] and "contract_cost" not in lines["validator-ifs"]
