"""The validator reads the object's size from GetObject and rejects an oversized plain file up front."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from handlers import validator
from handlers.core import pipeline
from handlers.seams.settings import MAX_FILE_BYTES_ENV
from tests.builders import order_text, valid_order

BUCKET = "uploads"


def test_an_oversized_plain_upload_is_rejected_without_parsing_a_record(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Failure class: streaming a file whose rejection is known from its size. Fails before the cost cuts:
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


def test_the_small_lane_rejects_an_oversized_plain_upload_itself_without_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Failure class: a known answer paid twice. Fails before c22: the small lane (inline) handed an
    uncompressed object past MAX_FILE_BYTES to the large lane (a second execution and validator
    invocation) instead of rejecting it as file_too_large from its stored size."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    # GIVEN a limit of 10,000 bytes, a plain upload of ~50,000 bytes, and a spy on the record router
    monkeypatch.setenv(MAX_FILE_BYTES_ENV, "10000")
    routed: list[object] = []
    monkeypatch.setattr(pipeline._Router, "route", lambda self, element: routed.append(element))
    body = "".join(order_text(valid_order(f"o-{i}")) + "\n" for i in range(400)).encode()
    with mock_aws():
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key="big.jsonl", Body=body)
        # WHEN the small lane's validator (inline) runs on it
        result = validator.handler(
            {"bucket": BUCKET, "key": "big.jsonl", "version_id": None, "etag": None, "inline": True}, None
        )
    # THEN the file is rejected as file_too_large there (no hand-off) and no record was parsed
    assert (result["file_rejected"], result["reason"], result["handoff"]) == (True, "file_too_large", False)
    assert "larger than 10000 bytes" in result["review"]["message"]
    assert routed == []


def test_the_small_lane_still_hands_off_a_plain_upload_within_the_limit_but_past_its_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Differential partner: past the small lane's decoded cap but within MAX_FILE_BYTES is a hand-off."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    from handlers.flows.inline import INLINE_MAX_DECODED_BYTES

    body = b" " * (INLINE_MAX_DECODED_BYTES + 1) + order_text(valid_order("o-1")).encode()
    with mock_aws():
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key="big.jsonl", Body=body)
        result = validator.handler(
            {"bucket": BUCKET, "key": "big.jsonl", "version_id": None, "etag": None, "inline": True}, None
        )
    assert (result["handoff"], result["handoff_reason"]) == (True, "decoded_size_over_inline_budget")
