"""`sales-pipeline review`: every AWS SDK failure is one line and exit status 1 (AWS CLI conventions).

Failure class: a botocore traceback (40 lines for a bad AWS_PROFILE before this change) or a wrong exit
status. Each case runs in a fresh interpreter with no AWS configuration of this machine read.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from review import cli
from review.stack import Aws

REPO_ROOT = Path(__file__).resolve().parents[3]
PREFIX = "sales-pipeline review: error: "
DUMMY = {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"}
NO_PROFILE = "not found in the AWS configuration (`aws configure list-profiles` lists them)"


def _review(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "MOTO_PORT"}
    environment |= {
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
        "PYTHONPATH": str(REPO_ROOT),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "sales_pipeline", "review", *argv],
        cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (["summary", "--profile", "nosuch"], {},
         f"AWS profile 'nosuch' {NO_PROFILE}"),
        (["--profile", "nosuch", "status", "k"], {},
         f"AWS profile 'nosuch' {NO_PROFILE}"),
        (["status", "k"], {"AWS_PROFILE": "ghost"},
         f"AWS profile 'ghost' {NO_PROFILE}"),
        (["summary", "--region", "us-east-1"], {},
         "no AWS credentials found (configure them as for the AWS CLI: aws configure, --profile, ...)"),
        (["export", "--out", "x.jsonl"], DUMMY,
         "no AWS region configured (pass --region, or set AWS_REGION or a profile's region)"),
        (["summary", "--region", "us-east-1", "--endpoint-url", "localhost:4566"], DUMMY,
         "Invalid endpoint: localhost:4566 (an endpoint URL starts with http:// or https://)"),
    ],
)  # fmt: skip
def test_aws_configuration_errors_are_one_line_and_status_1(
    argv: list[str], env: dict[str, str], message: str
) -> None:
    result = _review(*argv, **env)
    assert (result.returncode, result.stderr, result.stdout) == (1, PREFIX + message + "\n", "")


def test_an_unreachable_endpoint_is_one_line_and_status_1() -> None:
    endpoint = f"http://127.0.0.1:{_closed_port()}"
    result = _review("summary", "--region", "us-east-1", "--endpoint-url", endpoint, **DUMMY)
    assert (result.returncode, result.stderr) == (1, f"{PREFIX}cannot reach {endpoint}/\n")


def test_access_denied_is_one_line_and_status_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a real botocore client whose DescribeStacks AWS answers with AccessDenied (403)
    import boto3

    client = boto3.session.Session(
        aws_access_key_id="x", aws_secret_access_key="y", region_name="us-east-1"
    ).client("cloudformation")
    stubber = Stubber(client)
    stubber.add_client_error(
        "describe_stacks",
        service_error_code="AccessDenied",
        service_message="User: arn:aws:iam::123456789012:user/ops is not authorized\nto perform: "
        "DescribeStacks",
        http_status_code=403,
    )
    stubber.activate()

    def only_cloudformation(self: Aws, service: str) -> Any:
        assert service == "cloudformation"
        return client

    monkeypatch.setattr(Aws, "client", only_cloudformation)
    # WHEN any AWS subcommand runs, THEN one line (the message's own line break folded), exit status 1
    assert cli.main(["summary"], prog="sales-pipeline review") == 1
    assert capsys.readouterr().err == (
        f"{PREFIX}AWS refused DescribeStacks: AccessDenied: User: arn:aws:iam::123456789012:user/ops is not "
        "authorized to perform: DescribeStacks\n"
    )
