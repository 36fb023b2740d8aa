"""Gap (moto 5.2.5): the `states:startExecution` service integration fails with States.Runtime
(KeyError 'StateMachineArn'): moto hands the state's Parameters, which the ASL writes in PascalCase
as AWS documents (`StateMachineArn`, `Input`, `Name`), to boto3 unchanged, whose Step Functions API
members are camelCase (`stateMachineArn`, `input`, `name`). Without a `Name`, moto then names every
started execution "None" (the second start fails: ExecutionAlreadyExists); AWS generates a UUID.
The result is boto3's (`executionArn`, `startDate` as a datetime) where AWS gives `ExecutionArn` and
`StartDate`.

Patched by wrapping `StateTaskServiceSfn._normalise_parameters` (after moto's own step, which turns
an object `Input` into its JSON text): the three members are renamed for boto3 and a missing name
becomes a UUID; and `StateTaskServiceSfn._eval_service_task`: the result gets AWS's member names
(the date as ISO 8601 text). Used by the small-file lane's HandOff state.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from typing import Any

from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sfn import (
    StateTaskServiceSfn,
)

PROVEN_BY = (
    "tests/unit/emulator/test_emulator_sfn_start_execution.py::"
    "test_start_execution_integration_starts_the_machine_with_the_input"
)

# ASL Parameters member -> boto3 StartExecution member.
_BOTO_MEMBERS = {"StateMachineArn": "stateMachineArn", "Input": "input", "Name": "name"}


def install() -> None:
    StateTaskServiceSfn._normalise_parameters = _normalise(  # type: ignore[method-assign]
        StateTaskServiceSfn._normalise_parameters
    )
    StateTaskServiceSfn._eval_service_task = _aws_result(  # type: ignore[method-assign]
        StateTaskServiceSfn._eval_service_task
    )


def _is_start(task: StateTaskServiceSfn) -> bool:
    return bool(task._get_boto_service_action() == "start_execution")


def _normalise(original: Any) -> Any:
    @functools.wraps(original)
    def normalise_parameters(
        self: StateTaskServiceSfn,
        parameters: dict[str, Any],
        boto_service_name: str | None = None,
        service_action_name: str | None = None,
    ) -> None:
        original(self, parameters, boto_service_name, service_action_name)
        if service_action_name is None and _is_start(self):
            for asl_name, boto_name in _BOTO_MEMBERS.items():
                if asl_name in parameters:
                    parameters[boto_name] = parameters.pop(asl_name)
            parameters.setdefault("name", str(uuid.uuid4()))

    return normalise_parameters


def _aws_result(original: Any) -> Any:
    @functools.wraps(original)
    def eval_service_task(self: StateTaskServiceSfn, env: Any, *args: Any, **kwargs: Any) -> None:
        original(self, env, *args, **kwargs)
        if not _is_start(self) or not isinstance(env.stack[-1], dict):
            return
        response = env.stack.pop()
        started = response.get("startDate")
        if isinstance(started, datetime.datetime):
            started = started.isoformat()
        env.stack.append({"ExecutionArn": response.get("executionArn"), "StartDate": started})

    return eval_service_task
