"""Gap (moto 5.2.5): a stopped execution stays RUNNING, or ends FAILED, instead of ABORTED.

On AWS, `StopExecution` ends a running STANDARD execution ABORTED at once, and nothing the execution
was doing can change that. moto's `Execution.stop` only asks the interpreter to stop
(`Environment.set_stop`); DescribeExecution keeps saying RUNNING until the interpreter's thread ends,
which a task waiting for a callback never does, and when the running state does go on, its next step
(refused once the program is no longer running) raises and `Program._eval_body` turns that into
`set_error`, overwriting the stop: DescribeExecution then says FAILED (`States.Runtime`). Which one a
caller saw depended on the threads' timing (a watchdog reading a stopped run's status saw
ExecutionFailed in one run and ExecutionAborted in the next).

Patched at the parser's `Execution.stop` (the execution is ABORTED when the call returns, as on
AWS), its worker's `_reflect_execution_status` (a stopped execution's status is final), and
`Environment.set_error` / `set_timed_out` (a stopped program stays stopped, so the history ends
with ExecutionAborted too; a timed-out one, e.g. at the emulated EXPRESS limit of
sfn_emulated_time.py, stays timed out the same way: on AWS nothing runs after either).
"""

from __future__ import annotations

import datetime
from typing import Any

from moto.stepfunctions.parser.api import ExecutionStatus
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped, ProgramTimedOut
from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication, Execution

PROVEN_BY = "tests/unit/emulator/test_emulator_stop.py::test_a_stopped_execution_stays_aborted"


def install() -> None:
    Execution.stop = _stop(Execution.stop)  # type: ignore[method-assign]
    BaseExecutionWorkerCommunication._reflect_execution_status = _final_once_aborted(  # type: ignore[method-assign]
        BaseExecutionWorkerCommunication._reflect_execution_status
    )
    Environment.set_error = _unless_ended(Environment.set_error)  # type: ignore[method-assign]
    Environment.set_timed_out = _unless_ended(Environment.set_timed_out)  # type: ignore[method-assign]


def _stop(original: Any) -> Any:
    def stop(self: Execution, stop_date: datetime.datetime, error: str | None, cause: str | None) -> None:
        original(self, stop_date, error, cause)
        if self.exec_status == ExecutionStatus.RUNNING:
            self.exec_status = ExecutionStatus.ABORTED
            self.stop_date = stop_date

    return stop


def _final_once_aborted(original: Any) -> Any:
    def reflect(self: BaseExecutionWorkerCommunication) -> None:
        if self.execution.exec_status != ExecutionStatus.ABORTED:
            original(self)

    return reflect


def _unless_ended(original: Any) -> Any:
    """A program stopped or timed out keeps that status (`set_ended` already changes only a running
    program)."""

    def setter(self: Environment, *args: Any, **kwargs: Any) -> None:
        with self._state_mutex:
            if isinstance(self._program_state, ProgramStopped | ProgramTimedOut):
                return
            original(self, *args, **kwargs)

    return setter
