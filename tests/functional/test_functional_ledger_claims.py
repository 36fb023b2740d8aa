"""The rendered ledger writes against moto's DynamoDB: a run changes only the claim it owns (F11).

MarkFileFailed's and MarkFileHandedOff's Parameters are taken from output/*.asl.json, their paths
resolved as Step Functions would for a given execution, and sent as the updateItem the service
integration makes. Fails before the watchdog change: the writes had no ConditionExpression, so a
retried hand-off's MarkFileFailed overwrote the running STANDARD execution's IN_PROGRESS with FAILED.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

OUTPUT = Path(__file__).resolve().parents[2] / "output"
TEMPLATE = json.loads((OUTPUT / "template.json").read_text())
LARGE = json.loads((OUTPUT / "statemachine.asl.json").read_text())["States"]
SMALL = json.loads((OUTPUT / "smallfile.asl.json").read_text())["States"]
TABLE = "ledger"
FILE_ID = "uploads/a.json#v1"
SMALL_RUN = "arn:aws:states:us-east-1:123456789012:express:SmallFileStateMachine-x:e:1"
STANDARD_RUN = "arn:aws:states:us-east-1:123456789012:execution:StateMachine-x:s"


def _lookup(path: str, state: dict[str, Any], context: dict[str, Any]) -> Any:
    root, _, rest = (context, None, path[3:]) if path.startswith("$$.") else (state, None, path[2:])
    value: Any = root
    for part in rest.split("."):
        value = value[part]
    return value


def _resolve(value: Any, state: dict[str, Any], context: dict[str, Any]) -> Any:
    """Parameters with every `key.$` path replaced by its value (plain paths only, as these states use)."""
    if isinstance(value, dict):
        return {
            key.removesuffix(".$"): _lookup(item, state, context)
            if key.endswith(".$")
            else _resolve(item, state, context)
            for key, item in value.items()
        }
    return value


def _request(states: dict[str, Any], name: str, *, execution: str) -> dict[str, Any]:
    parameters = dict(states[name]["Parameters"])
    parameters["TableName"] = TABLE
    state = {
        "file": {"file_id": FILE_ID},
        "error": {"Error": "States.TaskFailed"},
        "validation": {"handoff_reason": "States.Timeout"},
    }
    context = {"Execution": {"Id": execution}, "State": {"EnteredTime": "2026-12-06T06:00:00.000Z"}}
    return _resolve(parameters, state, context)


@pytest.fixture
def dynamodb(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    ledger = TEMPLATE["Resources"]["FileLedgerTable"]["Properties"]
    with mock_aws():
        client = boto3.client("dynamodb")
        client.create_table(
            TableName=TABLE,
            **{
                k: ledger[k]
                for k in ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")
            },
        )
        yield client


def _claim(dynamodb: Any, execution: str, lane: str) -> None:
    dynamodb.put_item(
        TableName=TABLE,
        Item={
            "file_id": {"S": FILE_ID},
            "status": {"S": "IN_PROGRESS"},
            "lane": {"S": lane},
            "execution_arn": {"S": execution},
            "open_since": {"S": "2026-12-06T05:59:00.000Z"},
        },
    )


def _item(dynamodb: Any) -> dict[str, Any]:
    return dynamodb.get_item(TableName=TABLE, Key={"file_id": {"S": FILE_ID}})["Item"]


@pytest.mark.parametrize(
    ("states", "name"),
    [(SMALL, "MarkFileFailed"), (SMALL, "MarkFileHandedOff"), (LARGE, "MarkFileFailed")],
    ids=["small-failed", "small-handed-off", "large-failed"],
)
def test_a_write_of_a_run_that_does_not_hold_the_claim_changes_nothing(
    dynamodb: Any, states: dict[str, Any], name: str
) -> None:
    """F11: fails before the change (no ConditionExpression: the write overwrote IN_PROGRESS)."""
    # GIVEN the file claimed by the STANDARD run the hand-off started (running, IN_PROGRESS)
    _claim(dynamodb, STANDARD_RUN, "standard")
    before = _item(dynamodb)
    # WHEN the small lane's run (which handed off) writes its MarkFileFailed / MarkFileHandedOff late,
    # e.g. after a retried hand-off
    with pytest.raises(ClientError) as raised:
        dynamodb.update_item(**_request(states, name, execution=SMALL_RUN))
    # THEN the condition fails (the ASL's Catch ends that run in PipelineFailed) and nothing changed
    assert raised.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert _item(dynamodb) == before


@pytest.mark.parametrize(
    ("states", "run", "lane"), [(SMALL, SMALL_RUN, "express"), (LARGE, STANDARD_RUN, "standard")]
)
def test_a_run_marks_its_own_claim_failed_and_keeps_it_open_for_the_watchdog(
    dynamodb: Any, states: dict[str, Any], run: str, lane: str
) -> None:
    """F1/F11: the owner's MarkFileFailed still works and leaves the file in the open-files index."""
    _claim(dynamodb, run, lane)
    dynamodb.update_item(**_request(states, "MarkFileFailed", execution=run))
    item = _item(dynamodb)
    assert (item["status"], item["error_name"]) == ({"S": "FAILED"}, {"S": "States.TaskFailed"})
    assert item["open_since"] == item["finished_at"] == {"S": "2026-12-06T06:00:00.000Z"}
