"""CloudFormation template of the pipeline, built with troposphere and awacs (entry point: template.py).

Loaded lazily: `resources.outputs` (the stack's output names, standard library only) is imported by
the review command, which must not pay for troposphere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from resources.invariants import template_invariants
    from resources.template import build_template


def __getattr__(name: str) -> Any:
    if name == "build_template":
        from resources.template import build_template

        return build_template
    if name == "template_invariants":
        from resources.invariants import template_invariants

        return template_invariants
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["build_template", "template_invariants"]
