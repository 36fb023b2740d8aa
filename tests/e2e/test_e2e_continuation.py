"""A file one validator invocation does not finish, continued from checkpoints, through
the deployed stack: stored completely, reconciled exactly, the same reviews (reason, index, line) and
ledger counts as the unbroken path; a failing turn retried; past MAX_CONTINUATIONS the file FAILED.

Failure classes: records lost or stored twice at a checkpoint; indexes that restart at a turn; a turn's
manifest part missing from the joined manifest; a turn that fails once failing the file; a file that
needs more turns than the loop allows ending DONE with records missing, or looping on. The emulator's
validator stops each turn after TURN_RECORDS records (emulator/splitting.py, as `simulate
--turn-records`), as a turn on AWS stops near its time budget (handlers/core/pipeline.py Turn). Fails before
this change: a large-lane file that ran out of time FAILED (ValidationTimeBudgetExceeded).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator

import pytest

from emulator import faults
from emulator.outcome import Upload
from emulator.splitting import set_turn_records
from handlers.seams.throughput import INLINE_MAX_RECORDS, MAX_CONTINUATIONS

from .conftest import Pipeline, assert_no_loss

pytestmark = pytest.mark.e2e

RECORDS = INLINE_MAX_RECORDS + 20  # handed off by the small lane: the large lane validates it
PER_TURN = 50  # 4 turns: 50, 50, 50, 30 (3 continuations)


def _orders(prefix: str) -> list[str]:
    """Valid records and invalid ones (a negative quantity, a missing order id); ids of equal length."""
    texts = []
    for number in range(RECORDS):
        order: dict[str, object] = {
            "order-info": {"order_id": f"{prefix}-{number:04d}", "item": "Laptop", "quantity": 1},
            "contact-info": {"name": "John Doe", "email": "johndoe@example.com"},
        }
        if number % 37 == 5:
            order["order-info"] = {"order_id": f"{prefix}-{number:04d}", "item": "Laptop", "quantity": -1}
        if number % 41 == 9:
            order["order-info"] = {"item": "Laptop"}
        texts.append(json.dumps(order))
    return texts


def _array(prefix: str) -> bytes:
    return ("[\n" + ",\n".join(_orders(prefix)) + "\n]\n").encode()


def _wrapper_gz(prefix: str) -> bytes:
    text = '{"orders": [' + ",\r\n ".join(_orders(prefix)) + '], "exported": {"by": "shop"}}'
    return gzip.compress(text.encode(), mtime=0)


@pytest.fixture
def turns_of(pipeline: Pipeline) -> Iterator[None]:
    set_turn_records(pipeline.stack, PER_TURN)
    yield
    set_turn_records(pipeline.stack, None)


def _reviews(result: object) -> list[tuple[object, object, object]]:
    return sorted((r["reason"], r["record_index"], r["line"]) for r in result.reviews)  # type: ignore[attr-defined]


def _counts(ledger: dict[str, object] | None) -> dict[str, object]:
    assert ledger is not None
    names = ("status", "records", "valid", "large", "invalid", "stored", "duplicates", "rejected")
    return {name: ledger.get(name) for name in (*names, "rejected_by_reason", "rejected_by_rule")}


def _failed_tasks(pipeline: Pipeline, target: Upload) -> list[str]:
    """The errors of the failed task attempts in the large lane's execution of `target`."""
    client = pipeline.stack.clients.stepfunctions
    errors = []
    for execution in pipeline.executions.wait([target])[target]:
        pages = client.get_paginator("get_execution_history").paginate(executionArn=execution["executionArn"])
        for event in (e for page in pages for e in page["events"]):
            if event["type"] in ("TaskFailed", "LambdaFunctionFailed"):
                details = event.get("taskFailedEventDetails") or event.get("lambdaFunctionFailedEventDetails")
                errors.append(details.get("error"))
    return errors


def _indexes(items: list[dict[str, object]]) -> list[int]:
    return sorted(int(i["_pipeline_source"]["M"]["record_index"]["N"]) for i in items)  # type: ignore[index]


