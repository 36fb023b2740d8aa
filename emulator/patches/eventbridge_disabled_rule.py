"""Gap (moto 5.2.5): a DISABLED EventBridge rule still delivers events to its targets.

Patched by wrapping `moto.events.models.Rule.send_to_targets`: a disabled rule delivers nothing, as
on AWS.
"""

from __future__ import annotations

import functools
from typing import Any

from moto.events.models import Rule

PROVEN_BY = "tests/unit/emulator/test_emulator_patches.py::test_disabled_rule_does_not_start_executions"


def install() -> None:
    Rule.send_to_targets = _send_to_targets(Rule.send_to_targets)  # type: ignore[method-assign]


def _send_to_targets(original: Any) -> Any:
    @functools.wraps(original)
    def send_to_targets(self: Rule, original_event: Any, transform_input: bool = True) -> None:
        if self.state != "DISABLED":
            original(self, original_event, transform_input)

    return send_to_targets
