"""The validator reads the object's size from GetObject and rejects an oversized plain file up front."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from handlers import pipeline, validator
from handlers.contract import MAX_FILE_BYTES_ENV
from tests.builders import order_text, valid_order

BUCKET = "uploads"


def test_an_oversized_plain_upload_is_rejected_without_parsing_a_record(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Failure class: streaming a file whose rejection is known from its size. Fails before issue 17:
    the validator ignored ContentLength and parsed records up to MAX_FILE_BYTES first."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    # GIVEN a limit of 10,000 bytes, a plain upload of ~50,000 bytes, and a spy on the record router
    monkeypatch.setenv(MAX_FILE_BYTES_ENV, "10000")
    routed: list[object] = []
    monkeypatch.setattr(pipeline._Router, "route", lambda self, element: routed.append(element))
    body = "".join(order_text(valid_order(f"o-{i}")) + "\n" for i in range(400)).encode()
    assert len(body) > 5 * 10_000
    with mock_aws():
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key="big.jsonl", Body=body)
        # WHEN the validator runs on it
        result = validator.handler(
            {"bucket": BUCKET, "key": "big.jsonl", "version_id": None, "etag": None}, None
        )
    # THEN the file is rejected as file_too_large and no record was parsed
    assert (result["file_rejected"], result["reason"]) == (True, "file_too_large")
    assert routed == []
