"""Gap (moto 5.2.5): a stopped execution stays RUNNING, or ends FAILED, instead of ABORTED.

On AWS, `StopExecution` ends a running STANDARD execution ABORTED at once, and nothing the execution
was doing can change that. moto's `Execution.stop` only asks the interpreter to stop
(`Environment.set_stop`); DescribeExecution keeps saying RUNNING until the interpreter's thread ends,
which a task waiting for a callback never does, and when the running state does go on, its next step
(refused once the program is no longer running) raises and `Program._eval_body` turns that into
`set_error`, overwriting the stop: DescribeExecution then says FAILED (`States.Runtime`). Which one a
caller saw depended on the threads' timing (a watchdog reading a stopped run's status saw
ExecutionFailed in one run and ExecutionAborted in the next).

A second gap, a race: moto's `ExecutionWorker.stop` calls `self.env.set_stop`, and `env` is built
by the execution's interpreter thread; a StopExecution that comes right after StartExecution, before
that thread has built it, raised AttributeError ('NoneType' object has no attribute 'set_stop').

Patched at the parser's `Execution.stop` (it waits, bounded, for the interpreter's environment to
exist, then stops it; the execution is ABORTED when the call returns, as on AWS), its worker's
`_reflect_execution_status` (a stopped execution's status is final), and
`Environment.set_error` / `set_timed_out` (a stopped program stays stopped, so the history ends
with ExecutionAborted too; a timed-out one, e.g. at the emulated EXPRESS limit of
sfn_emulated_time.py, stays timed out the same way: on AWS nothing runs after either).
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from moto.stepfunctions.parser.api import ExecutionStatus
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped, ProgramTimedOut
from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication, Execution

PROVEN_BY = "tests/unit/emulator/test_emulator_stop.py::test_a_stopped_execution_stays_aborted"
# and ::test_an_execution_stopped_as_it_starts_ends_aborted (the race)


def install() -> None:
    Execution.stop = _stop(Execution.stop)  # type: ignore[method-assign]
    BaseExecutionWorkerCommunication._reflect_execution_status = _final_once_aborted(  # type: ignore[method-assign]
        BaseExecutionWorkerCommunication._reflect_execution_status
    )
    Environment.set_error = _unless_ended(Environment.set_error)  # type: ignore[method-assign]
    Environment.set_timed_out = _unless_ended(Environment.set_timed_out)  # type: ignore[method-assign]


# How long a stop waits for a just-started execution's interpreter to build its environment.
_ENVIRONMENT_WAIT_SECONDS = 10.0


def _stop(original: Any) -> Any:
    def stop(self: Execution, stop_date: datetime.datetime, error: str | None, cause: str | None) -> None:
        worker = self.exec_worker
        deadline = time.monotonic() + _ENVIRONMENT_WAIT_SECONDS
        while worker is not None and getattr(worker, "env", None) is None and time.monotonic() < deadline:
            time.sleep(0.001)
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
