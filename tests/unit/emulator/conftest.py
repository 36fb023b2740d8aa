"""A small stack with every template shape the emulator patches, deployed once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

import emulator
from emulator import DeployedStack

from .machines import Machines

FIXTURE_TEMPLATE = Path(__file__).parent / "fixture" / "template.json"


@pytest.fixture(scope="session")
def fixture_stack() -> DeployedStack:
    return emulator.deploy_stack(FIXTURE_TEMPLATE)


@pytest.fixture(scope="session")
def machines(fixture_stack: DeployedStack) -> Machines:
    return Machines(fixture_stack)
