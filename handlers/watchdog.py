"""Watchdog Lambda: no file stays stuck in the ledger (sweep: handlers/flows/sweep.py; decisions:
handlers/flows/watchdog_rules.py).

Events (EventBridge, asynchronous):
- a Scheduled Event (the sweep): every open file of the ledger's sparse index `OpenFiles` (status,
  open_since) that is past its deadline or due for a re-drive;
- a "Step Functions Execution Status Change" of the STANDARD machine (FAILED, TIMED_OUT, ABORTED):
  the file that execution was processing, found from its input.
Returns `{"examined", "marked_failed", "redriven", "given_up"}` (counts). Logs and metrics hold counts
only, never keys. Permissions: dynamodb:Query on the index, dynamodb:GetItem and UpdateItem on the
ledger, states:StartExecution on the STANDARD machine and states:DescribeExecution on its executions.
"""

from __future__ import annotations

import importlib

if not __package__:
    # On Lambda this file is the top-level module of the zip root: register that root as `handlers`.
    importlib.import_module("_package")

from datetime import UTC, datetime
from typing import Any

from handlers.flows import sweep
from handlers.seams.settings import FILE_LEDGER_TABLE_ENV, REDRIVE_STATE_MACHINE_ENV
from handlers.seams.watchdogsignals import SCHEDULED


def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    kind = sweep.event_kind(event)
    watchdog = sweep.Watchdog(
        dynamodb=sweep.client("dynamodb"),
        stepfunctions=sweep.client("stepfunctions"),
        table=sweep.setting(FILE_LEDGER_TABLE_ENV),
        machine_arn=sweep.setting(REDRIVE_STATE_MACHINE_ENV),
        config=sweep.settings(),
    )
    now = datetime.now(UTC)
    if kind == SCHEDULED:
        watchdog.sweep(now=now, remaining_ms=getattr(context, "get_remaining_time_in_millis", None))
    else:
        watchdog.ended(event.get("detail") or {}, now=now)
    sweep.emit(watchdog.counts, function_name=getattr(context, "function_name", "") or "watchdog")
    return watchdog.counts
