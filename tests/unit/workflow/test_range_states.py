"""Literal pins of a split file's states in the large lane (workflow/ranges.py, the JSON Lines split).

Failure classes: a range that fails permanently leaving the file DONE with records missing (every
range state must end in MarkFileFailed when its retries are spent); a range validated without the
counts (indexes would be the range's, not the file's); more ranges than the history and payload allow.
"""

from __future__ import annotations

import json
from pathlib import Path

from handlers.seams.throughput import MAX_RANGES, RANGE_CONCURRENCY

ROOT = Path(__file__).resolve().parents[3]
LARGE = json.loads((ROOT / "output" / "statemachine.asl.json").read_text())["States"]
IDENTITY = {f"{name}.$": f"$.file.{name}" for name in ("bucket", "key", "version_id", "etag")}


def test_the_ranges_are_counted_then_validated_from_the_counts_then_combined() -> None:
    count, validate = LARGE["CountRanges"], LARGE["ValidateRanges"]
    assert (count["ItemsPath"], count["ResultPath"], count["Next"]) == (
        "$.validation.ranges",
        "$.counts",
        "ValidateRanges",
    )
    assert count["ItemSelector"] == {**IDENTITY, "range.$": "$$.Map.Item.Value", "count": True}
    assert validate["ItemSelector"] == {**IDENTITY, "range.$": "$$.Map.Item.Value", "counts.$": "$.counts"}
    assert (validate["ResultPath"], validate["Next"]) == ("$.parts", "CombineRanges")
    assert LARGE["CombineRanges"]["Parameters"] == {**IDENTITY, "parts.$": "$.parts"}
    assert (LARGE["CombineRanges"]["ResultPath"], LARGE["CombineRanges"]["Next"]) == (
        "$.validation",
        "RouteSplitFile",
    )
    assert count["MaxConcurrency"] == validate["MaxConcurrency"] == RANGE_CONCURRENCY <= 40


def test_a_split_file_is_routed_as_an_unsplit_validation() -> None:
    route = LARGE["RouteSplitFile"]
    assert [choice["Next"] for choice in route["Choices"]] == ["SendFileRejection", "RecordValidation"]
    assert route["Default"] == "MarkFileDone"


def test_every_range_state_retries_the_validator_and_fails_the_file_when_it_cannot() -> None:
    """A range that fails after its retries fails the file (FAILED in the ledger), never DONE."""
    for name in ("CountRanges", "ValidateRanges", "CombineRanges"):
        [catch] = LARGE[name]["Catch"]
        assert (catch["ErrorEquals"], catch["Next"]) == (["States.ALL"], "MarkFileFailed"), name
    for name, task in (("CountRanges", "CountRange"), ("ValidateRanges", "ValidateRange")):
        step = LARGE[name]["ItemProcessor"]["States"][task]
        assert step["Resource"] == LARGE["ValidateFile"]["Resource"] and step["End"] is True
        assert step["Retry"] == LARGE["ValidateFile"]["Retry"]
    assert LARGE["CombineRanges"]["Retry"] == LARGE["ValidateFile"]["Retry"]


def test_the_worst_case_counts_every_range() -> None:
    """output/worstcase.md prices the largest split (MAX_RANGES ranges, both Maps) under the history limit."""
    text = (ROOT / "output" / "worstcase.md").read_text()
    assert f"CountRanges[{-(-MAX_RANGES // RANGE_CONCURRENCY)} waves of {MAX_RANGES} x CountRange" in text
    assert (
        f"ValidateRanges[{-(-MAX_RANGES // RANGE_CONCURRENCY)} waves of {MAX_RANGES} x ValidateRange" in text
    )
