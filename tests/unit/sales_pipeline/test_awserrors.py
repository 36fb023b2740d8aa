"""Each botocore failure an operator meets is said in one line (sales_pipeline/awserrors.py); anything
else is not swallowed. Failure class: a traceback, a multi-line message, or a bug hidden as an AWS error."""

from __future__ import annotations

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    UnknownServiceError,
)

from sales_pipeline.awserrors import one_line


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (ProfileNotFound(profile="prod"),
         "AWS profile 'prod' not found in the AWS configuration (`aws configure list-profiles` lists them)"),
        (NoCredentialsError(),
         "no AWS credentials found (configure them as for the AWS CLI: aws configure, --profile, ...)"),
        (PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY"),
         "incomplete AWS credentials: AWS_SECRET_ACCESS_KEY is missing"),
        (NoRegionError(),
         "no AWS region configured (pass --region, or set AWS_REGION or a profile's region)"),
        (EndpointConnectionError(endpoint_url="http://127.0.0.1:1/"), "cannot reach http://127.0.0.1:1/"),
        (ConnectTimeoutError(endpoint_url="https://s3.example"),
         "no answer from https://s3.example (timed out)"),
        (ReadTimeoutError(endpoint_url="https://s3.example"),
         "no answer from https://s3.example (timed out)"),
        (ClientError({"Error": {"Code": "AccessDenied", "Message": "not\n authorized"}}, "GetObject"),
         "AWS refused GetObject: AccessDenied: not authorized"),
        (ClientError({"Error": {"Code": "Throttling"}}, "ReceiveMessage"),
         "AWS refused ReceiveMessage: Throttling"),
        (UnknownServiceError(service_name="nope", known_service_names="s3, sqs"),
         "Unknown service: 'nope'. Valid service names are: s3, sqs"),
        (ValueError("Invalid endpoint: example.com"),
         "Invalid endpoint: example.com (an endpoint URL starts with http:// or https://)"),
    ],
)  # fmt: skip
def test_each_botocore_failure_is_one_line(error: Exception, said: str) -> None:
    assert one_line(error) == said


@pytest.mark.parametrize("error", [ValueError("bad"), KeyError("k"), ZeroDivisionError()])
def test_other_errors_are_not_aws_errors(error: Exception) -> None:
    assert one_line(error) is None
