"""Indefinite JSONPaths (filters, deep scans) are arrays in the emulator, as in Step Functions.

The ledger's counts rely on both: each batch counts its outcomes with filters that often match
nothing, and StoreRecord tells a new item from an identical re-put with a deep scan of putItem's
`ALL_OLD` result (emulator/patches/sfn_indefinite_paths.py; without it these runs fail).
"""

from __future__ import annotations

from typing import Any

from emulator.patches.sfn_indefinite_paths import is_indefinite

from .machines import Machines

COUNT_STORED = "States.ArrayLength($.o[?(@.outcome == 'stored')])"
OLD_HASH = "States.ArrayLength($..Attributes._pipeline_hash)"


def _pass(parameters: dict[str, Any]) -> dict[str, Any]:
    return {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": parameters, "End": True}}}


def test_a_filter_matching_nothing_counts_zero(machines: Machines) -> None:
    definition = _pass({"n.$": COUNT_STORED, "kept.$": "$.o[?(@.outcome == 'stored')]"})
    assert machines.output(definition, {"o": [{"outcome": "duplicate"}]}) == {"n": 0, "kept": []}
    two = {"o": [{"outcome": "stored"}, {"outcome": "rejected"}, {"outcome": "stored"}]}
    assert machines.output(definition, two)["n"] == 2


def test_a_deep_scan_is_an_array_with_one_match_or_none(machines: Machines) -> None:
    definition = _pass({"n.$": OLD_HASH, "hashes.$": "$..Attributes._pipeline_hash.S"})
    old = {"Attributes": {"_pipeline_hash": {"S": "h"}, "x": {"M": {"Attributes": {"M": {}}}}}}
    assert machines.output(definition, old) == {"n": 1, "hashes": ["h"]}
    assert machines.output(definition, {"SdkHttpMetadata": {}}) == {"n": 0, "hashes": []}


def test_definite_paths_and_quoted_dots_are_not_indefinite() -> None:
    assert is_indefinite("$..a") and is_indefinite("$.o[?(@.x == 1)]") and is_indefinite("$[ ?(@.a)]")
    assert not is_indefinite("$.detail.object['version-id']")
    assert not is_indefinite("$.a['x..y']") and not is_indefinite("$.o[*].x")
