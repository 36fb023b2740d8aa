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

import json
import logging
import threading
from typing import Any

from moto.awslambda.models import lambda_backends
from moto.events.models import Rule

from emulator import ruletargets as _targets

PROVEN_BY = "tests/e2e/test_e2e_watchdog.py::test_a_stopped_standard_run_is_redriven_through_its_rule"

_LOG = logging.getLogger(__name__)


def install() -> None:
    Rule.send_to_targets = _targets.send_to_targets(  # type: ignore[method-assign]
        Rule.send_to_targets, _is_function, _start_invoke
    )


def _is_function(target: dict[str, Any]) -> bool:
    return ":lambda:" in target["Arn"] and ":function:" in target["Arn"]


def _start_invoke(rule: Rule, target: dict[str, Any], event: Any) -> None:
    threading.Thread(target=_invoke, args=(rule, target, event), daemon=True).start()


def _invoke(rule: Rule, target: dict[str, Any], event: Any) -> None:
    payload = _targets.payload(event)
    account, region = _targets.account_region(target["Arn"])
    try:
        function = lambda_backends[account][region].get_function(target["Arn"])
        function.invoke(json.dumps(payload), {"x-amz-invocation-type": "Event"}, {})
    except Exception as error:  # asynchronous: nobody waits for the result
        _LOG.warning("rule %s: invoking %s failed: %s", rule.name, target["Arn"], error)
