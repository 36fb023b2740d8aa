"""`python -m tests.cli.wait_for_executions ENDPOINT`: wait until no state machine execution is RUNNING."""

from __future__ import annotations

import sys
import time

from emulator.clients import Clients


def main(endpoint_url: str, timeout: float = 120.0) -> int:
    stepfunctions = Clients.for_endpoint(endpoint_url).stepfunctions
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        machines = stepfunctions.list_state_machines()["stateMachines"]
        running = [
            execution
            for machine in machines
            for execution in stepfunctions.list_executions(
                stateMachineArn=machine["stateMachineArn"], statusFilter="RUNNING"
            )["executions"]
        ]
        if not running:
            return 0
        time.sleep(0.2)
    print(f"still running after {timeout:.0f}s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
