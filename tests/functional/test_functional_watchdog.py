"""The watchdog handler against moto's DynamoDB and Step Functions: failure classes F1 (an EXPRESS run
stopped at 5 minutes leaves its file IN_PROGRESS, every re-delivery skipped) and F11 (a HANDED_OFF file
stranded). The ledger table is created from the rendered template's FileLedgerTable (its OpenFiles
index included). Every test fails before the watchdog change: handlers/watchdog.py did not exist and a
stuck file stayed stuck."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from handlers import watchdog
from handlers.flows import sweep
from handlers.flows.watchdog_rules import decide, file_id_of, format_time
from handlers.seams.settings import FILE_LEDGER_TABLE_ENV, MAX_REDRIVES_ENV, REDRIVE_STATE_MACHINE_ENV

TEMPLATE = Path(__file__).resolve().parents[2] / "output" / "template.json"
TABLE = "ledger"
SCHEDULED = {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}
BUCKET = "uploads"
SMALL_ARN = "arn:aws:states:us-east-1:123456789012:express:SmallFileStateMachine-x:e1:0b1c"


class Context:
    function_name = "watchdog-fn"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 100_000


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    ledger = json.loads(TEMPLATE.read_text())["Resources"]["FileLedgerTable"]["Properties"]
    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        dynamodb.create_table(
            TableName=TABLE,
            **{
                key: ledger[key]
                for key in ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")
            },
        )
        sfn = boto3.client("stepfunctions")
        queue = boto3.client("sqs").create_queue(QueueName="watchdog-callbacks")["QueueUrl"]
        # A run that lasts whether or not this process's moto executes state machines: a task waiting
        # for a callback nobody sends (a Wait would end at once once the emulator's patches, applied by
        # another test in this process, emulate time: they skip waits instead of sleeping them).
        waiting = {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": queue, "MessageBody": {"token.$": "$$.Task.Token"}},
            "End": True,
        }
        machine = sfn.create_state_machine(
            name="StateMachine-x",
            definition=json.dumps({"StartAt": "Wait", "States": {"Wait": waiting}}),
            roleArn="arn:aws:iam::123456789012:role/r",
        )["stateMachineArn"]
        monkeypatch.setenv(FILE_LEDGER_TABLE_ENV, TABLE)
        monkeypatch.setenv(REDRIVE_STATE_MACHINE_ENV, machine)
        monkeypatch.setenv(MAX_REDRIVES_ENV, "2")
        yield dynamodb, sfn, machine


def _put(dynamodb: Any, key: str, status: str, *, age: timedelta | None, **extra: dict[str, Any]) -> str:
    file_id = f"{BUCKET}/{key}#v-{key}"
    s3_object = {"bucket": BUCKET, "key": key, "version_id": f"v-{key}", "etag": None, "file_id": file_id}
    item: dict[str, Any] = {
        "file_id": {"S": file_id},
        "status": {"S": status},
        "lane": {"S": "express"},
        "execution_arn": {"S": SMALL_ARN + key},
        "s3_object": {"S": json.dumps(s3_object)},
        **extra,
    }
    if age is not None:
        item["open_since"] = {"S": format_time(datetime.now(UTC) - age)}
    dynamodb.put_item(TableName=TABLE, Item=item)
    return file_id


def _item(dynamodb: Any, file_id: str) -> dict[str, Any]:
    return dynamodb.get_item(TableName=TABLE, Key={"file_id": {"S": file_id}})["Item"]


def _started(sfn: Any, machine: str) -> dict[str, dict[str, Any]]:
    """Executions of the STANDARD machine, by the file their input names."""
    found = {}
    for execution in sfn.list_executions(stateMachineArn=machine)["executions"]:
        described = sfn.describe_execution(executionArn=execution["executionArn"])
        found[file_id_of(described["input"])] = described
    return found


def test_a_stuck_express_file_is_marked_failed_and_redriven_to_the_standard_machine(aws: Any) -> None:
    """F1 + F11 through the handler and moto; fails before: no handlers/watchdog.py, the items stayed open."""
    dynamodb, sfn, machine = aws
    # GIVEN an EXPRESS claim of 10 minutes ago (the run was stopped at 5 without its Catch), a fresh
    # claim, a hand-off nobody claimed, and a DONE file (not in the open-files index)
    stuck = _put(dynamodb, "stuck.json", "IN_PROGRESS", age=timedelta(minutes=10))
    fresh = _put(dynamodb, "fresh.json", "IN_PROGRESS", age=timedelta(minutes=1))
    handed = _put(dynamodb, "handed.json", "HANDED_OFF", age=timedelta(minutes=8))
    done = _put(dynamodb, "done.json", "DONE", age=None)

    # WHEN the scheduled sweep runs
    counts = watchdog.handler(SCHEDULED, Context())

    # THEN only the two past their deadline are read (the index query's cutoff), each FAILED with its
    # cause and re-driven once
    assert counts == {"examined": 2, "marked_failed": 2, "redriven": 2, "given_up": 0}
    for file_id, cause in ((stuck, "LaneDeadlineExceeded"), (handed, "HandOffNotClaimed")):
        item = _item(dynamodb, file_id)
        assert (item["status"], item["error_name"], item["redrives"]) == (
            {"S": "FAILED"},
            {"S": cause},
            {"N": "1"},
        )
        assert item["execution_arn"]["S"].startswith(SMALL_ARN)  # the claim itself is not rewritten
    started = _started(sfn, machine)
    assert set(started) == {stuck, handed}
    event = json.loads(started[stuck]["input"])
    assert event["detail"] == {
        "bucket": {"name": BUCKET},
        "object": {"key": "stuck.json", "version-id": "v-stuck.json"},
        "reason": "PipelineRedrive",
    }
    assert started[stuck]["name"].startswith("redrive-1-")
    # AND the fresh claim and the DONE file are untouched
    assert _item(dynamodb, fresh)["status"] == {"S": "IN_PROGRESS"}
    assert _item(dynamodb, done)["status"] == {"S": "DONE"}

    # WHEN the sweep runs again at once
    again = watchdog.handler(SCHEDULED, Context())
    # THEN nothing is re-driven twice (a FAILED file waits for its backoff)
    assert again["redriven"] == 0 and len(_started(sfn, machine)) == 2


def test_a_claim_taken_meanwhile_is_not_changed(aws: Any) -> None:
    """F11: the watchdog's write is conditional on the claim it read; fails before: no watchdog."""
    dynamodb, sfn, machine = aws
    # GIVEN the watchdog read a stuck claim, but a re-delivery's run has claimed the file since
    file_id = _put(dynamodb, "raced.json", "IN_PROGRESS", age=timedelta(minutes=10))
    [seen] = [
        sweep.open_file(item)
        for item in dynamodb.scan(TableName=TABLE)["Items"]
        if item["file_id"]["S"] == file_id
    ]
    dynamodb.update_item(
        TableName=TABLE,
        Key={"file_id": {"S": file_id}},
        UpdateExpression="SET execution_arn = :new",
        ExpressionAttributeValues={
            ":new": {"S": "arn:aws:states:us-east-1:123456789012:execution:StateMachine-x:n"}
        },
    )
    dog = sweep.Watchdog(
        dynamodb=dynamodb, stepfunctions=sfn, table=TABLE, machine_arn=machine, config=sweep.settings()
    )
    # WHEN it applies its decision
    dog.apply(seen, decide(seen, now=datetime.now(UTC), settings=dog.config), now=datetime.now(UTC))
    # THEN the new claim is untouched and nothing is started
    assert _item(dynamodb, file_id)["status"] == {"S": "IN_PROGRESS"}
    assert dog.counts["marked_failed"] == 0 and _started(sfn, machine) == {}


