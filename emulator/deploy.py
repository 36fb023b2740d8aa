"""Deploys a CloudFormation template (Lambda code packaged from local folders) into the emulator."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from emulator.clients import Clients
from emulator.limits import UNSUPPORTED_RESOURCE_TYPES
from emulator.package import package_template

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TEMPLATE = REPO_ROOT / "output" / "template.json"


class DeployError(RuntimeError):
    """The emulated stack did not reach CREATE_COMPLETE."""


@dataclass(frozen=True)
class DeployedStack:
    """A stack created in the emulator: its name, Outputs and physical resources, plus the clients."""

    name: str
    clients: Clients
    outputs: Mapping[str, str]
    resources: Mapping[str, str]

    def output(self, key: str) -> str:
        try:
            return self.outputs[key]
        except KeyError:
            raise KeyError(f"stack {self.name} has no Output {key!r} (has: {sorted(self.outputs)})") from None


def deploy(
    clients: Clients,
    template_path: Path = DEFAULT_TEMPLATE,
    *,
    stack_name: str | None = None,
    parameters: Mapping[str, str] | None = None,
) -> DeployedStack:
    """Package the template's local Lambda code into an artifacts bucket and create the stack.

    Nothing in the template is changed besides what `aws cloudformation package` changes (Code paths).
    """
    name = stack_name or f"emulated-{uuid.uuid4().hex[:10]}"
    template: dict[str, Any] = json.loads(template_path.read_text(encoding="utf-8"))
    artifacts_bucket = f"{name.lower()}-artifacts"
    clients.s3.create_bucket(Bucket=artifacts_bucket)
    packaged, artifacts = package_template(template, template_path.parent, artifacts_bucket)
    for artifact in artifacts:
        clients.s3.put_object(Bucket=artifacts_bucket, Key=artifact.key, Body=artifact.body)
    clients.cloudformation.create_stack(
        StackName=name,
        TemplateBody=json.dumps(packaged),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in (parameters or {}).items()],
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
    )
    described = clients.cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    if described["StackStatus"] != "CREATE_COMPLETE":
        raise DeployError(
            f"stack {name}: {described['StackStatus']} {described.get('StackStatusReason', '')}"
        )
    summaries = clients.cloudformation.list_stack_resources(StackName=name)["StackResourceSummaries"]
    return DeployedStack(
        name=name,
        clients=clients,
        outputs={o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])},
        resources={
            r["LogicalResourceId"]: r["PhysicalResourceId"] for r in summaries if r["LogicalResourceId"]
        },
    )


def not_emulated(template_path: Path = DEFAULT_TEMPLATE) -> list[tuple[str, str]]:
    """(logical id, type) of the template's resources moto cannot create: in the template, not the stack."""
    resources = json.loads(template_path.read_text(encoding="utf-8")).get("Resources", {})
    return sorted(
        (logical_id, resource["Type"])
        for logical_id, resource in resources.items()
        if resource.get("Type") in UNSUPPORTED_RESOURCE_TYPES
    )
