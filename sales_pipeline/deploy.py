"""`sales-pipeline deploy`: package and deploy output/template.json as deploy.toml says, print the outputs.

The steps are the AWS CLI block of docs/user-guide.md ("Deploy"): make sure the artifacts bucket exists
(created encrypted, TLS-only, public access blocked), `aws cloudformation package`, then
`aws cloudformation deploy --no-fail-on-empty-changeset` (an unchanged deploy succeeds), then the
stack's outputs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sales_pipeline import deployconfig, guided
from sales_pipeline.artifacts import ensure_bucket
from sales_pipeline.deployconfig import DeployConfig
from sales_pipeline.errors import CommandError, UsageError
from sales_pipeline.parsing import OneLineParser

TEMPLATE = Path(__file__).resolve().parent.parent / "output" / "template.json"
CAPABILITIES = ("CAPABILITY_IAM",)
EXIT_STATUSES = (
    "exit status: 0 deployed (or already up to date); 1 the deploy failed (an AWS error in one line, or "
    "the AWS CLI's own message above a one-line summary); 2 bad input (deploy.toml, arguments, a "
    "parameter the template lacks); 130 interrupted"
)


def parser() -> argparse.ArgumentParser:
    command = OneLineParser(
        prog="sales-pipeline deploy",
        description="Package output/template.json and deploy it as deploy.toml says: stack name, region, "
        "profile, artifacts bucket (created if missing: encrypted, TLS-only, public access blocked) and "
        "[parameters] (a parameter not listed takes the template's default). A second, unchanged deploy "
        "succeeds. Prints the stack's outputs.",
        epilog=EXIT_STATUSES,
    )
    command.add_argument(
        "--config-file", type=Path, default=deployconfig.DEFAULT_PATH, help="default: ./deploy.toml"
    )
    command.add_argument(
        "--guided", action="store_true", help="ask for each setting, write the config file, then deploy"
    )
    command.add_argument(
        "--profile",
        help="a named profile of the AWS configuration (as `aws --profile`); overrides deploy.toml's "
        "profile for this run (with --guided: the default answer)",
    )
    command.add_argument(
        "--region",
        help="the AWS region to deploy to; overrides deploy.toml's region for this run (with --guided: "
        "the default answer)",
    )
    command.add_argument(
        "--endpoint-url", help="send every AWS request here (an emulator); AWS_ENDPOINT_URL works too"
    )
    command.add_argument(
        "--output", choices=("table", "json"), default="table", help="the stack's outputs: table or json"
    )
    command.add_argument("--template-file", type=Path, default=TEMPLATE, help=argparse.SUPPRESS)
    return command


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    given = deployconfig.command_line(region=args.region, profile=args.profile)
    declared = template_parameters(args.template_file)
    name = str(args.config_file)
    if args.guided:
        existing = _existing(args.config_file)
        config = guided.ask(existing, declared=declared, endpoint_url=args.endpoint_url, given=given)
        args.config_file.write_text(deployconfig.dumps(config), encoding="utf-8")
        print(f"wrote {args.config_file}", file=sys.stderr)
    else:
        config = deployconfig.override(deployconfig.load(args.config_file), given)
    deployconfig.check_parameters(config, declared, name=name)
    outputs = deploy(config, template=args.template_file, declared=declared, endpoint_url=args.endpoint_url)
    print(render_outputs(config.stack_name, outputs, output=args.output))
    return 0


def _existing(path: Path) -> DeployConfig | None:
    """The current settings as --guided's defaults; a file that does not read is replaced (said on stderr)."""
    if not path.exists():
        return None
    try:
        return deployconfig.load(path)
    except UsageError as error:
        print(f"{error}: asking for every setting (the file will be replaced)", file=sys.stderr)
        return None


