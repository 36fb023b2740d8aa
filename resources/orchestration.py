"""The state machine, with its ASL definition held as a Definition object plus DefinitionSubstitutions."""

from __future__ import annotations

from typing import Any

from troposphere import GetAtt, If
from troposphere.iam import PolicyType, Role
from troposphere.logs import LogGroup
from troposphere.stepfunctions import (
    CloudWatchLogsLogGroup,
    LogDestination,
    LoggingConfiguration,
    StateMachine,
    TracingConfiguration,
)

from resources import ids


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
        # X-Ray only when the stack's Tracing parameter is On (TracingEnabled): it bills per trace.
        TracingConfiguration=TracingConfiguration(Enabled=If(ids.TRACING_ENABLED, True, False)),
    )
