"""`sales-pipeline deploy` against the emulator's server, as a user runs it (a subprocess; the AWS CLI).

Failure classes: a deploy that needs a bucket made by hand, one whose second unchanged run fails
(AWS's empty change set), a guided run that writes a file the next run cannot read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import uuid
from pathlib import Path

import pytest

from emulator import Clients, shared_server

from .conftest import AWS, REPO_ROOT

pytestmark = [pytest.mark.cli, pytest.mark.e2e]


def _environment() -> dict[str, str]:
    server = shared_server()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "MOTO_PORT"}
    return environment | {
        "AWS_ENDPOINT_URL": server.endpoint_url,
        "AWS_ENDPOINT_URL_S3": server.localhost_url,
        "AWS_ACCESS_KEY_ID": "emulator",
        "AWS_SECRET_ACCESS_KEY": "emulator",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PYTHONPATH": str(REPO_ROOT),
    }


def _deploy(
    cwd: Path, *argv: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sales_pipeline", "deploy", *argv],
        cwd=cwd, env=_environment() | (env or {}), input=stdin, capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip


def test_guided_deploy_creates_the_bucket_and_the_stack_and_a_second_deploy_succeeds(tmp_path: Path) -> None:
    clients = Clients.for_endpoint(shared_server().endpoint_url)
    stack = f"deploy-{uuid.uuid4().hex[:8]}"
    suggested = f"{stack}-artifacts-123456789012-us-east-1"  # moto's account id

    # WHEN deployed --guided: a stack name, the region, no profile, the suggested bucket, one parameter
    first = _deploy(tmp_path, "--guided", stdin=f"{stack}\nus-east-1\n\n\nLogRetentionDays=14\n")

    # THEN deploy.toml holds the answers, the bucket was created as promised, the stack has the parameter
    assert first.returncode == 0, first.stderr[-3000:]
    assert tomllib.loads((tmp_path / "deploy.toml").read_text()) == {
        "stack_name": stack,
        "region": "us-east-1",
        "artifacts_bucket": suggested,
        "parameters": {"LogRetentionDays": "14"},
    }
    assert (
        f"artifacts bucket {suggested}: created (encrypted, TLS only, public access blocked)" in first.stderr
    )
    encryption = clients.s3.get_bucket_encryption(Bucket=suggested)["ServerSideEncryptionConfiguration"]
    assert encryption["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert all(
        clients.s3.get_public_access_block(Bucket=suggested)["PublicAccessBlockConfiguration"].values()
    )
    [statement] = json.loads(clients.s3.get_bucket_policy(Bucket=suggested)["Policy"])["Statement"]
    assert statement["Effect"] == "Deny" and statement["Condition"] == {
        "Bool": {"aws:SecureTransport": "false"}
    }
    [described] = clients.cloudformation.describe_stacks(StackName=stack)["Stacks"]
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in described["Parameters"]}
    assert str(parameters["LogRetentionDays"]) == "14" and str(parameters["MaxRejectedRecords"]) == "1000"
    # and the outputs were printed, one per line
    printed = dict(line.split() for line in first.stdout.splitlines()[1:])
    assert first.stdout.splitlines()[0] == f"stack {stack} outputs:"
    assert printed == {o["OutputKey"]: o["OutputValue"] for o in described["Outputs"]}

    # WHEN deployed again with nothing changed (deploy.toml as written), THEN it succeeds: up to date
    second = _deploy(tmp_path, "--output", "json")
    assert second.returncode == 0, second.stderr[-3000:]
    assert (
        "No changes to deploy" in second.stderr and f"artifacts bucket {suggested}: exists" in second.stderr
    )
    assert json.loads(second.stdout) == printed

    # AND the same unchanged deploy without --no-fail-on-empty-changeset fails, as on AWS
    packaged = tmp_path / "packaged.json"
    template = REPO_ROOT / "output" / "template.json"
    package = [str(AWS), "cloudformation", "package", "--template-file", str(template), "--s3-bucket",
               suggested, "--use-json", "--output-template-file", str(packaged)]  # fmt: skip
    assert (
        subprocess.run(package, env=_environment(), capture_output=True, timeout=300, check=False).returncode
        == 0
    )
    overrides = [f"{k}={v}" for k, v in parameters.items()]
    plain = [str(AWS), "cloudformation", "deploy", "--template-file", str(packaged), "--stack-name", stack,
             "--s3-bucket", suggested, "--capabilities", "CAPABILITY_IAM",
             "--parameter-overrides", *overrides]  # fmt: skip
    refused = subprocess.run(
        plain, env=_environment(), capture_output=True, text=True, timeout=300, check=False
    )
    assert refused.returncode != 0 and "No changes to deploy" in refused.stdout + refused.stderr


def test_an_unknown_parameter_in_deploy_toml_changes_nothing(tmp_path: Path) -> None:
    clients = Clients.for_endpoint(shared_server().endpoint_url)
    bucket = f"never-{uuid.uuid4().hex[:8]}"
    (tmp_path / "deploy.toml").write_text(
        f'stack_name = "never"\nartifacts_bucket = "{bucket}"\n[parameters]\nLogRetentionDay = 14\n'
    )
    result = _deploy(tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "deploy.toml: [parameters] LogRetentionDay is not a parameter of the template" in result.stderr
    assert bucket not in {b["Name"] for b in clients.s3.list_buckets()["Buckets"]}


def test_a_failing_aws_cli_step_ends_in_one_summary_line_and_status_1(tmp_path: Path) -> None:
    # GIVEN a template whose Lambda code folder does not exist (what `package` refuses)
    template = tmp_path / "template.json"
    function = {"Code": "no-such-folder", "Handler": "h.handler", "Runtime": "python3.12", "Role": "arn"}
    template.write_text(
        json.dumps({"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": function}}})
    )
    bucket = f"failing-{uuid.uuid4().hex[:8]}"
    (tmp_path / "deploy.toml").write_text(f'stack_name = "failing"\nartifacts_bucket = "{bucket}"\n')
    # WHEN deployed, THEN the AWS CLI's own message, then one line of ours, exit status 1, no stack
    result = _deploy(tmp_path, "--template-file", str(template))
    assert result.returncode == 1 and result.stdout == ""
    assert "no-such-folder" in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "sales-pipeline deploy: error: aws cloudformation package failed "
        "(exit status 255; its message is above)"
    )
    stacks = Clients.for_endpoint(shared_server().endpoint_url).cloudformation.describe_stacks()["Stacks"]
    assert "failing" not in {s["StackName"] for s in stacks}


def test_profile_and_region_options_override_deploy_toml(tmp_path: Path) -> None:
    """`deploy --profile P --region R` deploys with P's credentials into R, whatever deploy.toml says:
    both reach the boto3 session (artifacts bucket, outputs) and the AWS CLI's package and deploy.
    Failure class: an option parsed and then ignored by one of them (deploy.toml's unknown profile would
    fail that step; its region would put the stack where the outputs are not looked up)."""
    stack = f"options-{uuid.uuid4().hex[:8]}"
    bucket = f"{stack}-artifacts"
    (tmp_path / "deploy.toml").write_text(
        f'stack_name = "{stack}"\nartifacts_bucket = "{bucket}"\nregion = "eu-west-1"\nprofile = "ghost"\n'
    )
    (tmp_path / "config").write_text("[profile emulator]\nregion = ap-south-1\n")
    (tmp_path / "credentials").write_text(
        "[emulator]\naws_access_key_id = emulator\naws_secret_access_key = emulator\n"
    )
    files = {
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
    }
    # WHEN deployed with options naming another profile and region than deploy.toml's
    result = _deploy(
        tmp_path, "--profile", "emulator", "--region", "us-east-2", "--output", "json", env=files
    )
    # THEN the stack is in the option's region (not deploy.toml's, not the profile's) with its outputs
    assert result.returncode == 0, result.stderr[-3000:]
    endpoint = shared_server().endpoint_url
    [described] = Clients.for_endpoint(endpoint, "us-east-2").cloudformation.describe_stacks(StackName=stack)[
        "Stacks"
    ]
    assert json.loads(result.stdout) == {o["OutputKey"]: o["OutputValue"] for o in described["Outputs"]}
    for elsewhere in ("eu-west-1", "ap-south-1"):
        stacks = Clients.for_endpoint(endpoint, elsewhere).cloudformation.describe_stacks()["Stacks"]
        assert stack not in {s["StackName"] for s in stacks}
    region = Clients.for_endpoint(endpoint, "us-east-2").s3.get_bucket_location(Bucket=bucket)
    assert region["LocationConstraint"] == "us-east-2"
