"""Gap (moto 5.2.5): the context object's `$$.Execution.StartTime` is a `datetime`, not the ISO 8601
string AWS gives (`2026-01-02T03:04:05.678Z`); passing it to a service integration (e.g. `"S.$":
"$$.Execution.StartTime"` in a putItem) fails with "Object of type datetime is not JSON serializable".

Patched by wrapping `moto.stepfunctions.parser.backend.execution_worker.ExecutionWorker.
_get_evaluation_environment`: the state machine gets the string.
"""

from __future__ import annotations

import datetime
import functools
from typing import Any

from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

PROVEN_BY = "tests/unit/emulator/test_emulator_sfn_start_time.py::test_start_time_is_the_aws_iso_string"


def install() -> None:
    ExecutionWorker._get_evaluation_environment = _evaluation_environment(  # type: ignore[method-assign]
        ExecutionWorker._get_evaluation_environment
    )


def _evaluation_environment(original: Any) -> Any:
    @functools.wraps(original)
    def get_evaluation_environment(self: ExecutionWorker) -> Any:
        environment = original(self)
        execution = environment.states.context_object.context_object_data["Execution"]
        started = execution.get("StartTime")
        if isinstance(started, datetime.datetime):
            stamp = started.astimezone(datetime.UTC)
            milliseconds = f"{stamp.microsecond // 1000:03d}"
            execution["StartTime"] = stamp.strftime("%Y-%m-%dT%H:%M:%S.") + milliseconds + "Z"
        return environment

    return get_evaluation_environment
