"""The validator's split-file steps against emulated S3 (handlers/flows/rangestep.py, the JSON Lines split).

Failure classes: a ranged GET that reads the wrong bytes; a part summary or part manifest not found
by the combining step; a gzip `.jsonl` split by its stored size (its ranges would be compressed
bytes); an object overwritten while its ranges are read, combined from two different files.
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
from handlers.seams.errors import SourceChanged
from handlers.seams.rangekeys import RANGE_BYTES_ENV
from tests.builders import order_text, valid_order

BUCKET = "uploads"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv(RANGE_BYTES_ENV, "700")
    with mock_aws():
        client = boto3.client("s3")
        client.create_bucket(Bucket=BUCKET)
        # the validator's container client (handlers/adapters/clients.py) inside this mock
        monkeypatch.setattr(s3read, "s3_client", lambda: client)
        yield client


def _body() -> bytes:
    lines = [order_text(valid_order(f"f-{n}", quantity=-1 if n % 7 == 3 else 1)) for n in range(40)]
    return ("\r\n".join(lines) + "\n\n").encode()


def _event(key: str, etag: str | None = None) -> dict[str, Any]:
    return {"bucket": BUCKET, "key": key, "version_id": None, "etag": etag}


def _run_split(plan: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    """The state machine's steps: CountRanges, ValidateRanges, CombineRanges."""
    ranges = plan["ranges"]
    counts = [validator.handler({**event, "range": r, "count": True}, None) for r in ranges]
    parts = [validator.handler({**event, "range": r, "counts": counts}, None) for r in ranges]
    return validator.handler({**event, "parts": parts}, None)


def _entries(s3: Any, result: dict[str, Any]) -> list[Any]:
    manifest = result["manifest"]
    batches = json.loads(s3.get_object(Bucket=BUCKET, Key=manifest["key"])["Body"].read())
    return [entry for batch in batches for entry in batch["records"]]


def test_a_split_upload_combines_to_the_unsplit_result(s3: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a ~7 kB JSON Lines upload and a split threshold of 700 bytes
    s3.put_object(Bucket=BUCKET, Key="big.jsonl", Body=_body())
    etag = s3.head_object(Bucket=BUCKET, Key="big.jsonl")["ETag"].strip('"')
    event = _event("big.jsonl", etag)
    # WHEN the large lane's validator runs on it, then its range steps
    plan = validator.handler(event, None)
    assert (plan["file_rejected"], plan["records"], plan["batches"]) == (False, None, 0)
    assert len(plan["ranges"]) >= 9
    combined = _run_split(plan, event)
    split_entries = _entries(s3, combined)
    # AND the same upload validated whole (no split threshold)
    monkeypatch.delenv(RANGE_BYTES_ENV)
    whole = validator.handler(event, None)
    # THEN the counts, the ledger maps and every entry are the unsplit run's, read by len(ranges) invocations
    for name in ("records", "valid", "large", "invalid", "rejected_by_reason", "file_rejected"):
        assert combined[name] == whole[name], name
    assert combined["ledger"]["rejected_by_rule"] == whole["ledger"]["rejected_by_rule"]
    assert split_entries == _entries(s3, whole)
    assert combined["validations"] == len(plan["ranges"])


def test_a_gzip_body_under_a_jsonl_name_is_read_whole(s3: Any) -> None:
    """Its stored size says nothing about its lines: never split."""
    s3.put_object(Bucket=BUCKET, Key="packed.jsonl", Body=gzip.compress(_body() * 3, mtime=0))
    result = validator.handler(_event("packed.jsonl"), None)
    assert "ranges" not in result and result["records"] == 40 * 3


def test_an_object_overwritten_while_split_is_never_combined(s3: Any) -> None:
    s3.put_object(Bucket=BUCKET, Key="moving.jsonl", Body=_body())
    etag = s3.head_object(Bucket=BUCKET, Key="moving.jsonl")["ETag"].strip('"')
    plan = validator.handler(_event("moving.jsonl", etag), None)
    # WHEN the key is overwritten between the plan and a range
    s3.put_object(Bucket=BUCKET, Key="moving.jsonl", Body=_body() + b"\n")
    # THEN the range refuses it (the file is FAILED, re-deliverable), it does not read other bytes
    with pytest.raises(SourceChanged):
        validator.handler({**_event("moving.jsonl", etag), "range": plan["ranges"][1], "count": True}, None)


def test_a_split_upload_found_under_its_url_decoded_key_is_combined(s3: Any) -> None:
    """Failure class: the ranges name their parts after the key they found (URL-decoded), the combining
    step after the event's: it would find no part. Fails before the ranges returned their key."""
    # GIVEN an object whose event key is URL-encoded ("my+orders.jsonl" for "my orders.jsonl")
    s3.put_object(Bucket=BUCKET, Key="my orders.jsonl", Body=_body())
    event = _event("my+orders.jsonl")
    # WHEN split and combined
    plan = validator.handler(event, None)
    combined = _run_split(plan, event)
    # THEN every record is there, under the manifest of the key the object has
    assert (combined["file_rejected"], combined["records"]) == (False, 40)
    assert len(_entries(s3, combined)) == 40
    assert {entry.get("index") for entry in _entries(s3, combined)} == set(range(40))
