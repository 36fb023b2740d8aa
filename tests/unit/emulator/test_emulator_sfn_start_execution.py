"""The `states:startExecution` integration starts the named machine (emulator/patches/sfn_start_execution.py).

Without the patch moto 5.2.5 fails the Task with States.Runtime (KeyError 'StateMachineArn').
"""

from __future__ import annotations

import json
import time

from .machines import TERMINAL, Machines

ECHO = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}


def test_start_execution_integration_starts_the_machine_with_the_input(machines: Machines) -> None:
    # GIVEN a machine that only echoes its input, and one that starts it with its own input
    sfn = machines.stack.clients.stepfunctions
    echo = sfn.create_state_machine(
        name="unit-echo-target", definition=json.dumps(ECHO), roleArn=machines.role_arn
    )["stateMachineArn"]
    start = {
        "StartAt": "Start",
        "States": {
            "Start": {
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution",
                "Parameters": {"StateMachineArn": echo, "Input.$": "$$.Execution.Input"},
                # Only the ARN: the response's StartDate is a timestamp this test does not need.
                "ResultSelector": {"ExecutionArn.$": "$.ExecutionArn"},
                "End": True,
            }
        },
    }
    # WHEN it runs
    output = machines.output(start, {"detail": {"object": {"key": "a.json"}}})
    # THEN it got the new execution's ARN, and that execution ran with the same input
    assert output["ExecutionArn"].split(":")[-2] == "unit-echo-target"
    deadline = time.monotonic() + 30
    while (described := sfn.describe_execution(executionArn=output["ExecutionArn"]))[
        "status"
    ] not in TERMINAL:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert json.loads(described["output"]) == {"detail": {"object": {"key": "a.json"}}}
    # AND a second start without a Name gets its own generated name (AWS: a UUID), not a clash
    again = machines.output(start, {})
    assert again["ExecutionArn"] != output["ExecutionArn"]
