"""Gap (moto 5.2.5): Retry waits really sleep and an EXPRESS execution never times out.

AWS stops an EXPRESS execution at 5 minutes (TIMED_OUT; no Catch runs, nothing after it) and any
execution at the definition's `TimeoutSeconds`. moto's interpreter sleeps every Retry interval and
Wait for real (`retrier_decl.time.sleep`, `WaitFunction._wait_interval`), so a test either waits out
real backoff or never reaches a limit, and it has no EXPRESS limit at all.

Patched so that time is emulated (emulator/clock.py): the execution's clock starts in
`ExecutionWorker._get_evaluation_environment`, Retry and Wait advance it instead of sleeping,
every interpreter thread (registered in `TMP_THREADS`, which this patch swaps for a list that wraps
each thread's target) inherits its starter's position, and the top-level `Program.eval` waits for
its worker until the execution's emulated elapsed time passes its limit (EXPRESS: 300 s, or the
definition's TimeoutSeconds when smaller), then ends it TIMED_OUT as moto does for a real timeout,
with later errors unable to overwrite that status. Retry's FULL jitter is drawn from the seed of
emulator/faults.py instead of the process's `random`.
"""

from __future__ import annotations

import threading
from types import ModuleType
from typing import Any

from moto.stepfunctions.parser.asl.component.common.retry import jitter_strategy_decl, retrier_decl
from moto.stepfunctions.parser.asl.component.eval_component import EvalComponent
from moto.stepfunctions.parser.asl.component.program import program as program_module
from moto.stepfunctions.parser.asl.component.program.program import Program
from moto.stepfunctions.parser.asl.component.state.exec import execute_state
from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration import inline_iteration_component
from moto.stepfunctions.parser.asl.component.state.exec.state_parallel import branch_worker
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import state_task_service_callback
from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.backend import execution_worker
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

from emulator import clock, faults

PROVEN_BY = "tests/unit/emulator/test_emulator_time.py::test_express_past_five_emulated_minutes_times_out"

EXPRESS_LIMIT_SECONDS = 300.0
_POLL_SECONDS = 0.02


def install() -> None:
    retrier_decl.time = _EmulatedTime()  # type: ignore[attr-defined,assignment]
    jitter_strategy_decl.random = _SeededJitter()  # type: ignore[attr-defined,assignment]
    WaitFunction._wait_interval = _wait_interval(WaitFunction._wait_interval)  # type: ignore[method-assign]
    inheriting = _InheritingThreads()
    modules: tuple[ModuleType, ...] = (
        program_module,
        execute_state,
        inline_iteration_component,
        branch_worker,
        state_task_service_callback,
        execution_worker,
    )
    for module in modules:
        module.TMP_THREADS = inheriting  # type: ignore[attr-defined]
    ExecutionWorker._get_evaluation_environment = _evaluation_environment(  # type: ignore[method-assign]
        ExecutionWorker._get_evaluation_environment
    )
    Program.eval = _program_eval(Program.eval)  # type: ignore[method-assign]


class _EmulatedTime:
    """Stands in for the `time` module in retrier_decl: `sleep` advances the execution's clock."""

    def sleep(self, seconds: float) -> None:
        clock.sleep(seconds)

    def __getattr__(self, name: str) -> Any:
        import time

        return getattr(time, name)


class _SeededJitter:
    """Stands in for `random` in jitter_strategy_decl: FULL jitter drawn from the faults' seed."""

    def uniform(self, low: float, high: float) -> float:
        return low + faults.jitter(high - low)


class _InheritingThreads(list[threading.Thread]):
    """moto registers every interpreter thread here before starting it: each one inherits its
    starter's emulated position (the starter is the thread calling append)."""

    def append(self, thread: threading.Thread) -> None:
        target = getattr(thread, "_target", None)
        if target is not None:
            thread._target = clock.inheriting(target)  # type: ignore[attr-defined]
        # Finished threads are not kept (moto's own list only grows).
        self[:] = [t for t in self if t.is_alive()]
        super().append(thread)


def _wait_interval(original: Any) -> Any:
    def wait_interval(self: WaitFunction, env: Environment, wait_seconds: int) -> None:
        if clock.position() is None:
            original(self, env, wait_seconds)
        else:
            clock.sleep(float(wait_seconds))

    return wait_interval


def _evaluation_environment(original: Any) -> Any:
    def evaluation_environment(self: ExecutionWorker) -> Environment:
        env: Environment = original(self)
        started = clock.EmulatedClock(limit=EXPRESS_LIMIT_SECONDS if _is_express(self) else None, parks=True)
        env._emulator_clock = started  # type: ignore[attr-defined]
        clock.start(started)
        return env

    return evaluation_environment


def _is_express(worker: ExecutionWorker) -> bool:
    """Whether the execution's state machine is EXPRESS: moto keeps the type in `StateMachine.type`
    and gives the interpreter STANDARD whatever it is (`sm_type`)."""
    execution = getattr(worker._execution_communication, "execution", None)
    return getattr(getattr(execution, "state_machine", None), "type", None) == "EXPRESS"


def _program_eval(original: Any) -> Any:
    def eval(self: Program, env: Environment) -> None:
        execution_clock: clock.EmulatedClock | None = getattr(env, "_emulator_clock", None)
        if execution_clock is None or env.is_frame():
            original(self, env)
            return
        limits = [
            execution_clock.limit,
            self.timeout_seconds.timeout_seconds if self.timeout_seconds else None,
        ]
        execution_clock.limit = min((limit for limit in limits if limit is not None), default=None)
        env.next_state_name = self.start_at.start_at_name
        worker = threading.Thread(target=clock.inheriting(EvalComponent.eval), args=(self, env), daemon=True)
        worker.start()
        here = clock.position()
        while worker.is_alive():
            worker.join(_POLL_SECONDS)
            if here is not None and execution_clock.check(here.now()) and worker.is_alive():
                _time_out(env)
                return
        # A wait past the limit parks its thread (emulator/clock.py), so a program that ended has
        # not run past it; one that did (its last wait expired the clock as it ended) timed out.
        if execution_clock.expired.is_set():
            _time_out(env)

    return eval


def _time_out(env: Environment) -> None:
    """End the execution TIMED_OUT (as moto's own timeout does); what is still running can no
    longer change that status (on AWS nothing runs after the limit): a timed-out program ignores a
    later error (sfn_stopped_execution.py) and `set_ended` changes only a running one."""
    env.set_timed_out()
    execution_clock: clock.EmulatedClock = env._emulator_clock  # type: ignore[attr-defined]
    if execution_clock.limit == EXPRESS_LIMIT_SECONDS:
        faults.count_limit(faults.EXPRESS_TIMED_OUT)
