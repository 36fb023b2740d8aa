"""A small stack with every template shape the emulator patches, deployed once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

import emulator
from emulator import DeployedStack

FIXTURE_TEMPLATE = Path(__file__).parent / "fixture" / "template.json"


@pytest.fixture(scope="session")
def fixture_stack() -> DeployedStack:
    return emulator.deploy_stack(FIXTURE_TEMPLATE)
