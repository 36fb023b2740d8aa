"""Offline AWS for the pipeline: moto 5.2.5 as a local server, patched where it falls short."""

from __future__ import annotations

from pathlib import Path

from emulator.clients import Clients
from emulator.deploy import DEFAULT_TEMPLATE, DeployedStack, deploy, not_emulated
from emulator.server import MotoServer, shared_server

__all__ = [
    "DEFAULT_TEMPLATE",
    "Clients",
    "DeployedStack",
    "MotoServer",
    "deploy",
    "deploy_stack",
    "is_alive",
    "not_emulated",
    "shared_server",
    "shared_stack",
]


def deploy_stack(template_path: Path = DEFAULT_TEMPLATE, *, stack_name: str | None = None) -> DeployedStack:
    """Start (or reuse) this process's moto server and deploy `template_path` into it as a new stack."""
    server = shared_server()
    return deploy(Clients.for_endpoint(server.endpoint_url), template_path, stack_name=stack_name)


def is_alive(stack: DeployedStack) -> bool:
    """Whether `stack` is still in this process's server: `moto.mock_aws` resets every backend of
    the process when it starts and stops, the server's included, so a stack deployed before a
    mock_aws test in the same process is gone after it."""
    try:
        stack.clients.cloudformation.describe_stacks(StackName=stack.name)
    except stack.clients.cloudformation.exceptions.ClientError:
        return False
    return True


_DEPLOYED: dict[Path, DeployedStack] = {}


def shared_stack(template: Path) -> DeployedStack:
    """One stack per template for a process's tests: deployed on first use, and again when a
    `moto.mock_aws` test run in the process since (pytest-xdist mixes tests of every kind on a worker)
    has reset the server (`is_alive`)."""
    found = _DEPLOYED.get(template)
    if found is None or not is_alive(found):
        found = _DEPLOYED[template] = deploy_stack(template)
    return found
