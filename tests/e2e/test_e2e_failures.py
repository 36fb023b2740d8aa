"""A permanent failure is loud: the execution ends in PipelineFailed and the ledger says FAILED (and why);
a new delivery of the same event may process the file again."""

from __future__ import annotations

import json

import pytest

from emulator.outcome import Upload

from .conftest import Pipeline

pytestmark = pytest.mark.e2e


def _deliver(pipeline: Pipeline, key: str, version_id: str) -> None:
    """EventBridge delivers an S3 Object Created event for this bucket (the object is not there)."""
    bucket = pipeline.stack.output("BucketName")
    detail = {
        "version": "0",
        "bucket": {"name": bucket},
        "object": {"key": key, "size": 10, "etag": "0" * 32, "version-id": version_id, "sequencer": "1"},
        "reason": "PutObject",
    }
    pipeline.stack.clients.events.put_events(
        Entries=[
            {
                "Source": "aws.s3",
                "DetailType": "Object Created",
                "Resources": [f"arn:aws:s3:::{bucket}"],
                "Detail": json.dumps(detail),
            }
        ]
    )


def test_missing_object_fails_loudly_and_a_redelivery_processes_it_again(
    pipeline: Pipeline, uid: str
) -> None:
    # GIVEN an Object Created event whose object version no longer exists
    key, version = f"vanished-{uid}.json", f"gone-{uid}"
    target = Upload(key=key, version_id=version, etag="0" * 32)
    _deliver(pipeline, key, version)
    # WHEN it is processed
    [first] = pipeline.executions.wait([target], timeout=120)[target]
    # THEN the execution FAILED in the named Fail state, the ledger records FAILED with the error's name
    assert first["status"] == "FAILED"
    assert first.get("error") == "PipelineFailed"
    ledger = pipeline.stack.clients.dynamodb.get_item(
        TableName=pipeline.stack.output("FileLedgerTableName"),
        Key={"file_id": {"S": f"{pipeline.stack.output('BucketName')}/{key}#{version}"}},
    )["Item"]
    assert ledger["status"] == {"S": "FAILED"}
    assert ledger["error_name"] == {"S": "SourceNotFound"}
    assert ledger["execution_arn"] == {"S": first["executionArn"]}
    assert pipeline.inbox.for_upload(target) == []

    # WHEN the same event is delivered again
    _deliver(pipeline, key, version)
    runs = pipeline.executions.wait([target], at_least=2, timeout=120)[target]
    # THEN a FAILED file is claimed again (not skipped as a duplicate), and fails loudly again
    assert [run["status"] for run in runs] == ["FAILED", "FAILED"]
    again = pipeline.stack.clients.dynamodb.get_item(
        TableName=pipeline.stack.output("FileLedgerTableName"),
        Key={"file_id": {"S": f"{pipeline.stack.output('BucketName')}/{key}#{version}"}},
    )["Item"]
    assert again["execution_arn"] == {"S": runs[1]["executionArn"]}
