"""The validator's continuation steps against emulated S3 (handlers/flows/turns.py, the continuation loop).

Failure classes: a turn's part or part summary not found by the combining step; turn 0's manifest
overwritten by the joined one (a retried combining step would then read the joined manifest as turn
0's part); a key found URL-decoded by turn 0 and lost by the later turns; an unversioned object
overwritten between turns combined from two files; a checkpoint out of bounds read from.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from handlers import validator
from handlers.adapters import s3read
from handlers.seams.errors import InvalidCheckpoint, SourceChanged
from handlers.seams.rangekeys import TURN_RECORDS_ENV
from tests.builders import order_text, valid_order

BUCKET = "uploads"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv(TURN_RECORDS_ENV, "9")
    with mock_aws():
        client = boto3.client("s3")
        client.create_bucket(Bucket=BUCKET)
        monkeypatch.setattr(s3read, "s3_client", lambda: client)
        yield client


def _body() -> bytes:
    texts = [order_text(valid_order(f"t-{n}", quantity=-1 if n % 7 == 3 else 1)) for n in range(40)]
    return gzip.compress(('{"orders": [' + ",\n".join(texts) + "]}").encode(), mtime=0)


def _event(key: str, etag: str | None = None) -> dict[str, Any]:
    return {"bucket": BUCKET, "key": key, "version_id": None, "etag": etag}


def _continue(first: dict[str, Any], event: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The state machine's loop: ContinueValidation while a checkpoint comes back, then CombineTurns;
    CombineTurns twice (a retried combining step gives the same result)."""
    result, turns = first, 1
    while "checkpoint" in result:
        result = validator.handler(
            {**event, "checkpoint": result["checkpoint"], "parts": result["parts"]}, None
        )
        turns += 1
    combine = {**event, "parts": result["parts"], "turns": True}
    combined = validator.handler(combine, None)
    again = validator.handler(combine, None)
    assert {k: v for k, v in again.items() if k not in ("manifest", "ledger")} == {
        k: v for k, v in combined.items() if k not in ("manifest", "ledger")
    }
    return again, turns


def _entries(s3: Any, result: dict[str, Any]) -> list[Any]:
    manifest = result["manifest"]
    batches = json.loads(s3.get_object(Bucket=BUCKET, Key=manifest["key"])["Body"].read())
    return [entry for batch in batches for entry in batch["records"]]


def test_a_continued_gzip_wrapper_combines_to_the_unbroken_result(
    s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a gzip `orders` wrapper of 40 records, turns of 9 records, under a key with a space
    s3.put_object(Bucket=BUCKET, Key="big file.json.gz", Body=_body())
    etag = s3.head_object(Bucket=BUCKET, Key="big file.json.gz")["ETag"].strip('"')
    # WHEN the large lane's validator runs on its URL-encoded key, then the continuation turns
    event = _event("big+file.json.gz", etag)
    first = validator.handler(event, None)
    assert (first["file_rejected"], first["records"], first["batches"]) == (False, None, 0)
    assert first["checkpoint"]["index"] == 9 and first["parts"][0]["key"] == "big file.json.gz"
    combined, turns = _continue(first, event)
    # AND the same upload validated in one invocation
    monkeypatch.delenv(TURN_RECORDS_ENV)
    whole = validator.handler(event, None)
    # THEN counts, ledger maps and entries are the unbroken run's; 5 turns (9, 9, 9, 9, 4)
    assert turns == 5 and combined["validations"] == 5
    for name in (
        "records",
        "valid",
        "large",
        "invalid",
        "rejected_by_reason",
        "file_rejected",
        "max_conflicts",
    ):
        assert combined[name] == whole[name], name
    assert _entries(s3, combined) == _entries(s3, whole)
    # AND the joined manifest is beside turn 0's, not over it
    assert combined["manifest"]["key"].endswith("/turns.manifest")
    assert whole["manifest"]["key"].endswith("/batches.manifest")


def test_an_object_overwritten_between_turns_is_not_combined(s3: Any) -> None:
    s3.put_object(Bucket=BUCKET, Key="moving.json.gz", Body=_body())
    etag = s3.head_object(Bucket=BUCKET, Key="moving.json.gz")["ETag"].strip('"')
    event = _event("moving.json.gz", etag)
    first = validator.handler(event, None)
    s3.put_object(Bucket=BUCKET, Key="moving.json.gz", Body=gzip.compress(b"[]", mtime=0))
    with pytest.raises(SourceChanged):
        validator.handler({**event, "checkpoint": first["checkpoint"], "parts": first["parts"]}, None)


def test_a_checkpoint_out_of_bounds_is_refused_before_the_object_is_read(s3: Any) -> None:
    event = _event("absent.json")
    checkpoint = {
        "form": "array",
        "offset": 10,
        "newlines": 0,
        "line_start": 0,
        "index": 11,
        "line": None,
        "rejected": 0,
    }
    with pytest.raises(InvalidCheckpoint):
        validator.handler(
            {**event, "checkpoint": checkpoint, "parts": [{"range": 0, "version_id": None}]}, None
        )
    with pytest.raises(InvalidCheckpoint):
        validator.handler({**event, "parts": [{"range": 0, "version_id": None}] * 2, "turns": True}, None)