def test_a_standard_execution_that_timed_out_is_marked_and_redriven_at_once(aws: Any) -> None:
    """F1 (STANDARD lane): the status-change event path; fails before: no watchdog."""
    dynamodb, sfn, machine = aws
    # GIVEN a STANDARD run's claim (one minute old: far inside the sweep's deadline)
    execution = "arn:aws:states:us-east-1:123456789012:execution:StateMachine-x:run1"
    file_id = _put(
        dynamodb,
        "big.json",
        "IN_PROGRESS",
        age=timedelta(minutes=1),
        lane={"S": "standard"},
        execution_arn={"S": execution},
    )
    event_input = json.dumps(
        {"detail": {"bucket": {"name": BUCKET}, "object": {"key": "big.json", "version-id": "v-big.json"}}}
    )
    status_change = {
        "source": "aws.states",
        "detail-type": "Step Functions Execution Status Change",
        "detail": {"executionArn": execution, "status": "TIMED_OUT", "input": event_input},
    }
    # WHEN its status-change event arrives
    counts = watchdog.handler(status_change, Context())
    # THEN the file is FAILED (States.Timeout) and re-driven
    assert counts == {"examined": 1, "marked_failed": 1, "redriven": 1, "given_up": 0}
    assert _item(dynamodb, file_id)["error_name"] == {"S": "States.Timeout"}
    assert set(_started(sfn, machine)) == {file_id}


