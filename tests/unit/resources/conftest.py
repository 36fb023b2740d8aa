"""Fixtures for the template tests: one template built around a minimal ASL definition."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from troposphere import Template

from resources import build_template

MINIMAL_DEFINITION: dict[str, Any] = json.loads(
    (Path(__file__).parent / "minimal_definition.json").read_text()
)


@pytest.fixture
def definition() -> dict[str, Any]:
    return copy.deepcopy(MINIMAL_DEFINITION)


@pytest.fixture
def template(definition: dict[str, Any]) -> Template:
    return build_template(definition=definition)


@pytest.fixture
def rendered(template: Template) -> dict[str, Any]:
    """The template as build.py serialises it (a plain JSON-compatible dict)."""
    return json.loads(json.dumps(template.to_dict()))


@pytest.fixture
def resources(rendered: dict[str, Any]) -> dict[str, Any]:
    return rendered["Resources"]
