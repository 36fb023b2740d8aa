"""Differential, seeded: the watchdog derives a file's ledger key and rebuilds its event exactly as the
state machine does (F1/F11: a status-change event or a re-drive that named another file_id would leave
the stuck file open, or claim a new item while the old one stays stuck).

The rendered ASL's CheckObject -> Describe(Un)versionedFile -> IdentifyFile run in moto's interpreter
on S3 events with hostile keys (`/`, `#`, braces, quotes, backslashes, non-ASCII); the watchdog's
`file_id_of` must give the same file_id, and the event `redrive_event` rebuilds from the claim's
`s3_object` (States.JsonToString($.file)) must identify the same file again. Fails before the watchdog
change: handlers/flows/watchdog_rules.py did not exist.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from handlers.flows.watchdog_rules import file_id_of, redrive_event

ASL = json.loads((Path(__file__).resolve().parents[2] / "output" / "statemachine.asl.json").read_text())
ALPHABET = "ab/#{}'\"\\ %.-_é日本😀+=:"
CASES = 8


def _identify_definition() -> dict[str, Any]:
    states = ASL["States"]
    kept = {
        name: states[name] for name in ("CheckObject", "DescribeVersionedFile", "DescribeUnversionedFile")
    }
    kept["IdentifyFile"] = {**states["IdentifyFile"], "Next": "Claim"}
    kept["Claim"] = {
        "Type": "Pass",
        "Parameters": {"file_id.$": "$.file.file_id", "s3_object.$": "States.JsonToString($.file)"},
        "End": True,
    }
    kept["IgnorePipelineObject"] = {"Type": "Succeed"}
    kept["EventNotRecognized"] = {"Type": "Fail", "Error": "EventNotRecognized"}
    return {"StartAt": "CheckObject", "States": kept}


def _event(rng: random.Random) -> dict[str, Any]:
    key = "in/" + "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 24))) + ".json"
    found: dict[str, Any] = {"key": key, "size": rng.randint(1, 10**6)}
    if rng.random() < 0.7:
        found["version-id"] = "".join(rng.choice("AZaz09._") for _ in range(32))
        found["etag"] = f"{rng.getrandbits(128):032x}"
    else:
        found["etag"] = f"{rng.getrandbits(128):032x}-{rng.randint(2, 99)}"
    return {
        "source": "aws.s3",
        "detail-type": "Object Created",
        "detail": {"bucket": {"name": "uploads"}, "object": found},
    }


@pytest.fixture
def sfn(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):  # type: ignore[arg-type]
        yield boto3.client("stepfunctions")


def _identify(sfn: Any, machine: str, event: dict[str, Any], name: str) -> dict[str, Any]:
    execution = sfn.start_execution(stateMachineArn=machine, name=name, input=json.dumps(event))[
        "executionArn"
    ]
    for _ in range(300):
        described = sfn.describe_execution(executionArn=execution)
        if described["status"] != "RUNNING":
            assert described["status"] == "SUCCEEDED", described
            output: dict[str, Any] = json.loads(described["output"])
            return output
        time.sleep(0.02)
    raise AssertionError("execution still running")


def test_the_watchdog_identifies_files_as_the_state_machine_does(sfn: Any) -> None:
    machine = sfn.create_state_machine(
        name="identify",
        definition=json.dumps(_identify_definition()),
        roleArn="arn:aws:iam::123456789012:role/r",
    )["stateMachineArn"]
    rng = random.Random(2020)
    for case in range(CASES):
        event = _event(rng)
        # GIVEN the state machine's own ledger key and the claim's s3_object for this event
        claimed = _identify(sfn, machine, event, f"case-{case}")
        # THEN the watchdog reads the same key from the execution's input (status-change event)
        assert file_id_of(json.dumps(event)) == claimed["file_id"], event
        # AND the re-drive's event, rebuilt from s3_object, identifies the same file again
        rebuilt = redrive_event(json.loads(claimed["s3_object"]))
        assert _identify(sfn, machine, rebuilt, f"redrive-{case}")["file_id"] == claimed["file_id"], event
