"""Conformance: the official JSON-Schema-Test-Suite's draft 2020-12 cases (tests/fixtures/json-schema-
test-suite, from the jsonschema sdist) through the record-contract engine, both its compiled checks and
the generated hot path (codegen.py, as build.py writes it for a contract).

Failure classes: a keyword that judges a case unlike the specification (fails before d1b095e for
every if/then/else, contains, dependent*, propertyNames, min/maxProperties, $anchor and unevaluated*
group: refused), generated code that disagrees with the checks, a refused case that is not one of the
documented refusals, and a refused record with no violation (or a valid one with some).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from handlers.recordcontract.codegen import render_module
from handlers.recordcontract.compiler import Contract, ContractError, compile_contract
from handlers.values.jsonnumbers import parse_float
from tests.contractmodule import exec_module

SUITE = Path(__file__).resolve().parents[2] / "fixtures" / "json-schema-test-suite" / "draft2020-12"
FORMATS = ("email", "date", "date-time", "uuid")
FILES = sorted(SUITE.glob("*.json")) + [SUITE / "optional" / "format" / f"{name}.json" for name in FORMATS]
# What a record contract refuses on purpose (docs/reference.md "What a contract can say"), as the
# first line of the refusal: anything else refused is a failure.
DOCUMENTED_REFUSALS = re.compile(
    r"\$id is supported only at the contract's root"
    r"|\$ref must point into the contract itself"
    r"|unsupported keyword '(\$dynamicAnchor|\$dynamicRef|contentEncoding|contentMediaType|contentSchema)'"
    r"|unsupported format '"
    r"|the contract must be JSON Schema draft 2020-12"
)
# `format` is an assertion in a contract (the suite's default is an annotation): these cases expect an
# invalid date to pass, and the validator refuses it, on purpose.
FORMAT_IS_AN_ASSERTION = "only an annotation by default"


def _groups() -> list[Any]:
    return [
        pytest.param(path.name, group, id=f"{path.stem}:{group['description'][:60]}")
        for path in FILES
        for group in json.loads(path.read_text(encoding="utf-8"), parse_float=parse_float)
    ]


def _generated(schema: Any) -> Contract:
    contract = compile_contract(schema)
    module = exec_module(render_module(contract.nodes, contract.located, contract="suite", sha256="-"))
    contract.bind(module.bind(contract.tests()))
    return contract


@pytest.mark.parametrize(("name", "group"), _groups())
def test_the_suite_case_is_judged_as_the_specification_says(name: str, group: dict[str, Any]) -> None:
    try:
        checks = compile_contract(group["schema"])
    except ContractError as error:
        assert DOCUMENTED_REFUSALS.search(error.problems[0]), error.problems
        return
    generated = _generated(group["schema"])
    for case in group["tests"]:
        annotation_only = name == "format.json" and FORMAT_IS_AN_ASSERTION in case["description"]
        expected = case["valid"] and not annotation_only
        for engine in (checks, generated):
            verdict = engine.ok(case["data"])
            found = engine.violations(case["data"]).found
            assert (verdict, bool(found)) == (expected, not expected), case["description"]
            assert all(rule and message and isinstance(path, tuple) for path, rule, message in found)


def test_the_suite_covers_every_keyword_a_contract_supports() -> None:
    from handlers.recordcontract.compiler import ASSERTIONS, MODIFIERS

    names = {path.stem for path in FILES}
    missing = {k for k in (*ASSERTIONS, *MODIFIERS) if k.lstrip("$") not in names} - {
        "then", "else", "if", "patternProperties", "additionalProperties",
    }  # fmt: skip
    assert missing == set()
    assert {"if-then-else", "patternProperties", "additionalProperties", "anchor"} <= names
