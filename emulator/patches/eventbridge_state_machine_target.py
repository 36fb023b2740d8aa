"""Gap (moto 5.2.5): EventBridge has no Step Functions target.

`moto.events.models.Rule.send_to_targets` raises NotImplementedError for a state machine target,
which S3's notifier swallows with a bare except (skipping every later target and rule). Patched by
wrapping `Rule.send_to_targets`: a `:states:…:stateMachine:` target starts an execution on the
backend that executes, with a unique name and the event (ISO `time`) as input; moto keeps the
other targets. A start that fails goes straight to the target's dead-letter queue (EventBridge
retries first). Target input transformation (`Input`, `InputPath`, `InputTransformer`) is not
emulated: nothing in the template uses it, so such a target is refused (dead-lettered), never fed
the raw event.

Delivery faults (emulator/faults.py): EventBridge delivers at least once and in no particular
order. When `event.twice` is rolled for an object's event, a second execution starts with the same
event; when `event.late` is rolled, the start waits a few seconds on a timer (so later uploads'
events overtake it), and a late event that arrives after an event for a newer upload of the same
key is counted as `event.after_newer_version`.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
import uuid
from typing import Any

from moto.events.models import Rule
from moto.sqs.models import sqs_backends
from moto.stepfunctions.responses import get_backend as executing_sfn_backend

from emulator import faults
from emulator import ruletargets as _targets

PROVEN_BY = "tests/unit/emulator/test_emulator_patches.py::test_a_start_that_fails_is_dead_lettered"

_NOT_EMULATED_INPUT = ("Input", "InputPath", "InputTransformer")
_LOG = logging.getLogger(__name__)
_ARRIVALS = itertools.count(1)
_LOCK = threading.Lock()
# Per bucket/key: the arrival number of the newest event started so far.
_NEWEST_STARTED: dict[str, int] = {}


def install() -> None:
    Rule.send_to_targets = _targets.send_to_targets(  # type: ignore[method-assign]
        Rule.send_to_targets, _is_state_machine, _deliver
    )


def _is_state_machine(target: dict[str, Any]) -> bool:
    return ":states:" in target["Arn"] and ":stateMachine:" in target["Arn"]


def _object(event: Any) -> tuple[str, str]:
    """(bucket/key, bucket/key#version) of an S3 event (the key alone when it is not one)."""
    detail = event.get("detail") or {}
    found = detail.get("object") or {}
    name = f"{(detail.get('bucket') or {}).get('name')}/{found.get('key')}"
    return name, f"{name}#{found.get('version-id') or found.get('etag') or found.get('eTag')}"


def _deliver(rule: Rule, target: dict[str, Any], event: Any) -> None:
    """Start the target once, twice, or late, as the faults roll."""
    arrival = next(_ARRIVALS)
    name, version = _object(event)
    if faults.roll(faults.EVENT_LATE, version):
        delay = faults.uniform(faults.EVENT_LATE, version, *faults.LATE_SECONDS)
        timer = threading.Timer(delay, _start_in_order, (rule, target, event, name, arrival))
        timer.daemon = True
        timer.start()
    else:
        _start_in_order(rule, target, event, name, arrival)
    if faults.roll(faults.EVENT_TWICE, version):
        _start_execution(rule, target, event)


def _start_in_order(rule: Rule, target: dict[str, Any], event: Any, name: str, arrival: int) -> None:
    with _LOCK:
        newest = _NEWEST_STARTED.get(name, 0)
        _NEWEST_STARTED[name] = max(newest, arrival)
    if newest > arrival:
        faults.count(faults.EVENT_AFTER_NEWER)
    _start_execution(rule, target, event)


def _start_execution(rule: Rule, target: dict[str, Any], event: Any) -> None:
    payload = _targets.payload(event)
    account, region = _targets.account_region(target["Arn"])
    try:
        transforms = [field for field in _NOT_EMULATED_INPUT if target.get(field)]
        if transforms:
            raise NotImplementedError(f"target input transformation is not emulated: {transforms}")
        executing_sfn_backend(account, region).start_execution(
            target["Arn"], name=f"emulator-{uuid.uuid4()}", execution_input=json.dumps(payload)
        )
    except Exception as error:  # EventBridge retries, then dead-letters; the emulator dead-letters at once
        _LOG.warning("rule %s: cannot start %s: %s", rule.name, target["Arn"], error)
        dlq = target.get("DeadLetterConfig", {}).get("Arn")
        if dlq:
            sqs_backends[account][region].send_message(dlq.split(":")[-1], json.dumps(payload))