def test_an_array_needing_three_continuations_is_stored_as_the_unbroken_file(
    pipeline: Pipeline, uid: str, turns_of: None
) -> None:
    # GIVEN the same array layout twice (its own order ids each), a turn ending every 50 records
    continued_body, whole_body = _array(f"c{uid}"), _array(f"u{uid}")
    # WHEN one is uploaded with turns of 50 records, the other with the deployed defaults
    continued_target, continued = pipeline.run(f"continued-{uid}.json", continued_body)
    set_turn_records(pipeline.stack, None)
    whole_target, whole = pipeline.run(f"whole-{uid}.json", whole_body)
    # THEN both are stored completely and reconcile exactly; the continued one by 4 validator turns
    assert_no_loss(continued, records=RECORDS)
    assert_no_loss(whole, records=RECORDS)
    assert (continued.validations, whole.validations) == (4, 1)
    # AND the reviews (reason, index, line), the ledger's counts and the stored indexes are the same
    assert _reviews(continued) == _reviews(whole)
    assert len(_reviews(continued)) == continued.rejected > 0
    assert _counts(pipeline.ledger(continued_target)) == _counts(pipeline.ledger(whole_target))
    assert _indexes(continued.items) == _indexes(whole.items)
    assert len(_indexes(continued.items)) == continued.stored


def test_a_gzip_wrapper_whose_turn_fails_once_is_retried_and_stored_completely(
    pipeline: Pipeline, uid: str, turns_of: None
) -> None:
    """The third turn's part summary cannot be written (S3 500 on every try of the validator's own
    client): the turn fails with TransientError, ContinueValidation retries it, and the file
    completes as the unbroken one (the retried turn rewrites its own part, nothing counted twice)."""
    # GIVEN a gzip `orders` wrapper; S3 answers 500 to the first 6 PUTs of turn 2's part summary
    body, whole_body = _wrapper_gz(f"g{uid}"), _wrapper_gz(f"h{uid}")
    config = faults.FaultConfig(rate=1.0, kinds=frozenset({"s3.5xx"}), burst=6, scope="/parts/2.summary.json")
    # WHEN uploaded with turns of 50 records
    with faults.injecting(config):
        target, continued = pipeline.run(f"wrapped-{uid}.json.gz", body)
        injected = faults.injected().get("s3.5xx", 0)
    set_turn_records(pipeline.stack, None)
    whole_target, whole = pipeline.run(f"wrapped-whole-{uid}.json.gz", whole_body)
    # THEN the fault bit, the turn was retried by the state machine (ContinueValidation attempts failed
    # with TransientError until the faults ran out, then one succeeded) and the file reconciles exactly,
    # as the unbroken one
    assert injected >= 6
    failed = _failed_tasks(pipeline, target)
    assert failed and set(failed) == {"TransientError"}
    assert_no_loss(continued, records=RECORDS)
    assert continued.validations == 4
    assert _reviews(continued) == _reviews(whole)
    assert _counts(pipeline.ledger(target)) == _counts(pipeline.ledger(whole_target))


def test_a_file_needing_more_turns_than_the_loop_allows_is_failed_not_done(
    pipeline: Pipeline, uid: str
) -> None:
    # GIVEN turns of 8 records: 180 records need 23 turns, the loop allows MAX_CONTINUATIONS + 1
    assert RECORDS / 8 > MAX_CONTINUATIONS + 1
    set_turn_records(pipeline.stack, 8)
    try:
        target, result = pipeline.run(f"endless-{uid}.json", _array(f"e{uid}"))
    finally:
        set_turn_records(pipeline.stack, None)
    # THEN the execution fails, the ledger says FAILED with the loop's error (out of the watchdog's
    # index: a re-drive would need as many turns again), nothing is stored
    assert result.status == "FAILED"
    ledger = pipeline.ledger(target)
    assert ledger is not None
    assert (ledger["status"], ledger["error_name"]) == ("FAILED", "TooManyContinuations")
    assert "open_since" not in ledger
    assert result.items == [] and result.stored == 0
    assert result.validations == MAX_CONTINUATIONS + 1
