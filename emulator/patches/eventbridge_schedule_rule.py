"""Gap (moto 5.2.5): a scheduled rule (ScheduleExpression, no EventPattern) matches every event put on
its bus (its empty pattern matches all), so an S3 upload's event reaches the rule's targets too; a
target moto cannot deliver to (e.g. a Lambda function) then raises, and S3's notifier skips every
later rule, so the upload starts nothing. On AWS a scheduled rule receives only its schedule's events.

Patched by wrapping `moto.events.models.Rule.send_to_targets`: a scheduled rule delivers no put event
(moto never fires schedules; the watchdog's sweep is invoked directly in tests).
"""

from __future__ import annotations

import functools
from typing import Any

from moto.events.models import Rule

PROVEN_BY = "tests/unit/emulator/test_emulator_patches.py::test_a_scheduled_rule_receives_no_put_event"


def install() -> None:
    Rule.send_to_targets = _send_to_targets(Rule.send_to_targets)  # type: ignore[method-assign]


def _send_to_targets(original: Any) -> Any:
    @functools.wraps(original)
    def send_to_targets(self: Rule, original_event: Any, transform_input: bool = True) -> None:
        if not self.scheduled_expression:
            original(self, original_event, transform_input)

    return send_to_targets
