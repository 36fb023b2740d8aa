"""The state machine, with its ASL definition held as a Definition object plus DefinitionSubstitutions."""

from __future__ import annotations

import json
import re
from typing import Any

from troposphere import GetAtt, Ref, Sub
from troposphere.awslambda import Function
from troposphere.dynamodb import Table
from troposphere.iam import PolicyType, Role
from troposphere.logs import LogGroup
from troposphere.sqs import Queue
from troposphere.stepfunctions import (
    CloudWatchLogsLogGroup,
    LogDestination,
    LoggingConfiguration,
    StateMachine,
    TracingConfiguration,
)

from resources import ids
from workflow.names import integration_key

# Step Functions service integrations a Task may name as a whole `${<Key>}` placeholder. cfn-lint's
# E3601 requires a Task's Resource to be an `arn:aws:` literal or exactly one placeholder, so a
# partition-free Task is written "Resource": "${DynamodbPutItemArn}", not "arn:${Partition}:...".
SERVICE_INTEGRATIONS = (
    "lambda:invoke",
    "dynamodb:putItem",
    "dynamodb:updateItem",
    "dynamodb:getItem",
    "dynamodb:deleteItem",
    "sqs:sendMessage",
    "s3:getObject",
    "s3:putObject",
    "states:startExecution",
)
PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


def placeholders(definition: dict[str, Any]) -> set[str]:
    """Every `${Name}` the definition uses."""
    return set(PLACEHOLDER.findall(json.dumps(definition)))


def definition_substitutions(
    *,
    definition: dict[str, Any],
    validator: Function,
    store_large: Function,
    orders_table: Table,
    file_ledger_table: Table,
    review_queue: Queue,
    large_file_machine: StateMachine | None = None,
) -> dict[str, object]:
    """The values of the placeholders `definition` uses, each filled from this stack's resources.

    An unknown placeholder is left out, so template_invariants reports it and build.py refuses to write.
    """
    available: dict[str, object] = {
        "ValidatorFunctionArn": GetAtt(validator, "Arn"),
        "StoreLargeFunctionArn": GetAtt(store_large, "Arn"),
        "OrdersTableName": Ref(orders_table),
        "FileLedgerTableName": Ref(file_ledger_table),
        "ReviewQueueUrl": Ref(review_queue),
        # For ARNs other than a Task's Resource (e.g. an ItemReader's): arn:${Partition}:states:::...
        "Partition": Ref("AWS::Partition"),
    }
    if large_file_machine is not None:
        # The small-file lane hands files to the large-file machine (states:startExecution).
        available["LargeFileStateMachineArn"] = Ref(large_file_machine)
    for integration in SERVICE_INTEGRATIONS:
        available[integration_key(integration)] = Sub("arn:${AWS::Partition}:states:::" + integration)
    return {key: available[key] for key in sorted(placeholders(definition)) if key in available}


def state_machine(
    *,
    definition: dict[str, Any],
    substitutions: dict[str, object],
    role: Role,
    log_group: LogGroup,
    depends_on: list[PolicyType],
    title: str = ids.STATE_MACHINE,
    machine_type: str = "STANDARD",
) -> StateMachine:
    """A state machine (the STANDARD large-file parent, or with `machine_type` EXPRESS the small-file
    lane); logs errors only, never execution data (record content: the small lane's state holds records).

    depends_on: the role's log delivery policy, which Step Functions checks when it creates the machine.
    """
    return StateMachine(
        title,
        DependsOn=depends_on,
        StateMachineType=machine_type,
        RoleArn=GetAtt(role, "Arn"),
        # An object (not DefinitionString) so cfn-lint validates the ASL (rule E3601).
        Definition=definition,
        DefinitionSubstitutions=substitutions,
        LoggingConfiguration=LoggingConfiguration(
            Level="ERROR",
            IncludeExecutionData=False,
            Destinations=[
                LogDestination(
                    CloudWatchLogsLogGroup=CloudWatchLogsLogGroup(LogGroupArn=GetAtt(log_group, "Arn"))
                )
            ],
        ),
        TracingConfiguration=TracingConfiguration(Enabled=True),
    )
