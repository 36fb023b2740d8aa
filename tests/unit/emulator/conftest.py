"""A small stack with every template shape the emulator patches, deployed once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

import emulator
from emulator import DeployedStack

from .machines import Machines

FIXTURE_TEMPLATE = Path(__file__).parent / "fixture" / "template.json"


@pytest.fixture
def fixture_stack() -> DeployedStack:
    """Deployed once, and again if a `moto.mock_aws` test run in this process since (pytest-xdist
    mixes tests of every kind on a worker) has reset the server."""
    return emulator.shared_stack(FIXTURE_TEMPLATE)


@pytest.fixture
def machines(fixture_stack: DeployedStack) -> Machines:
    return Machines(fixture_stack)
