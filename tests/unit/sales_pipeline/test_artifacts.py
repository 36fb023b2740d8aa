"""The artifacts bucket `deploy` creates: the exact S3 requests (a botocore Stubber checks each one's
parameters), the partition from the region, an existing bucket left alone, someone else's refused in
one line."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from sales_pipeline.artifacts import ENCRYPTION, PUBLIC_ACCESS_BLOCKED, ensure_bucket, tls_only_policy
from sales_pipeline.errors import CommandError


def _s3(region: str) -> tuple[Any, Stubber]:
    session = boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="y", region_name=region)
    client = session.client("s3")
    return client, Stubber(client)


def test_a_missing_bucket_is_created_encrypted_private_and_tls_only_in_its_region_and_partition() -> None:
    s3, stub = _s3("cn-north-1")
    stub.add_client_error("head_bucket", service_error_code="404", http_status_code=404)
    stub.add_response(
        "create_bucket", {},
        {"Bucket": "art", "CreateBucketConfiguration": {"LocationConstraint": "cn-north-1"}},
    )  # fmt: skip
    stub.add_response(
        "put_public_access_block",
        {},
        {"Bucket": "art", "PublicAccessBlockConfiguration": PUBLIC_ACCESS_BLOCKED},
    )
    stub.add_response(
        "put_bucket_encryption", {}, {"Bucket": "art", "ServerSideEncryptionConfiguration": ENCRYPTION}
    )
    stub.add_response(
        "put_bucket_policy", {}, {"Bucket": "art", "Policy": json.dumps(tls_only_policy("art", "aws-cn"))}
    )
    with stub:
        assert ensure_bucket(s3, "art", region="cn-north-1", partition="aws-cn") is True
    stub.assert_no_pending_responses()
    [statement] = tls_only_policy("art", "aws-cn")["Statement"]
    assert statement["Resource"] == ["arn:aws-cn:s3:::art", "arn:aws-cn:s3:::art/*"]


def test_us_east_1_takes_no_location_constraint() -> None:
    s3, stub = _s3("us-east-1")
    stub.add_client_error("head_bucket", service_error_code="NotFound", http_status_code=404)
    stub.add_response("create_bucket", {}, {"Bucket": "art"})
    for operation in ("put_public_access_block", "put_bucket_encryption", "put_bucket_policy"):
        stub.add_response(operation, {})
    with stub:
        assert ensure_bucket(s3, "art", region="us-east-1", partition="aws") is True


def test_an_existing_bucket_is_used_as_it_is() -> None:
    s3, stub = _s3("us-east-1")
    stub.add_response("head_bucket", {}, {"Bucket": "art"})
    with stub:
        assert ensure_bucket(s3, "art", region="us-east-1", partition="aws") is False
    stub.assert_no_pending_responses()


def test_someone_elses_bucket_is_one_line() -> None:
    s3, stub = _s3("us-east-1")
    stub.add_client_error("head_bucket", service_error_code="403", http_status_code=403)
    with stub, pytest.raises(CommandError) as refused:
        ensure_bucket(s3, "art", region="us-east-1", partition="aws")
    assert refused.value.status == 1 and str(refused.value) == (
        "artifacts bucket 'art' exists but this account cannot use it "
        "(bucket names are global: choose another artifacts_bucket in deploy.toml)"
    )
