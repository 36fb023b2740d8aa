"""`sales-pipeline review` with the AWS CLI's conventions, against emulated SQS, S3 and DynamoDB.

A small stack with the three outputs review reads (bucket, review queue, file ledger), so no pipeline
runs: `--output json` of summary/status/show, `export --keep`, replay's plan, its question and `--yes`,
and counts said right. Failure classes: an upload nobody confirmed; an unchanged record replayed
without a word; an export that deletes when asked to keep; `1 messages`.
"""

from __future__ import annotations

import io
import json
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

import emulator
from emulator import Clients
from review.cli import main

STACK_TEMPLATE = {
    "Resources": {
        "Bucket": {"Type": "AWS::S3::Bucket"},
        "Queue": {"Type": "AWS::SQS::Queue"},
        "Ledger": {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "file_id", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "file_id", "KeyType": "HASH"}],
            },
        },
    },
    "Outputs": {
        "BucketName": {"Value": {"Ref": "Bucket"}},
        "ReviewQueueUrl": {"Value": {"Ref": "Queue"}},
        "FileLedgerTableName": {"Value": {"Ref": "Ledger"}},
    },
}


class Stack:
    def __init__(self) -> None:
        server = emulator.shared_server()
        self.endpoint = server.endpoint_url
        self.clients = Clients.for_endpoint(self.endpoint)
        self.name = f"conventions-{uuid.uuid4().hex[:8]}"
        cloudformation = self.clients.cloudformation
        cloudformation.create_stack(StackName=self.name, TemplateBody=json.dumps(STACK_TEMPLATE))
        outputs = cloudformation.describe_stacks(StackName=self.name)["Stacks"][0]["Outputs"]
        found = {o["OutputKey"]: o["OutputValue"] for o in outputs}
        self.bucket, self.queue, self.ledger = (
            found["BucketName"],
            found["ReviewQueueUrl"],
            found["FileLedgerTableName"],
        )

    def review(
        self, capsys: pytest.CaptureFixture[str], *argv: str, stdin: str | None = None
    ) -> tuple[int, str, str]:
        options = ["--stack", self.name, "--endpoint-url", self.endpoint, "--region", "us-east-1"]
        saved = sys.stdin
        sys.stdin = io.StringIO(stdin) if stdin is not None else saved
        try:
            code = main([*options, *argv], prog="sales-pipeline review")
        finally:
            sys.stdin = saved
        printed = capsys.readouterr()
        return code, printed.out, printed.err

    def send(self, *records: dict[str, Any]) -> None:
        for index, record in enumerate(records):
            source = {"bucket": self.bucket, "key": "orders.jsonl", "version_id": "v1", "etag": "e"}
            body = {
                "schema": "sales-pipeline.review/3", "reason": "missing_contact_info", "message": "m",
                "file_rejected": False, "source": source,
                "record_index": index, "line": index + 1, "order_id": record["order-info"]["order_id"],
                "record": record, "record_item": None, "record_pointer": None, "rejections": None,
                "minimal": False, "violations": None, "violations_omitted": 0,
            }  # fmt: skip
            self.clients.sqs.send_message(QueueUrl=self.queue, MessageBody=json.dumps(body))

    def waiting(self) -> int:
        attributes = self.clients.sqs.get_queue_attributes(
            QueueUrl=self.queue, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"])

    def replay_objects(self) -> list[str]:
        listed = self.clients.s3.list_objects_v2(Bucket=self.bucket, Prefix="replay/")
        return [o["Key"] for o in listed.get("Contents", [])]


@pytest.fixture
def stack() -> Stack:
    return Stack()


def test_summary_and_export_keep_then_move(
    stack: Stack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN one review message
    stack.send({"order-info": {"order_id": "1"}})
    # WHEN summarised as JSON, THEN one document with the counts, singular said right in the table
    code, out, _ = stack.review(capsys, "summary", "--output", "json")
    assert code == 0 and json.loads(out) == {
        "visible": 1, "in_flight": 0, "scanned": 1, "by_reason": {"missing_contact_info": 1},
        "by_rule": {}, "by_file": {f"s3://{stack.bucket}/orders.jsonl": 1},
    }  # fmt: skip
    code, out, _ = stack.review(capsys, "summary")
    assert (
        out.splitlines()[0]
        == "1 message waiting, 0 in flight (SQS's estimate); 1 scanned and left in the queue"
    )

    # WHEN exported with --keep, THEN the file has it and the queue still does
    kept = tmp_path / "kept.jsonl"
    code, _, err = stack.review(capsys, "export", "--out", str(kept), "--keep", "--wait-seconds", "0")
    assert code == 0 and err == f"exported 1 message to {kept} (kept in the queue)\n"
    assert len(kept.read_text().splitlines()) == 1 and stack.waiting() == 1
    # WHEN exported without it, THEN the message moved
    moved = tmp_path / "moved.jsonl"
    code, _, err = stack.review(capsys, "export", "--out", str(moved), "--wait-seconds", "0")
    assert code == 0 and err == f"exported 1 message to {moved}\n" and stack.waiting() == 0
    assert json.loads(moved.read_text())["record"] == {"order-info": {"order_id": "1"}}


def test_show_and_status_as_json(stack: Stack, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack.send({"order-info": {"order_id": "7"}})
    export = tmp_path / "review.jsonl"
    assert stack.review(capsys, "export", "--out", str(export), "--wait-seconds", "0")[0] == 0
    code, out, _ = stack.review(capsys, "show", str(export), "--output", "json")
    [row] = json.loads(out)
    assert code == 0 and row["reason"] == "missing_contact_info" and row["order_id"] == "7"
    assert row["origin"] == {
        "bucket": stack.bucket,
        "key": "orders.jsonl",
        "version_id": "v1",
        "record_index": 0,
    }

    # GIVEN an uploaded file and its DONE ledger entry
    put = stack.clients.s3.put_object(Bucket=stack.bucket, Key="in.json", Body=b"[]")
    file_id = f"{stack.bucket}/in.json#{put['ETag'].strip(chr(34))}"
    stack.clients.dynamodb.put_item(
        TableName=stack.ledger,
        Item={"file_id": {"S": file_id}, "status": {"S": "DONE"}, "records": {"N": "0"},
              "rejected_by_reason": {"M": {"conflict": {"N": "0"}}}},
    )  # fmt: skip
    code, out, _ = stack.review(capsys, "--output", "json", "status", "in.json")
    assert code == 0 and json.loads(out) == [
        {"file_id": file_id, "latest": True,
         "entry": {"file_id": file_id, "status": "DONE", "records": 0, "rejected_by_reason": {"conflict": 0}}}
    ]  # fmt: skip


def test_replay_shows_the_plan_asks_and_uploads_only_when_confirmed(
    stack: Stack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN an export of two records, one fixed by the operator and one left as exported
    stack.send({"order-info": {"order_id": "1"}}, {"order-info": {"order_id": "2"}})
    export = tmp_path / "review.jsonl"
    assert stack.review(capsys, "export", "--out", str(export), "--wait-seconds", "0")[0] == 0
    lines = [json.loads(line) for line in export.read_text().splitlines()]
    fixed = next(line for line in lines if line["order_id"] == "1")
    fixed["record"]["contact-info"] = {"email": "a@example.com"}
    export.write_text("".join(json.dumps(line) + "\n" for line in lines))

    # WHEN replayed and the operator answers no (or nothing), THEN nothing is uploaded, one line, status 1
    for answer in ("n\n", ""):
        code, out, err = stack.review(capsys, "replay", str(export), stdin=answer)
        said = err.splitlines()
        assert code == 1 and out == "" and stack.replay_objects() == []
        assert said[0].startswith("replay: 2 records to upload as s3://") and said[0].endswith(".jsonl:")
        assert sorted(said[1:3]) == [
            "  orders.jsonl record 0, order_id 1",
            "  orders.jsonl record 1, order_id 2",
        ]
        assert said[3].startswith(
            "1 of 2 records is unchanged since the export (the pipeline will reject them"
        )
        assert (
            said[-1]
            == "sales-pipeline review: error: not confirmed: nothing uploaded (answer y, or pass --yes)"
        )
        assert "upload 2 records to s3://" in said[4]

    # WHEN the operator answers y, THEN the file is uploaded and its key printed
    code, out, err = stack.review(capsys, "replay", str(export), stdin="y\n")
    assert code == 0 and stack.replay_objects() == [out.strip()]
    assert err.splitlines()[-1].startswith("uploaded 2 records to s3://")
    # WHEN --yes is given, THEN no question is asked
    code, out, err = stack.review(capsys, "replay", str(export), "--yes", stdin="")
    assert code == 0 and "[y/N]" not in err and len(stack.replay_objects()) == 2