def test_an_old_standard_claim_is_failed_only_if_its_execution_ended(aws: Any) -> None:
    """F1 (STANDARD lane, lost event): DescribeExecution decides; fails before: no watchdog."""
    dynamodb, sfn, machine = aws
    # GIVEN two STANDARD claims of 2 hours (past the sweep's 30-minute check): one execution still
    # running, one stopped by hand (its status-change event lost)
    running, stopped = (
        sfn.start_execution(stateMachineArn=machine, name=name, input="{}")["executionArn"]
        for name in ("running", "stopped")
    )
    sfn.stop_execution(executionArn=stopped)
    standard = {"lane": {"S": "standard"}}
    long_run = _put(
        dynamodb, "long.json", "IN_PROGRESS", age=timedelta(hours=2), **standard, execution_arn={"S": running}
    )
    lost = _put(
        dynamodb, "lost.json", "IN_PROGRESS", age=timedelta(hours=2), **standard, execution_arn={"S": stopped}
    )
    # WHEN the sweep runs
    counts = watchdog.handler(SCHEDULED, Context())
    # THEN only the stopped run's file is FAILED (ExecutionAborted) and re-driven
    assert counts == {"examined": 2, "marked_failed": 1, "redriven": 1, "given_up": 0}
    assert _item(dynamodb, long_run)["status"] == {"S": "IN_PROGRESS"}
    assert _item(dynamodb, lost)["error_name"] == {"S": "ExecutionAborted"}
    started = _started(sfn, machine)
    assert lost in started and long_run not in started
    sfn.stop_execution(executionArn=running)


def test_re_drives_are_bounded_then_alarmed(aws: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """F1/F11: bounded re-drives, then RedrivesExhausted (EMF) and out of the index;
    fails before: no watchdog."""
    dynamodb, sfn, machine = aws
    # GIVEN a file already re-driven MaxRedrives (2) times, whose last run failed an hour ago
    file_id = _put(dynamodb, "bad.json", "FAILED", age=timedelta(hours=1), redrives={"N": "2"})
    # WHEN the sweep runs
    counts = watchdog.handler(SCHEDULED, Context())
    # THEN it is given up on: left FAILED, out of the open-files index, counted in RedrivesExhausted
    assert counts["given_up"] == 1 and counts["redriven"] == 0
    item = _item(dynamodb, file_id)
    assert item["status"] == {"S": "FAILED"} and "open_since" not in item
    [line] = [json.loads(text) for text in capsys.readouterr().out.splitlines() if text.startswith("{")]
    assert (line["RedrivesExhausted"], line["FunctionName"]) == (1, "watchdog-fn")
    assert _started(sfn, machine) == {}
    # AND a later sweep no longer sees it
    assert watchdog.handler(SCHEDULED, Context())["examined"] == 0


def test_an_unrecognized_event_is_an_error() -> None:
    """F1/F11: a misrouted event is an error (WatchdogErrorsAlarm), not a silent no-op."""
    with pytest.raises(sweep.UnrecognizedEvent, match="not a watchdog event"):
        watchdog.handler({"source": "aws.s3", "detail-type": "Object Created"}, Context())
