"""The pipeline under AWS's limits, in the strict emulator (emulator/faults.py, emulator/clock.py).

Failure class (the EXPRESS 5-minute bound): the small-file EXPRESS lane runs up to 400 records in one inline
Map,
10 at a time, each record's path retrying DynamoDB throttling with backoff. Under throttling the
execution passes AWS's 5-minute EXPRESS limit and is stopped (TIMED_OUT, no Catch runs): the ledger
stays IN_PROGRESS, every re-delivery of the event is skipped as already processed, and the records
not yet stored are lost. Before the emulator enforced the limit this test could not fail: moto had
no EXPRESS limit (and slept every Retry wait for real, so it would have taken hours).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest

from emulator import faults
from handlers.flows.inline import SMALL_FILE_MAX_BYTES
from handlers.seams.throughput import BATCH_MAX_RECORDS, INLINE_MAX_RECORDS

from .conftest import Pipeline

pytestmark = pytest.mark.e2e

RECORDS = 250


@pytest.fixture
def throttled_orders_table(pipeline: Pipeline) -> Iterator[None]:
    # Sustained throttling of the orders table: every record's put fails 5 times, then goes through
    # (StoreRecord retries twice in both EXPRESS lanes, the small lane and a batch child: every record
    # runs out of retries and its execution fails before its 5 minutes).
    scope = f"PutItem:{pipeline.stack.output('OrdersTableName')}:"
    faults.configure(
        faults.FaultConfig(rate=1.0, seed=20, kinds=frozenset({"dynamodb.throttle"}), burst=5, scope=scope)
    )
    yield
    faults.configure(faults.FaultConfig())


@pytest.mark.parametrize("records", [INLINE_MAX_RECORDS, RECORDS])
def test_a_throttled_small_file_never_times_out_and_completes_on_redelivery(
    pipeline: Pipeline, uid: str, throttled_orders_table: None, records: int
) -> None:
    """F1 under the strict emulator: before the lane was bounded (at most INLINE_MAX_RECORDS inline,
    every call retried at most twice: output/worstcase.md) this file's EXPRESS run was stopped at 5
    emulated minutes, TIMED_OUT with the ledger IN_PROGRESS, and re-delivery skipped it (an
    xfail(strict) reproduction until the merge of the bounded lane and the watchdog)."""
    # GIVEN a small-lane file while the orders table throttles every put 5 times
    body = "".join(
        json.dumps({"order-info": {"order_id": f"t{uid}{i}"}, "contact-info": {}}) + "\n"
        for i in range(records)
    ).encode()
    assert len(body) <= SMALL_FILE_MAX_BYTES
    target, first = pipeline.run(f"throttled-{uid}.jsonl", body)
    # WHEN its first run ends: never stopped at the EXPRESS limit, never left claimed (a run that ran
    # out of retries marked the file FAILED, the watchdog's and a re-delivery's to take again)
    assert first.status != "TIMED_OUT"
    assert faults.limits().get(faults.EXPRESS_TIMED_OUT, 0) == 0
    assert (pipeline.ledger(target) or {}).get("status") in ("DONE", "FAILED", "HANDED_OFF")
    # AND, unless the file is already DONE, the event is sent again once the throttling is over (a
    # hand-off's batch children retry twice too since the batch child's time bound: before, a 250-record
    # child waited out
    # the throttling in 25 waves, past 5 minutes on AWS, which the emulator does not enforce on
    # children; now the child fails, the parent marks the file FAILED, and it completes on redelivery)
    faults.configure(faults.FaultConfig())
    again = first
    if (pipeline.ledger(target) or {}).get("status") != "DONE":
        executions = pipeline.executions.for_upload(target)
        pipeline.stack.clients.stepfunctions.start_execution(
            stateMachineArn=executions[0]["stateMachineArn"],
            name=f"redeliver-{uuid.uuid4()}",
            input=executions[0]["input"],
        )
        # two deliveries of the event (the wait adds each hand-off's large-lane execution itself)
        again = pipeline.result(target, at_least=2)
    # THEN the file completes and every record is stored: nothing is lost
    assert (pipeline.ledger(target) or {}).get("status") == "DONE"
    assert again.stored == records and not again.lost


def test_a_large_file_whose_puts_stay_throttled_fails_its_batch_child_then_completes_on_redelivery(
    pipeline: Pipeline, uid: str, throttled_orders_table: None
) -> None:
    """A record whose retries run out inside a batch child is not lost. Every call in a
    ProcessBatches child retries twice (so the child fits its 5 minutes by construction,
    output/worstcase.md); under sustained throttling (every put fails 5 times) the child fails, the
    Map run tolerates no failure, and the STANDARD parent's Catch marks the file FAILED, never left
    claimed; sent again once the throttling is over, the file completes with every record stored.
    Before the batch child's time bound each put waited out 6 retries in a child of up to 40 waves of 10:
    past 5 minutes
    on AWS (TIMED_OUT), which the emulator does not enforce on children (it runs them as STANDARD)."""
    # GIVEN a file too large for the small lane (> SMALL_FILE_MAX_BYTES: straight to the STANDARD
    # machine) of two batches, while the orders table throttles every put 5 times
    records = BATCH_MAX_RECORDS + 20
    pad = "x" * (SMALL_FILE_MAX_BYTES // records + 1)
    body = "".join(
        json.dumps({"order-info": {"order_id": f"b{uid}{i}", "note": pad}, "contact-info": {}}) + "\n"
        for i in range(records)
    ).encode()
    assert len(body) > SMALL_FILE_MAX_BYTES
    target, first = pipeline.run(f"throttled-large-{uid}.jsonl", body)
    # WHEN its first run ends: the STANDARD execution marked the file FAILED (its batch failed)
    [execution] = pipeline.executions.for_upload(target)
    assert execution["stateMachineArn"] == pipeline.stack.output("StateMachineArn")
    ledger = pipeline.ledger(target) or {}
    assert (first.status, ledger.get("status")) == ("FAILED", "FAILED"), (first.failure, ledger)
    # THEN, sent again once the throttling is over, it completes and every record is stored
    faults.configure(faults.FaultConfig())
    pipeline.stack.clients.stepfunctions.start_execution(
        stateMachineArn=execution["stateMachineArn"],
        name=f"redeliver-{uuid.uuid4()}",
        input=execution["input"],
    )
    again = pipeline.result(target, at_least=2)
    assert (pipeline.ledger(target) or {}).get("status") == "DONE"
    assert again.stored == records and not again.lost
