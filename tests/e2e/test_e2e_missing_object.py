"""A missing object is told apart from a forbidden one only under the template's s3:ListBucket grant.

Failure class: without s3:ListBucket, AWS answers a GET of a missing key 403 AccessDenied,
so the ledger would say `ClientError` where docs/design.md promises `SourceNotFound`. The emulator answers
as AWS would under the deployed role's policies (emulator/patches/s3_missing_key_access.py); before
it, moto answered 404 to every caller and this test could not fail.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from emulator.outcome import Upload

from .conftest import Pipeline
from .test_e2e_failures import _deliver

pytestmark = pytest.mark.e2e
POLICY = "Validator"


@pytest.fixture
def validator_without_list_bucket(pipeline: Pipeline) -> Iterator[None]:
    """The deployed validator role's policy without its TellMissingObjects statement (restored after)."""
    s3 = pipeline.stack.clients.s3
    iam = boto3.client(
        "iam",
        endpoint_url=s3.meta.endpoint_url,
        aws_access_key_id="emulator",
        aws_secret_access_key="emulator",
        region_name=s3.meta.region_name,
    )
    role = pipeline.stack.resources["ValidatorRole"]
    original = iam.get_role_policy(RoleName=role, PolicyName=POLICY)["PolicyDocument"]
    # moto returns a CloudFormation-made inline policy as a Python repr (docs: moto-emulation notes)
    document: dict[str, Any] = original if isinstance(original, dict) else ast.literal_eval(original)
    reduced = {
        **document,
        "Statement": [s for s in document["Statement"] if s.get("Sid") != "TellMissingObjects"],
    }
    assert len(reduced["Statement"]) == len(document["Statement"]) - 1
    iam.put_role_policy(RoleName=role, PolicyName=POLICY, PolicyDocument=json.dumps(reduced))
    try:
        yield
    finally:
        iam.put_role_policy(RoleName=role, PolicyName=POLICY, PolicyDocument=json.dumps(document))


def _error_name(pipeline: Pipeline, key: str, version: str) -> str:
    target = Upload(key=key, version_id=version, etag="0" * 32)
    _deliver(pipeline, key, version)
    [run] = pipeline.executions.wait([target], timeout=120)[target]
    assert run["status"] == "FAILED"
    ledger = pipeline.stack.clients.dynamodb.get_item(
        TableName=pipeline.stack.output("FileLedgerTableName"),
        Key={"file_id": {"S": f"{pipeline.stack.output('BucketName')}/{key}#{version}"}},
    )["Item"]
    return str(ledger["error_name"]["S"])


def test_under_the_templates_grants_a_missing_object_is_source_not_found(
    pipeline: Pipeline, uid: str
) -> None:
    assert _error_name(pipeline, f"gone-{uid}.json", f"v-{uid}") == "SourceNotFound"


def test_without_list_bucket_a_missing_object_is_access_denied_as_on_aws(
    pipeline: Pipeline, uid: str, validator_without_list_bucket: None
) -> None:
    # GIVEN the validator's role without s3:ListBucket / WHEN a missing object is processed
    # THEN S3 answers AccessDenied, the validator cannot say SourceNotFound, the file fails as ClientError
    assert _error_name(pipeline, f"forbidden-{uid}.json", f"v-{uid}") == "ClientError"
