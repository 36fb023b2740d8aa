"""Injected faults (emulator/faults.py): seeded, counted by kind, where AWS has them.

Failure classes: the pipeline under throttling and 5xx answers (service_faults), an
EXPRESS child that runs twice (sfn_express_child_twice), an event delivered twice or late
(eventbridge_state_machine_target). Before these patches moto answered every call and ran every
child and event exactly once: every test here that expects a fault failed.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from emulator import DeployedStack, faults
from emulator.outcome import Executions, upload

from .machines import Machines


@pytest.fixture
def no_faults() -> Iterator[None]:
    yield
    faults.configure(faults.FaultConfig())


def _pipeline_client(stack: DeployedStack, service: str) -> Any:
    """A client as a handler or the interpreter makes one: no harness mark, no SDK retries."""
    endpoint = stack.clients.s3.meta.endpoint_url
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="emulator",
        aws_secret_access_key="emulator",
        config=Config(retries={"total_max_attempts": 1}),
    )


def test_rolls_are_seeded_and_independent_of_order(no_faults: None) -> None:
    """The n-th roll of a (kind, key) depends on the seed only: the same seed gives the same
    decisions in any order of keys; another seed gives others; the rate is kept on average."""
    keys = [f"key-{i}" for i in range(2000)]

    def decisions(seed: int, order: list[str]) -> dict[str, bool]:
        faults.configure(faults.FaultConfig(rate=0.1, seed=seed))
        return {key: faults.roll(faults.SERVICE_KINDS[0], key) for key in order}

    first = decisions(7, keys)
    assert decisions(7, list(reversed(keys))) == first
    assert decisions(8, keys) != first
    assert 140 < sum(first.values()) < 260
    assert faults.injected() == {faults.SERVICE_KINDS[0]: sum(decisions(8, keys).values())}


def test_a_bad_configuration_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        faults.FaultConfig(rate=1.5)
    with pytest.raises(ValueError, match=r"unknown fault kinds: dynamodb\.slow"):
        faults.FaultConfig(rate=0.1, kinds=frozenset({"dynamodb.slow"}))


CALLS = {
    "dynamodb": lambda c, s: c.put_item(TableName=s.output("TableName"), Item={"order_id": {"S": "f"}}),
    # Its own queue: the fixture's queues are read by other tests.
    "sqs": lambda c, s: c.send_message(
        QueueUrl=s.clients.sqs.create_queue(QueueName="emulator-faults")["QueueUrl"], MessageBody="x"
    ),
    "s3": lambda c, s: c.put_object(Bucket=s.output("BucketName"), Key="_faults/x", Body=b"x"),
    "lambda": lambda c, s: c.invoke(FunctionName=s.resources["Splitter"], Payload=b"{}"),
}
EXPECTED = {
    "dynamodb.throttle": (400, "ProvisionedThroughputExceededException"),
    "dynamodb.5xx": (500, "InternalServerError"),
    "sqs.throttle": (400, "ThrottlingException"),
    "sqs.5xx": (500, "InternalError"),
    "s3.throttle": (503, "SlowDown"),
    "s3.5xx": (500, "InternalError"),
    "lambda.throttle": (429, "TooManyRequestsException"),
    "lambda.5xx": (500, "ServiceException"),
}


@pytest.mark.parametrize("kind", faults.SERVICE_KINDS)
def test_pipeline_calls_fail_and_harness_calls_do_not(
    fixture_stack: DeployedStack, no_faults: None, kind: str
) -> None:
    """Each service's fault reaches an SDK exactly as AWS sends it (status and error code); the
    emulator's own clients are never faulted."""
    service = kind.split(".")[0]
    faults.configure(faults.FaultConfig(rate=1.0, kinds=frozenset({kind})))
    with pytest.raises(ClientError) as failed:
        CALLS[service](_pipeline_client(fixture_stack, service), fixture_stack)
    status, code = EXPECTED[kind]
    assert failed.value.response["Error"]["Code"] == code
    assert failed.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert faults.injected() == {kind: 1}
    if service != "lambda":  # the harness never invokes Lambda
        CALLS[service](getattr(fixture_stack.clients, service), fixture_stack)
        assert faults.injected() == {kind: 1}


def test_a_service_integration_sees_the_throttling_by_its_aws_name(
    machines: Machines, no_faults: None
) -> None:
    """The state machine's dynamodb:putItem gets DynamoDB.ProvisionedThroughputExceededException
    (what its Retry blocks name) and retries it."""
    definition = {
        "StartAt": "Put",
        "States": {
            "Put": {
                "Type": "Task",
                "Resource": "arn:aws:states:::dynamodb:putItem",
                "Parameters": {
                    "TableName": machines.stack.output("TableName"),
                    "Item": {"order_id": {"S": "t"}},
                },
                "Retry": [
                    {
                        "ErrorEquals": ["DynamoDB.ProvisionedThroughputExceededException"],
                        "IntervalSeconds": 1,
                        "MaxAttempts": 2,
                    }
                ],
                "End": True,
            }
        },
    }
    faults.configure(faults.FaultConfig(rate=1.0, kinds=frozenset({"dynamodb.throttle"})))
    described = machines.run(definition, {})
    assert (described["status"], described.get("error")) == (
        "FAILED",
        "DynamoDB.ProvisionedThroughputExceededException",
    )
    assert faults.injected() == {"dynamodb.throttle": 3}


