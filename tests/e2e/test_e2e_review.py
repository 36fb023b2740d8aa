"""The operator's round trip in the emulator: bad file, export, fix, replay, stored with provenance."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

import emulator
from emulator import DeployedStack
from review.cli import main

from .conftest import TEMPLATE, plain

pytestmark = pytest.mark.e2e


def _deep(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {"leaf": 1}
    for _ in range(levels):
        value = {"d": value}
    return value


@pytest.fixture(scope="module")
def own_stack() -> DeployedStack:
    """A stack of its own: the test empties its review queue and asserts it stays empty."""
    return emulator.deploy_stack(TEMPLATE, stack_name=f"review-{uuid.uuid4().hex[:8]}")


def _review(stack: DeployedStack, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    endpoint = emulator.shared_server().endpoint_url
    options = ["--stack", stack.name, "--endpoint-url", endpoint, "--region", "us-east-1"]
    command = [argv[0], *options, *argv[1:]] if argv[0] != "show" else list(argv)
    code = main(command)
    printed = capsys.readouterr()
    return code, printed.out, printed.err


def test_export_fix_replay_stores_the_fixed_records_with_their_origin(
    own_stack: DeployedStack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack, run = own_stack, uuid.uuid4().hex[:6]
    contact = {"email": "ops@example.com"}
    # GIVEN a file with one valid record, one without contact-info and one nested too deep (claim check)
    lines = [
        {"order-info": {"order_id": f"{run}-a"}, "contact-info": contact},
        {"order-info": {"order_id": f"{run}-b", "item": "pen"}},
        {"order-info": {"order_id": f"{run}-c"}, "contact-info": contact, "notes": _deep(40)},
    ]
    bucket = stack.output("BucketName")
    put = stack.clients.s3.put_object(
        Bucket=bucket, Key="bad.jsonl", Body="".join(json.dumps(line) + "\n" for line in lines).encode()
    )
    code, out, _ = _review(stack, capsys, "status", "bad.jsonl", "--wait", "--timeout", "120")
    assert code == 0 and "status: DONE" in out and "invalid: 2" in out

    # WHEN the operator looks, exports, fixes and replays
    code, out, _ = _review(stack, capsys, "summary")
    assert code == 0 and "2 scanned" in out and "missing_contact_info" in out and "too_deep" in out
    assert f"2  s3://{bucket}/bad.jsonl" in out
    export = tmp_path / "review.jsonl"
    code, _, err = _review(stack, capsys, "export", "--out", str(export))
    assert code == 0 and "exported 2 messages" in err
    exported = [json.loads(line) for line in export.read_text().splitlines()]
    by_reason = {line["reason"]: line for line in exported}
    assert by_reason["too_deep"]["record"]["notes"] == _deep(40)  # the claim check, fetched
    assert by_reason["too_deep"]["review"]["record_pointer"] is not None
    code, out, _ = _review(stack, capsys, "show", str(export))
    assert code == 0 and "missing_contact_info" in out and "bad.jsonl" in out and f"{run}-b" in out

    by_reason["missing_contact_info"]["record"]["contact-info"] = contact
    by_reason["too_deep"]["record"]["notes"] = "flattened"
    export.write_text("".join(json.dumps(line) + "\n" for line in exported))
    code, out, _ = _review(stack, capsys, "replay", str(export), "--dry-run")
    assert code == 0 and len(out.splitlines()) == 2
    code, out, err = _review(stack, capsys, "replay", str(export), "--yes")
    replay_key = out.strip()
    assert code == 0 and replay_key.startswith("replay/") and replay_key.endswith(".jsonl")

    # THEN the replay file is processed by the pipeline, and the fixed records are stored with their origin
    code, out, _ = _review(stack, capsys, "status", replay_key, "--wait", "--timeout", "120")
    assert code == 0 and "status: DONE" in out and "records: 2" in out and "invalid: 0" in out
    for suffix, index in (("b", 1), ("c", 2)):
        item = stack.clients.dynamodb.get_item(
            TableName=stack.output("OrdersTableName"), Key={"order_id": {"S": f"{run}-{suffix}"}}
        )["Item"]
        source = plain(item)["_pipeline_source"]
        assert source["key"] == replay_key
        assert source["replay_of"] == {
            "bucket": bucket,
            "key": "bad.jsonl",
            "version_id": put["VersionId"],
            "record_index": index,
        }
    # the queue is empty, and the ledger shows both files done
    sqs = stack.clients.sqs
    assert "Messages" not in sqs.receive_message(QueueUrl=stack.output("ReviewQueueUrl"), WaitTimeSeconds=1)
    code, out, _ = _review(stack, capsys, "status", "bad.jsonl")
    assert code == 0 and "status: DONE" in out


def test_the_dashboard_deploys_with_a_json_body_naming_the_stacks_resources(own_stack: DeployedStack) -> None:
    import boto3

    cloudwatch = boto3.client(
        "cloudwatch", endpoint_url=emulator.shared_server().endpoint_url, region_name="us-east-1"
    )
    physical = own_stack.resources
    body = json.loads(cloudwatch.get_dashboard(DashboardName=physical["PipelineDashboard"])["DashboardBody"])
    text = json.dumps(body)
    assert physical["ValidatorFunction"] in text and "${" not in text
    assert {widget["properties"]["region"] for widget in body["widgets"]} == {"us-east-1"}
