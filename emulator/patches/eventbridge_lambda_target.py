"""Gap (moto 5.2.5): EventBridge has no Lambda function target: `Rule.send_to_targets` raises
NotImplementedError for it (S3's notifier swallows that and skips every later rule; PutEvents returns
500), so a rule like ExecutionEndedRule can never run its function.

Patched by wrapping `moto.events.models.Rule.send_to_targets`: a `:lambda:…:function:` target is
invoked asynchronously, as EventBridge does (in a thread, through the function's `invoke`, so the
in-process runner of lambda_in_process runs the real handler), with the event (ISO `time`) as input;
moto keeps the other targets. A failed invocation is logged (Lambda's own asynchronous retries and
dead-letter queue are not emulated).
"""

from __future__ import annotations

import copy
import datetime
import functools
import json
import logging
import threading
from typing import Any

from moto.awslambda.models import lambda_backends
from moto.events.models import Rule

PROVEN_BY = "tests/e2e/test_e2e_watchdog.py::test_a_stopped_standard_run_is_redriven_through_its_rule"

_LOG = logging.getLogger(__name__)


def install() -> None:
    Rule.send_to_targets = _send_to_targets(Rule.send_to_targets)  # type: ignore[method-assign]


def _is_function(target: dict[str, Any]) -> bool:
    return ":lambda:" in target["Arn"] and ":function:" in target["Arn"]


def _send_to_targets(original: Any) -> Any:
    @functools.wraps(original)
    def send_to_targets(self: Rule, original_event: Any, transform_input: bool = True) -> None:
        functions = [t for t in self.targets if _is_function(t)]
        if len(functions) < len(self.targets):
            rest = copy.copy(self)
            rest.targets = [t for t in self.targets if not _is_function(t)]
            original(rest, original_event, transform_input)
        if functions and self.event_pattern.matches_event(original_event):
            for target in functions:
                threading.Thread(target=_invoke, args=(self, target, original_event), daemon=True).start()

    return send_to_targets


def _invoke(rule: Rule, target: dict[str, Any], event: Any) -> None:
    payload: Any = {k: v for k, v in event.items() if k != "ingestion-time"}
    if isinstance(payload.get("time"), int | float):
        stamp = datetime.datetime.fromtimestamp(payload["time"], tz=datetime.UTC)
        payload["time"] = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    _, _, _, region, account, _ = target["Arn"].split(":", 5)
    try:
        function = lambda_backends[account][region].get_function(target["Arn"])
        function.invoke(json.dumps(payload), {"x-amz-invocation-type": "Event"}, {})
    except Exception as error:  # asynchronous: nobody waits for the result
        _LOG.warning("rule %s: invoking %s failed: %s", rule.name, target["Arn"], error)
