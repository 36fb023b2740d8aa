"""The state machine, with its ASL definition held as a Definition object plus DefinitionSubstitutions."""

from __future__ import annotations

from typing import Any

from troposphere import GetAtt
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
) -> StateMachine:
    """The STANDARD parent state machine; logs errors only, never execution data (record content).

    depends_on: the role's log delivery policy, which Step Functions checks when it creates the machine.
    """
    return StateMachine(
        ids.STATE_MACHINE,
        DependsOn=depends_on,
        StateMachineType="STANDARD",
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
