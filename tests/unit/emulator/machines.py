"""Run a small state machine definition in the emulator's server (the patches installed) and wait."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from emulator import DeployedStack

TERMINAL = frozenset({"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"})


@dataclass(frozen=True)
class Machines:
    """Creates throw-away state machines next to the fixture stack (same server, account, region)."""

    stack: DeployedStack

    @property
    def role_arn(self) -> str:
        # The fixture machine's ARN gives this server's partition, region and account.
        partition, _, _, account = self.stack.output("StateMachineArn").split(":")[1:5]
        return f"arn:{partition}:iam::{account}:role/emulator-unit-test"

    def run(
        self,
        definition: dict[str, Any],
        execution_input: Any,
        timeout: float = 60,
        machine_type: str = "STANDARD",
    ) -> dict[str, Any]:
        """Create a machine from `definition`, start it with `execution_input`, return it described."""
        sfn = self.stack.clients.stepfunctions
        arn = sfn.create_state_machine(
            name=f"unit-{uuid.uuid4().hex[:12]}",
            definition=json.dumps(definition),
            roleArn=self.role_arn,
            type=machine_type,
        )["stateMachineArn"]
        execution = sfn.start_execution(
            stateMachineArn=arn, name=f"run-{uuid.uuid4().hex[:12]}", input=json.dumps(execution_input)
        )["executionArn"]
        deadline = time.monotonic() + timeout
        while (described := sfn.describe_execution(executionArn=execution))["status"] not in TERMINAL:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{execution} still {described['status']} after {timeout}s")
            time.sleep(0.1)
        return dict(described)

    def entered(self, execution_arn: str) -> list[str]:
        """The names of the states an execution entered, in order."""
        pages = self.stack.clients.stepfunctions.get_paginator("get_execution_history").paginate(
            executionArn=execution_arn
        )
        events = [event for page in pages for event in page["events"]]
        return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]

    def output(self, definition: dict[str, Any], execution_input: Any) -> Any:
        """The output of a run that must succeed."""
        described = self.run(definition, execution_input)
        assert described["status"] == "SUCCEEDED", (described.get("error"), described.get("cause"))
        return json.loads(described["output"])
