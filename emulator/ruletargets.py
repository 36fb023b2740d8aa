"""What the EventBridge target patches share (moto 5.2.5 has neither a Lambda nor a Step Functions
target): a `Rule.send_to_targets` that hands the targets a patch owns to its `deliver` and leaves the
others to moto, and the event as EventBridge passes it to a target (ISO `time`, no `ingestion-time`).
"""

from __future__ import annotations

import copy
import datetime
import functools
from collections.abc import Callable
from typing import Any

from moto.events.models import Rule

Target = dict[str, Any]
Deliver = Callable[[Rule, Target, Any], None]


def send_to_targets(original: Any, owns: Callable[[Target], bool], deliver: Deliver) -> Any:
    """`original` (moto's, or an earlier patch's) for the targets `owns` refuses; `deliver` for the
    others, once per target, when the event matches the rule's pattern."""

    @functools.wraps(original)
    def patched(self: Rule, original_event: Any, transform_input: bool = True) -> None:
        ours = [t for t in self.targets if owns(t)]
        if len(ours) < len(self.targets):
            rest = copy.copy(self)
            rest.targets = [t for t in self.targets if not owns(t)]
            original(rest, original_event, transform_input)
        if ours and self.event_pattern.matches_event(original_event):
            for target in ours:
                deliver(self, target, original_event)

    return patched


def payload(event: Any) -> Any:
    """The event a target receives: moto's epoch `time` as EventBridge's ISO 8601, no `ingestion-time`."""
    found: Any = {k: v for k, v in event.items() if k != "ingestion-time"}
    if isinstance(found.get("time"), int | float):
        stamp = datetime.datetime.fromtimestamp(found["time"], tz=datetime.UTC)
        found["time"] = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return found


def account_region(arn: str) -> tuple[str, str]:
    """The account and region of a target's ARN."""
    _, _, _, region, account, _ = arn.split(":", 5)
    return account, region