def test_a_distributed_map_child_runs_twice(machines: Machines, no_faults: None) -> None:
    """Each child adds 1 to its item's counter: run twice, every counter is 2, and the Map Run
    still reports each item once."""
    table = machines.stack.output("TableName")
    ids = [f"twice-{uuid.uuid4().hex[:8]}" for _ in range(3)]
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.ids",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Add",
                    "States": {
                        "Add": {
                            "Type": "Task",
                            "Resource": "arn:aws:states:::dynamodb:updateItem",
                            "Parameters": {
                                "TableName": table,
                                "Key": {"order_id": {"S.$": "$"}},
                                "UpdateExpression": "ADD runs :one",
                                "ExpressionAttributeValues": {":one": {"N": "1"}},
                            },
                            "End": True,
                        }
                    },
                },
                "End": True,
            }
        },
    }
    faults.configure(faults.FaultConfig(rate=1.0, kinds=frozenset({faults.CHILD_TWICE})))
    described = machines.run(definition, {"ids": ids})
    assert described["status"] == "SUCCEEDED"
    runs = [
        machines.stack.clients.dynamodb.get_item(TableName=table, Key={"order_id": {"S": i}})["Item"]["runs"][
            "N"
        ]
        for i in ids
    ]
    assert runs == ["2", "2", "2"]
    assert faults.injected() == {faults.CHILD_TWICE: 3}


def _records(*ids: str) -> bytes:
    return json.dumps([{"id": i} for i in ids]).encode()


def test_an_event_delivered_twice_starts_two_executions(
    fixture_stack: DeployedStack, no_faults: None
) -> None:
    faults.configure(faults.FaultConfig(rate=1.0, kinds=frozenset({faults.EVENT_TWICE})))
    target = upload(
        fixture_stack, f"twice-{uuid.uuid4().hex[:8]}.json", _records(f"e-{uuid.uuid4().hex[:8]}")
    )
    executions = Executions(fixture_stack).wait([target], at_least=2, timeout=60)[target]
    assert len(executions) == 2
    assert faults.injected() == {faults.EVENT_TWICE: 1}


def test_a_late_event_arrives_after_the_newer_version(fixture_stack: DeployedStack, no_faults: None) -> None:
    """Version 1's event is held; version 2's is delivered at once: version 1 starts last, and is
    counted as delivered after a newer version of its key."""
    key = f"late-{uuid.uuid4().hex[:8]}.json"
    faults.configure(faults.FaultConfig(rate=1.0, kinds=frozenset({faults.EVENT_LATE})))
    first = upload(fixture_stack, key, _records(f"l1-{uuid.uuid4().hex[:8]}"))
    faults.configure(faults.FaultConfig())
    second = upload(fixture_stack, key, _records(f"l2-{uuid.uuid4().hex[:8]}"))
    found = Executions(fixture_stack).wait([first, second], timeout=60)
    assert found[second][0]["startDate"] < found[first][0]["startDate"]
    deadline = time.monotonic() + 10
    while faults.injected().get(faults.EVENT_AFTER_NEWER) != 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert faults.injected() == {faults.EVENT_AFTER_NEWER: 1}


def _single_task(resource: str, parameters: dict[str, Any] | None = None) -> dict[str, Any]:
    task: dict[str, Any] = {"Type": "Task", "Resource": resource, "End": True}
    if parameters is not None:
        task["Parameters"] = parameters
    return {"StartAt": "Task", "States": {"Task": task}}


def test_service_errors_have_the_names_aws_gives_them(machines: Machines, no_faults: None) -> None:
    """A DynamoDB HTTP 500 is DynamoDB.InternalServerErrorException (moto: DynamoDB.InternalServerError)
    and a Lambda service error of a plain-ARN task is Lambda.ServiceException /
    Lambda.TooManyRequestsException (moto: Exception): the names workflow/retries.py retries."""
    stack = machines.stack
    put = _single_task(
        "arn:aws:states:::dynamodb:putItem",
        {"TableName": stack.output("TableName"), "Item": {"order_id": {"S": "i"}}},
    )
    partition, _, region, account = stack.output("StateMachineArn").split(":")[1:5]
    function_arn = f"arn:{partition}:lambda:{region}:{account}:function:{stack.resources['Splitter']}"
    invoke = _single_task(function_arn)
    for kind, definition, error in [
        ("dynamodb.5xx", put, "DynamoDB.InternalServerErrorException"),
        ("lambda.5xx", invoke, "Lambda.ServiceException"),
        ("lambda.throttle", invoke, "Lambda.TooManyRequestsException"),
    ]:
        faults.configure(faults.FaultConfig(rate=1.0, kinds=frozenset({kind})))
        described = machines.run(definition, {"bucket": "b", "key": "k"})
        assert (described["status"], described.get("error")) == ("FAILED", error), kind
