"""A TLS-only bucket policy lets the emulator's (TLS-standing) requests through (s3_secure_transport.py).

Failure class: the emulator denying what AWS allows, so `sales-pipeline deploy` (which makes its
artifacts bucket TLS-only) cannot upload there. Fails before the patch: moto 5.2.5 answers 403 to the
put_object below (it treats the `Bool` condition it cannot evaluate as met).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

import emulator
from emulator import Clients
from emulator.patches.s3_secure_transport import denies_only_plain_http
from sales_pipeline.artifacts import tls_only_policy


@pytest.fixture(scope="module")
def s3() -> Any:
    return Clients.for_endpoint(emulator.shared_server().endpoint_url).s3


def test_a_tls_only_bucket_takes_uploads(s3: Any) -> None:
    name = f"tls-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=name)
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps(tls_only_policy(name, "aws")))
    s3.put_object(Bucket=name, Key="artifact.zip", Body=b"zip")
    assert s3.get_object(Bucket=name, Key="artifact.zip")["Body"].read() == b"zip"


def test_other_deny_statements_still_deny(s3: Any) -> None:
    name = f"deny-{uuid.uuid4().hex[:10]}"
    deny_puts = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{name}/*",
    }
    s3.create_bucket(Bucket=name)
    s3.put_bucket_policy(
        Bucket=name,
        Policy=json.dumps(
            {"Version": "2012-10-17", "Statement": [*tls_only_policy(name, "aws")["Statement"], deny_puts]}
        ),
    )
    with pytest.raises(ClientError) as refused:
        s3.put_object(Bucket=name, Key="k", Body=b"x")
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


@pytest.mark.parametrize(
    ("condition", "left_out"),
    [
        ({"Bool": {"aws:SecureTransport": "false"}}, True),
        ({"Bool": {"aws:SecureTransport": ["false"]}}, True),
        ({"Bool": {"aws:SecureTransport": "true"}}, False),
        ({"Bool": {"aws:SecureTransport": "false", "aws:ViaAWSService": "false"}}, False),
        ({"Bool": {"aws:SecureTransport": "false"}, "StringEquals": {"aws:PrincipalAccount": "1"}}, False),
        ({"StringEquals": {"aws:SecureTransport": "false"}}, False),
        (None, False),
    ],
)
def test_only_the_tls_only_deny_is_left_out(condition: Any, left_out: bool) -> None:
    statement: dict[str, Any] = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}
    if condition is not None:
        statement["Condition"] = condition
    assert denies_only_plain_http(statement) is left_out
    assert denies_only_plain_http({**statement, "Effect": "Allow"}) is False
