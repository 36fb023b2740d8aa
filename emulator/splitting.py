"""Split and continued files in the emulator: set the validator's split threshold and range size
(`simulate --range-bytes N`, the split e2e tests) and its records per turn (`simulate --turn-records N`,
the continuation e2e tests: a turn stops after N records, as a turn on AWS stops near its time budget).
Emulator only: on AWS handlers/seams/throughput.py and the invocation's remaining time decide."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

from emulator.clients import HARNESS_AGENT
from emulator.deploy import DeployedStack
from handlers.seams.rangekeys import RANGE_BYTES_ENV, TURN_RECORDS_ENV

VALIDATOR_FUNCTION = "ValidatorFunction"


def _lambda_client(stack: DeployedStack) -> Any:
    """A Lambda client at the emulator's endpoint, marked as the harness (no injected faults)."""
    s3 = stack.clients.s3
    return boto3.session.Session(
        aws_access_key_id="emulator", aws_secret_access_key="emulator", region_name=s3.meta.region_name
    ).client("lambda", endpoint_url=s3.meta.endpoint_url, config=Config(user_agent_extra=HARNESS_AGENT))


def _set_variable(stack: DeployedStack, variable: str, value: int | None) -> None:
    """Set (or, None, remove) one variable of the deployed validator's environment."""
    client = _lambda_client(stack)
    name = stack.resources[VALIDATOR_FUNCTION]
    configuration = client.get_function_configuration(FunctionName=name)
    variables = dict(configuration.get("Environment", {}).get("Variables", {}))
    variables.pop(variable, None)
    if value is not None:
        variables[variable] = str(value)
    client.update_function_configuration(FunctionName=name, Environment={"Variables": variables})


def set_range_bytes(stack: DeployedStack, range_bytes: int | None) -> None:
    """Split every large-lane JSON Lines file over `range_bytes` into ranges of `range_bytes` (None:
    the deployed defaults again): the deployed validator's environment is updated."""
    if range_bytes is not None and range_bytes < 1:
        raise ValueError("range bytes must be 1 or more")
    _set_variable(stack, RANGE_BYTES_ENV, range_bytes)


def set_turn_records(stack: DeployedStack, records: int | None) -> None:
    """Stop every large-lane validator turn after `records` records at a resumable record boundary,
    then continue the file from its checkpoint (None: the deployed defaults again, time only)."""
    if records is not None and records < 1:
        raise ValueError("turn records must be 1 or more")
    _set_variable(stack, TURN_RECORDS_ENV, records)
