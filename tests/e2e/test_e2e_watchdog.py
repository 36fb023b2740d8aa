"""No file stays stuck: the deployed watchdog (WatchdogFunction, invoked as its schedule would) marks a
file left open FAILED and re-drives it on the STANDARD machine to DONE.

Failure classes: F1 (an EXPRESS run stopped at 5 minutes without its Catch: the file IN_PROGRESS
forever, some records stored, every re-delivery skipped as AlreadyProcessed) and F11 (a HANDED_OFF file
whose STANDARD run failed before claiming it). Both fail before the watchdog change: the stack had no
WatchdogFunction and the ledger item stayed as it was left.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from emulator.outcome import Upload

from .conftest import Pipeline, assert_no_loss

pytestmark = pytest.mark.e2e

SCHEDULED = {"version": "0", "source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}
RECORDS = 3


def _order(order_id: str) -> dict[str, object]:
    return {"order-info": {"order_id": order_id, "item": "Laptop"}, "contact-info": {"name": "Ana"}}


def _lambda(pipeline: Pipeline) -> Any:
    """A Lambda client of the emulator (the stack's clients hold none)."""
    s3 = pipeline.stack.clients.s3
    return boto3.client(
        "lambda",
        endpoint_url=s3.meta.endpoint_url,
        region_name=s3.meta.region_name,
        aws_access_key_id="emulator",
        aws_secret_access_key="emulator",
    )


def _leave_open(pipeline: Pipeline, target: Upload, *, status: str, order_ids: list[str]) -> None:
    """Put the ledger item back as a run that stopped part-way leaves it: `status`, open for 10
    minutes (past the EXPRESS lane's 6-minute deadline), unfinished; all but the first record unstored."""
    stack = pipeline.stack
    since = (datetime.now(UTC) - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    stack.clients.dynamodb.update_item(
        TableName=stack.output("FileLedgerTableName"),
        Key=pipeline.ledger_key(target),
        UpdateExpression="SET #status = :status, open_since = :since REMOVE finished_at",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={":status": {"S": status}, ":since": {"S": since}},
    )
    for order_id in order_ids[1:]:
        stack.clients.dynamodb.delete_item(
            TableName=stack.output("OrdersTableName"), Key={"order_id": {"S": order_id}}
        )


@pytest.mark.parametrize("left", ["IN_PROGRESS", "HANDED_OFF"])
def test_a_file_left_open_is_marked_failed_and_redriven_to_done(
    pipeline: Pipeline, uid: str, left: str
) -> None:
    """F1 (IN_PROGRESS) and F11 (HANDED_OFF): fails before the change (no WatchdogFunction in the stack)."""
    # GIVEN a small file the EXPRESS lane processed, whose ledger is then left as a timed-out run (F1)
    # or a hand-off nobody claimed (F11) leaves it, with only its first record stored
    order_ids = [f"wd-{left}-{uid}-{i}" for i in range(RECORDS)]
    body = "".join(json.dumps(_order(order_id)) + "\n" for order_id in order_ids).encode()
    target, first = pipeline.run(f"watchdog-{left}-{uid}.jsonl", body)
    assert_no_loss(first, records=RECORDS)
    _leave_open(pipeline, target, status=left, order_ids=order_ids)
    assert [pipeline.item(order_id) is not None for order_id in order_ids] == [True, False, False]

    # WHEN the watchdog's scheduled sweep runs
    response = _lambda(pipeline).invoke(
        FunctionName=pipeline.stack.resources["WatchdogFunction"], Payload=json.dumps(SCHEDULED).encode()
    )
    assert "FunctionError" not in response, response["Payload"].read()
    counts = json.loads(response["Payload"].read())
    assert counts["marked_failed"] >= 1 and counts["redriven"] >= 1

    # THEN the file was re-driven once, on the STANDARD machine, and that run finished it
    runs = pipeline.executions.wait([target], at_least=2, timeout=120)[target]
    redrive = runs[-1]
    assert redrive["stateMachineArn"] == pipeline.stack.output("StateMachineArn")
    assert redrive["name"].startswith("redrive-1-") and redrive["status"] == "SUCCEEDED"
    ledger = pipeline.ledger(target)
    assert ledger is not None
    assert (ledger["status"], ledger["lane"], ledger["execution_arn"]) == (
        "DONE",
        "standard",
        redrive["executionArn"],
    )
    assert "open_since" not in ledger  # out of the watchdog's index
    # AND every record is stored: the two the stopped run never stored, the first as a duplicate
    assert (ledger["records"], ledger["stored"], ledger["duplicates"], ledger["rejected"]) == (
        RECORDS,
        2,
        1,
        0,
    )
    assert all(pipeline.item(order_id) is not None for order_id in order_ids)


def test_a_stopped_standard_run_is_redriven_through_its_rule(pipeline: Pipeline, uid: str) -> None:
    """F1/F11 for the STANDARD lane: an execution stopped or timed out (no Catch runs) leaves its claim
    IN_PROGRESS; its status-change event, routed by ExecutionEndedRule to WatchdogFunction, makes the
    watchdog mark the file FAILED (ExecutionAborted) and re-drive it to DONE. Fails before the change
    (no rule, no watchdog: the claim stayed IN_PROGRESS)."""
    # GIVEN a file larger than the small lane's 64 KiB, processed by StateMachine, whose ledger is then
    # put back as the run left it when it was stopped part-way
    order_ids = [f"wd-large-{uid}-{i}" for i in range(RECORDS)]
    lines = "".join(json.dumps(_order(order_id)) + "\n" for order_id in order_ids)
    body = (lines + " " * (70_000 - len(lines))).encode()
    target, first = pipeline.run(f"watchdog-large-{uid}.jsonl", body)
    assert_no_loss(first, records=RECORDS)
    [stopped] = pipeline.executions.for_upload(target)
    assert stopped["stateMachineArn"] == pipeline.stack.output("StateMachineArn")
    _leave_open(pipeline, target, status="IN_PROGRESS", order_ids=order_ids)

    # WHEN Step Functions announces the run's end (ABORTED) on the default bus: ExecutionEndedRule
    # matches it and invokes the watchdog (asynchronously)
    detail = {
        "executionArn": stopped["executionArn"],
        "stateMachineArn": stopped["stateMachineArn"],
        "name": stopped["name"],
        "status": "ABORTED",
        "input": stopped["input"],
    }
    put = pipeline.stack.clients.events.put_events(
        Entries=[
            {
                "Source": "aws.states",
                "DetailType": "Step Functions Execution Status Change",
                "Resources": [stopped["executionArn"]],
                "Detail": json.dumps(detail),
            }
        ]
    )
    assert put["FailedEntryCount"] == 0

    # THEN the re-drive finished the file: DONE, every record stored
    runs = pipeline.executions.wait([target], at_least=2, timeout=120)[target]
    assert runs[-1]["name"].startswith("redrive-1-") and runs[-1]["status"] == "SUCCEEDED"
    ledger = pipeline.ledger(target)
    assert ledger is not None and (ledger["status"], ledger["execution_arn"]) == (
        "DONE",
        runs[-1]["executionArn"],
    )
    assert (ledger["records"], ledger["stored"], ledger["duplicates"]) == (RECORDS, 2, 1)
    assert all(pipeline.item(order_id) is not None for order_id in order_ids)
