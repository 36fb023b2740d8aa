"""The conflict breaker (workflow/breaker.py): conflicts with records other files stored
count toward MaxRejectedRecords in both lanes. Past the file's budget (MaxRejectedRecords minus the
records the validator rejected) its stores stop and the file ends FAILED with error_name
TooManyConflicts and its counts, out of the watchdog's index, the execution failing (loudly).

Failure class: a review flood from a small upload of records that conflict with earlier files. Both
tests fail before the breaker: the file ended DONE with every conflict sent to review, whatever
their number (only conflicts inside one file counted toward MaxRejectedRecords).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from benchmarks.soak import _order
from emulator.clients import HARNESS_AGENT
from handlers.seams.ledgeritem import LEDGER_OPEN_SINCE
from handlers.seams.settings import SMALL_FILE_MAX_BYTES
from workflow.breaker import ERROR_TOO_MANY_CONFLICTS

from .conftest import Pipeline

pytestmark = pytest.mark.e2e

MAX_REJECTED = 2


@pytest.fixture
def max_rejected_two(pipeline: Pipeline) -> Iterator[None]:
    """The validator's MAX_REJECTED_RECORDS (the MaxRejectedRecords parameter) set to 2, then restored."""
    s3 = pipeline.stack.clients.s3
    lambda_ = boto3.client(
        "lambda",
        endpoint_url=s3.meta.endpoint_url,
        region_name=s3.meta.region_name,
        aws_access_key_id="emulator",
        aws_secret_access_key="emulator",
        config=Config(user_agent_extra=HARNESS_AGENT),
    )
    name = pipeline.stack.resources["ValidatorFunction"]
    before = lambda_.get_function_configuration(FunctionName=name)["Environment"]["Variables"]
    variables = {**before, "MAX_REJECTED_RECORDS": str(MAX_REJECTED)}
    lambda_.update_function_configuration(FunctionName=name, Environment={"Variables": variables})
    try:
        yield
    finally:
        lambda_.update_function_configuration(FunctionName=name, Environment={"Variables": before})


def _lines(records: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(record) + "\n" for record in records).encode()


def _execution_error(pipeline: Pipeline, target: Any) -> str | None:
    [execution] = [e for e in pipeline.executions.for_upload(target) if e["status"] != "SUCCEEDED"] or [{}]
    return execution.get("error")


def _assert_tripped(pipeline: Pipeline, target: Any, *, conflicts: int) -> None:
    ledger = pipeline.ledger(target) or {}
    assert (ledger.get("status"), ledger.get("error_name")) == ("FAILED", ERROR_TOO_MANY_CONFLICTS)
    assert LEDGER_OPEN_SINCE not in ledger  # not re-driven by the watchdog
    assert ledger["rejected_by_reason"]["conflict"] == conflicts


def test_small_lane_conflicts_with_other_files_past_the_limit_fail_the_file(
    pipeline: Pipeline, uid: str, max_rejected_two: None
) -> None:
    # GIVEN three orders stored by a first file
    rng = random.Random(20)
    ids = [f"breaker-small-{uid}-{n}" for n in range(3)]
    _, stored = pipeline.run(f"breaker-{uid}-first.jsonl", _lines([_order(rng, i) for i in ids]))
    assert stored.stored == 3
    # WHEN a small file holds the same three order_ids with other contents (3 conflicts > 2 allowed)
    body = _lines([_order(rng, i) for i in ids])
    assert len(body) <= SMALL_FILE_MAX_BYTES
    target, result = pipeline.run(f"breaker-{uid}-second.jsonl", body)
    # THEN the file FAILS with TooManyConflicts, its ledger counts the conflicts (each one reviewed,
    # nothing lost, nothing overwritten) and it is out of the watchdog's index
    assert result.status == "FAILED" and _execution_error(pipeline, target) == ERROR_TOO_MANY_CONFLICTS
    _assert_tripped(pipeline, target, conflicts=3)
    assert (result.rejected, result.lost) == (3, ())
    assert {r["reason"] for r in result.reviews} == {"conflict"}
    assert {pipeline.item(i)["_pipeline_hash"]["S"] for i in ids} == {  # type: ignore[index]
        item["_pipeline_hash"]["S"] for item in stored.items
    }
    # AND at the budget (2 conflicts, 1 new order) the breaker holds: the file is DONE
    again, done = pipeline.run(
        f"breaker-{uid}-third.jsonl", _lines([_order(rng, i) for i in [*ids[:2], f"breaker-small-{uid}-new"]])
    )
    assert done.status == "SUCCEEDED" and (done.stored, done.rejected, done.lost) == (1, 2, ())
    assert (pipeline.ledger(again) or {}).get("status") == "DONE"


def test_large_lane_conflicts_with_other_files_past_the_limit_fail_the_file(
    pipeline: Pipeline, uid: str, max_rejected_two: None
) -> None:
    # GIVEN thirty orders stored by a first (small) file
    rng = random.Random(21)
    ids = [f"breaker-large-{uid}-{n}" for n in range(30)]
    _, stored = pipeline.run(f"breaker-{uid}-first-large.jsonl", _lines([_order(rng, i) for i in ids]))
    assert stored.stored == 30
    # WHEN a file too large for the small lane holds them with other contents (30 conflicts > 2)
    body = _lines([_order(rng, i, pad=2500) for i in ids])
    assert len(body) > SMALL_FILE_MAX_BYTES
    target, result = pipeline.run(f"breaker-{uid}-second-large.jsonl", body)
    # THEN the batch that passed the budget tripped the breaker: the file FAILS with TooManyConflicts
    # (the parent's MarkFileFailed leaves the breaker's mark), out of the watchdog's index, its
    # ledger counting the conflicts; nothing overwritten
    assert result.status == "FAILED"
    _assert_tripped(pipeline, target, conflicts=30)
    assert {r["reason"] for r in result.reviews} == {"conflict"}
    assert {pipeline.item(i)["_pipeline_hash"]["S"] for i in ids} == {  # type: ignore[index]
        item["_pipeline_hash"]["S"] for item in stored.items
    }