def template_parameters(template: Path) -> dict[str, Any]:
    try:
        parameters: dict[str, Any] = json.loads(template.read_text(encoding="utf-8")).get("Parameters", {})
    except FileNotFoundError:
        raise UsageError(f"{template} not found: render it with `python build.py`") from None
    except (OSError, ValueError) as error:
        raise UsageError(f"{template}: not a readable JSON template ({error})") from None
    return parameters


def overrides(config: DeployConfig, declared: Mapping[str, Any]) -> list[str]:
    """`Key=Value` for every template parameter: deploy.toml's value, else the template's default, so the
    stack is what deploy.toml says (not what an earlier deploy left)."""
    pairs = []
    for key, spec in sorted(declared.items()):
        if key in config.parameters:
            pairs.append(f"{key}={config.parameters[key]}")
        elif "Default" in spec:
            pairs.append(f"{key}={spec['Default']}")
        else:
            raise UsageError(f"the template's parameter {key} has no default: set it in [parameters]")
    return pairs


def deploy(
    config: DeployConfig, *, template: Path, declared: Mapping[str, Any], endpoint_url: str | None
) -> list[dict[str, str]]:
    import boto3

    session = boto3.session.Session(profile_name=config.profile, region_name=config.region)
    region = session.region_name
    if not region:
        raise UsageError(
            "no AWS region: set region in deploy.toml or pass --region (or the profile's region, AWS_REGION)"
        )
    s3 = session.client("s3", endpoint_url=endpoint_url)
    bucket = config.artifacts_bucket
    created = ensure_bucket(s3, bucket, region=region, partition=session.get_partition_for_region(region))
    said = "created (encrypted, TLS only, public access blocked)" if created else "exists"
    print(f"artifacts bucket {bucket}: {said}", file=sys.stderr)
    common = ["--region", region, *(["--profile", config.profile] if config.profile else [])]
    common += ["--endpoint-url", endpoint_url] if endpoint_url else []
    with tempfile.TemporaryDirectory(prefix="sales-pipeline-deploy-") as scratch:
        packaged = Path(scratch) / "packaged.json"
        _aws(["cloudformation", "package", "--template-file", str(template), "--s3-bucket", bucket,
              "--use-json", "--output-template-file", str(packaged), *common], quiet=True)  # fmt: skip
        _aws(["cloudformation", "deploy", "--template-file", str(packaged), "--stack-name", config.stack_name,
              "--s3-bucket", bucket, "--capabilities", *CAPABILITIES, "--no-fail-on-empty-changeset",
              "--parameter-overrides", *overrides(config, declared), *common])  # fmt: skip
    cloudformation = session.client("cloudformation", endpoint_url=endpoint_url)
    [stack] = cloudformation.describe_stacks(StackName=config.stack_name)["Stacks"]
    found: list[dict[str, str]] = sorted(stack.get("Outputs", []), key=lambda o: o["OutputKey"])
    return found


def _aws(arguments: list[str], *, quiet: bool = False) -> None:
    """The AWS CLI of this environment (awscli is pinned in requirements.txt); its output goes to stderr
    (`quiet`: only when it fails: `package` suggests a deploy command that is not ours)."""
    command = [sys.executable, "-m", "awscli", *arguments]
    print(f"aws {' '.join(arguments[:2])} ...", file=sys.stderr, flush=True)
    if quiet:
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            sys.stderr.write(completed.stdout + completed.stderr)
    else:
        completed = subprocess.run(command, stdout=sys.stderr, text=True, check=False)
    if completed.returncode != 0:
        raise CommandError(
            f"aws {' '.join(arguments[:2])} failed (exit status {completed.returncode}; its message is above)"
        )


def render_outputs(stack: str, outputs: list[dict[str, str]], *, output: str) -> str:
    if output == "json":
        return json.dumps({o["OutputKey"]: o["OutputValue"] for o in outputs}, indent=2)
    width = max((len(o["OutputKey"]) for o in outputs), default=0)
    lines = [f"stack {stack} outputs:"]
    lines += [f"  {o['OutputKey'].ljust(width)}  {o['OutputValue']}" for o in outputs]
    return "\n".join(lines)
