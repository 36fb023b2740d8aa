"""A stopped execution ends ABORTED (emulator/patches/sfn_stopped_execution.py).

Failure class: a watchdog (handlers/watchdog.py) that decides from DescribeExecution whether a
STANDARD run ended and why. Without the patch, the state that was running when StopExecution came
goes on, fails to move to its next state, and moto overwrote ABORTED with FAILED (States.Runtime):
tests/functional/test_functional_watchdog.py saw ExecutionFailed for a stopped run in CI.
"""

from __future__ import annotations

import json
import time
import uuid

from .machines import TERMINAL, Machines


def test_a_stopped_execution_stays_aborted(machines: Machines) -> None:
    clients = machines.stack.clients
    queue = clients.sqs.create_queue(QueueName=f"stop-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    # GIVEN a run waiting in a task for a callback, with a state after it
    definition = {
        "StartAt": "Wait",
        "States": {
            "Wait": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": queue, "MessageBody": {"token.$": "$$.Task.Token"}},
                "Next": "After",
            },
            "After": {"Type": "Pass", "End": True},
        },
    }
    sfn = clients.stepfunctions
    machine = sfn.create_state_machine(
        name=f"unit-{uuid.uuid4().hex[:12]}", definition=json.dumps(definition), roleArn=machines.role_arn
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    assert clients.sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=20).get("Messages"), "never waited"
    # WHEN it is stopped
    sfn.stop_execution(executionArn=execution)
    # THEN it ends ABORTED, and stays so
    deadline = time.monotonic() + 30
    while (status := sfn.describe_execution(executionArn=execution)["status"]) not in TERMINAL:
        assert time.monotonic() < deadline, status
        time.sleep(0.05)
    time.sleep(0.5)
    assert (status, sfn.describe_execution(executionArn=execution)["status"]) == ("ABORTED", "ABORTED")


def test_a_stop_that_comes_before_the_interpreter_exists_waits_for_it() -> None:
    """Failure class: StopExecution right after StartExecution raised AttributeError ('NoneType' object
    has no attribute 'set_stop') in moto when the execution's interpreter thread had not yet built its
    environment (tests/functional/test_functional_watchdog.py failed so in a quiet CI run). The patched
    `Execution.stop` is called on an execution whose worker builds its environment 0.2 s later, as a
    slow interpreter start would: it waits, stops it, and the execution is ABORTED (fails before: the
    AttributeError)."""
    import datetime
    import threading

    from moto.stepfunctions.parser.api import ExecutionStatus
    from moto.stepfunctions.parser.backend.execution import Execution

    stops: list[dict[str, object]] = []

    class Environment:
        def set_stop(self, **details: object) -> None:
            stops.append(details)

    class Worker:
        env: Environment | None = None

        def stop(self, stop_date: datetime.datetime, error: str | None, cause: str | None) -> None:
            assert self.env is not None, "moto's ExecutionWorker.stop: self.env.set_stop(...)"
            self.env.set_stop(stop_date=stop_date, error=error, cause=cause)

    class Started:
        exec_worker = Worker()
        exec_status = ExecutionStatus.RUNNING
        stop_date = None

    execution = Started()
    builder = threading.Timer(0.2, lambda: setattr(execution.exec_worker, "env", Environment()))
    builder.start()
    when = datetime.datetime.now(datetime.UTC)
    Execution.stop(execution, when, None, None)  # type: ignore[arg-type]
    builder.join()
    assert stops == [{"stop_date": when, "error": None, "cause": None}]
    assert (execution.exec_status, execution.stop_date) == (ExecutionStatus.ABORTED, when)
