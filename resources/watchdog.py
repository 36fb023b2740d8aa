"""The watchdog's role, its schedule and the STANDARD executions' status-change rule (handlers/watchdog.py).

The schedule sweeps the ledger's open files (an EXPRESS run that hit its 5-minute limit announces
nothing); the status-change rule hands it every STANDARD execution that ended FAILED, TIMED_OUT or
ABORTED (Step Functions sends those events for STANDARD workflows only).
"""

from __future__ import annotations

from awacs import dynamodb, sqs, states
from troposphere import GetAtt, Ref, Sub
from troposphere.awslambda import Function, Permission
from troposphere.dynamodb import Table
from troposphere.events import DeadLetterConfig, RetryPolicy, Rule, Target
from troposphere.iam import Role
from troposphere.logs import LogGroup
from troposphere.sqs import Queue
from troposphere.stepfunctions import StateMachine

from handlers.flows.watchdog_rules import ENDED_STATUSES
from handlers.seams.ledgeritem import LEDGER_OPEN_INDEX
from handlers.seams.watchdogsignals import STATUS_CHANGE
from resources import ids
from resources.iam import _allow, _assumed_by, _inline, _write_own_logs

# The sweep's period: a stuck EXPRESS file is marked FAILED and re-driven within its deadline
# (handlers/flows/watchdog_rules.py EXPRESS_DEADLINE_SECONDS, 6 min) plus this: at most 11 minutes.
SCHEDULE_MINUTES = 5
SCHEDULE_EXPRESSION = f"rate({SCHEDULE_MINUTES} minutes)"
# A sweep that cannot start within its period is superseded by the next one.
SCHEDULE_EVENT_AGE_SECONDS = SCHEDULE_MINUTES * 60
SCHEDULE_RETRY_ATTEMPTS = 3
# A status change is the only news of a failed STANDARD run: EventBridge's maximums, then dead-letter.
STATUS_EVENT_AGE_SECONDS = 24 * 60 * 60
STATUS_RETRY_ATTEMPTS = 185


def watchdog_role(
    *,
    file_ledger_table: Table,
    redrive_state_machine: StateMachine,
    dead_letter_queue: Queue,
    log_group: LogGroup,
) -> Role:
    """Query the open-files index, read and conditionally update ledger items, start re-drives of the
    STANDARD machine and describe its executions, dead-letter its own failed invocations, write its logs."""
    return Role(
        ids.WATCHDOG_ROLE,
        AssumeRolePolicyDocument=_assumed_by("lambda.amazonaws.com"),
        Policies=[
            _inline(
                "Watchdog",
                [
                    _allow(
                        "QueryOpenFiles",
                        [dynamodb.Query],
                        [
                            Sub(
                                "${TableArn}/index/" + LEDGER_OPEN_INDEX,
                                TableArn=GetAtt(file_ledger_table, "Arn"),
                            )
                        ],
                    ),
                    _allow(
                        "EndStuckClaims",
                        [dynamodb.GetItem, dynamodb.UpdateItem],
                        [GetAtt(file_ledger_table, "Arn")],
                    ),
                    _allow("RedriveFiles", [states.StartExecution], [Ref(redrive_state_machine)]),
                    # A STANDARD claim older than the sweep's check: is its execution still running?
                    _allow(
                        "DescribeClaimingExecutions",
                        [states.DescribeExecution],
                        [
                            Sub(
                                "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${Name}:*",
                                Name=GetAtt(redrive_state_machine, "Name"),
                            )
                        ],
                    ),
                    _allow("DeadLetters", [sqs.SendMessage], [GetAtt(dead_letter_queue, "Arn")]),
                    _write_own_logs(log_group),
                ],
            )
        ],
    )


def _target(watchdog: Function, dead_letter_queue: Queue, *, age: int, attempts: int) -> Target:
    # A Lambda target is authorised by the function's resource policy (Permission), not a role.
    return Target(
        Id=ids.WATCHDOG_TARGET_ID,
        Arn=GetAtt(watchdog, "Arn"),
        RetryPolicy=RetryPolicy(MaximumEventAgeInSeconds=age, MaximumRetryAttempts=attempts),
        DeadLetterConfig=DeadLetterConfig(Arn=GetAtt(dead_letter_queue, "Arn")),
    )


def schedule_rule(*, watchdog: Function, dead_letter_queue: Queue) -> Rule:
    """Run the watchdog's sweep every SCHEDULE_MINUTES."""
    return Rule(
        ids.WATCHDOG_SCHEDULE_RULE,
        Description=f"Sweeps the sales pipeline's file ledger for stuck files every {SCHEDULE_MINUTES} min.",
        State="ENABLED",
        ScheduleExpression=SCHEDULE_EXPRESSION,
        Targets=[
            _target(
                watchdog, dead_letter_queue, age=SCHEDULE_EVENT_AGE_SECONDS, attempts=SCHEDULE_RETRY_ATTEMPTS
            )
        ],
    )


def execution_ended_pattern(*, state_machine: StateMachine) -> dict[str, object]:
    """Status changes of this STANDARD machine's executions that can leave a file open."""
    source, detail_type = STATUS_CHANGE
    return {
        "source": [source],
        "detail-type": [detail_type],
        "detail": {"status": list(ENDED_STATUSES), "stateMachineArn": [Ref(state_machine)]},
    }


def execution_ended_rule(
    *, watchdog: Function, state_machine: StateMachine, dead_letter_queue: Queue
) -> Rule:
    """Hand the watchdog each execution of the STANDARD machine that ended FAILED, TIMED_OUT or ABORTED."""
    return Rule(
        ids.EXECUTION_ENDED_RULE,
        Description="Tells the sales pipeline's watchdog of each large-file execution that failed, timed "
        "out or was stopped.",
        State="ENABLED",
        EventPattern=execution_ended_pattern(state_machine=state_machine),
        Targets=[
            _target(watchdog, dead_letter_queue, age=STATUS_EVENT_AGE_SECONDS, attempts=STATUS_RETRY_ATTEMPTS)
        ],
    )


def invoke_permission(title: str, *, watchdog: Function, rule: Rule) -> Permission:
    """Let EventBridge invoke the watchdog for this rule only."""
    return Permission(
        title,
        Action="lambda:InvokeFunction",
        FunctionName=GetAtt(watchdog, "Arn"),
        Principal="events.amazonaws.com",
        SourceArn=GetAtt(rule, "Arn"),
    )
