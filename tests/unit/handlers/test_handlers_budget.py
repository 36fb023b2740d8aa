"""A file too large for one validator invocation fails clearly, with the file named."""

from __future__ import annotations

import io

import pytest
from handlers_testkit import MemoryClaims, MemoryManifest, source_for

from benchmarks import orders
from handlers import validator
from handlers.core.pipeline import process_file
from handlers.flows.environment import remaining_ms
from handlers.seams.errors import ValidationTimeBudgetExceeded


class FakeContext:
    """A Lambda context whose remaining time drops by `step_ms` at every look."""

    def __init__(self, start_ms: int, step_ms: int) -> None:
        self.left = start_ms
        self.step = step_ms
        self.looks = 0

    def get_remaining_time_in_millis(self) -> int:
        self.looks += 1
        self.left -= self.step
        return self.left


def validate(data: bytes, key: str, context: FakeContext | None) -> MemoryManifest:
    manifest = MemoryManifest()
    process_file(
        io.BytesIO(data),
        source=source_for(key),
        manifest=manifest,
        claims=MemoryClaims(),
        remaining_ms=None if context is None else context.get_remaining_time_in_millis,
    )
    return manifest


def test_running_out_of_time_aborts_the_manifest_and_names_the_file():
    # GIVEN 2,000 records and an invocation that loses 10 s at every look (looks every 64 records)
    data = orders.body(2000, invalid_every=0)
    context = FakeContext(start_ms=100_000, step_ms=10_000)
    manifest = MemoryManifest()
    # WHEN validated
    with pytest.raises(ValidationTimeBudgetExceeded) as raised:
        process_file(
            io.BytesIO(data),
            source=source_for("in/big\u0001file.jsonl"),
            manifest=manifest,
            claims=MemoryClaims(),
            remaining_ms=context.get_remaining_time_in_millis,
        )
    # THEN it stops once less than the 30 s margin is left (at the 8th look, 20 s left), aborting the
    # manifest; the message names the file (its key JSON-escaped) and how far it got
    assert context.looks == 8
    assert manifest.aborted and manifest.committed is None
    message = str(raised.value)
    assert message.startswith("s3://uploads/in/big\\u0001file.jsonl was not validated within one invocation")
    assert "512 records read with 20000 ms left" in message


def test_with_time_left_the_budget_is_only_looked_at():
    data = orders.body(2000, invalid_every=0)
    context = FakeContext(start_ms=900_000, step_ms=1)
    assert validate(data, "ok.jsonl", context).committed is not None
    assert context.looks == 2000 // 64


def test_without_a_context_there_is_no_budget():
    assert validate(orders.body(100), "ok.jsonl", None).committed is not None


def test_the_handler_reads_the_remaining_time_from_the_lambda_context():
    context = FakeContext(start_ms=1, step_ms=0)
    assert remaining_ms(context) == context.get_remaining_time_in_millis
    assert remaining_ms(None) is None
    assert remaining_ms(object()) is None


def test_the_handler_stops_at_a_record_boundary_with_a_checkpoint_instead_of_failing(monkeypatch):
    """The continuation loop changed this: the handler used to raise ValidationTimeBudgetExceeded here (the
    file FAILED); now it commits what it read as turn 0 and returns a checkpoint to continue from
    (handlers/flows/turns.py). The named error remains where no boundary resumes (test_handlers_turns.py)."""
    import json

    import boto3
    from moto import mock_aws

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="uploads")
        s3.put_object(Bucket="uploads", Key="in/huge.jsonl", Body=orders.body(200, invalid_every=0))
        event = {"bucket": "uploads", "key": "in/huge.jsonl", "version_id": None, "etag": None}
        # GIVEN an invocation with 40 s left, losing 20 s at every look
        result = validator.handler(event, FakeContext(start_ms=60_000, step_ms=20_000))
        # THEN it stops after 128 records (the second look, 20 s left), at the line after them
        assert result["checkpoint"]["index"] == 128
        assert result["checkpoint"]["line"] == 129
        assert result["batches"] == 0 and result["records"] is None
        assert [pointer["range"] for pointer in result["parts"]] == [0]
        listed = s3.list_objects_v2(Bucket="uploads", Prefix="_pipeline/")
        keys = sorted(item["Key"] for item in listed["Contents"])
        assert sorted(key.rsplit("/", 1)[-1] for key in keys) == ["0.summary.json", "batches.manifest"]
        summary = json.loads(s3.get_object(Bucket="uploads", Key=keys[-1])["Body"].read())
        assert summary["records"] == 128 and summary["problem"] is None
