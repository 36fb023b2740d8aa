"""CloudFormation template of the pipeline, built with troposphere and awacs (entry point: template.py)."""

from __future__ import annotations

from resources.invariants import template_invariants
from resources.template import build_template

__all__ = ["build_template", "template_invariants"]
