"""The watchdog's resources (F1/F11): least-privilege role on this stack's objects, its schedule, the
STANDARD executions' status-change rule, and who may invoke it. Fails before the watchdog change: none
of these resources existed."""

from __future__ import annotations

from typing import Any

from cfn_helpers import arn_of, grants, inline_statements, props, ref


def test_the_watchdog_may_do_only_what_it_does(resources: dict[str, Any]) -> None:
    # GIVEN the watchdog's role / THEN it grants exactly these, each on this stack's own resource
    assert grants(inline_statements(props(resources, "WatchdogRole"))) == {
        "QueryOpenFiles": (
            ["dynamodb:Query"],
            [{"Fn::Sub": ["${TableArn}/index/OpenFiles", {"TableArn": arn_of("FileLedgerTable")}]}],
        ),
        "EndStuckClaims": (["dynamodb:GetItem", "dynamodb:UpdateItem"], [arn_of("FileLedgerTable")]),
        "RedriveFiles": (["states:StartExecution"], [ref("StateMachine")]),
        "DescribeClaimingExecutions": (
            ["states:DescribeExecution"],
            [
                {
                    "Fn::Sub": [
                        "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${Name}:*",
                        {"Name": arn_of("StateMachine", "Name")},
                    ]
                }
            ],
        ),
        "DeadLetters": (["sqs:SendMessage"], [arn_of("RuleDeadLetterQueue")]),
        "WriteOwnLogs": (["logs:CreateLogStream", "logs:PutLogEvents"], [arn_of("WatchdogLogGroup")]),
    }


def test_the_function_knows_the_ledger_the_machine_and_the_bound(resources: dict[str, Any]) -> None:
    function = props(resources, "WatchdogFunction")
    assert function["Handler"] == "watchdog.handler"
    assert function["Environment"]["Variables"] == {
        "FILE_LEDGER_TABLE": ref("FileLedgerTable"),
        "REDRIVE_STATE_MACHINE_ARN": ref("StateMachine"),
        "MAX_REDRIVES": ref("MaxRedrives"),
    }
    assert function["ReservedConcurrentExecutions"] == 1
    assert function["DeadLetterConfig"] == {"TargetArn": arn_of("RuleDeadLetterQueue")}
    assert function["Role"] == arn_of("WatchdogRole")


def test_the_schedule_and_the_status_rule_invoke_it(resources: dict[str, Any]) -> None:
    schedule = props(resources, "WatchdogScheduleRule")
    assert schedule["ScheduleExpression"] == "rate(5 minutes)"
    ended = props(resources, "ExecutionEndedRule")
    # Only the STANDARD machine: Step Functions sends status changes for STANDARD workflows only
    assert ended["EventPattern"] == {
        "source": ["aws.states"],
        "detail-type": ["Step Functions Execution Status Change"],
        "detail": {"status": ["FAILED", "TIMED_OUT", "ABORTED"], "stateMachineArn": [ref("StateMachine")]},
    }
    for rule, permission in (
        ("WatchdogScheduleRule", "WatchdogSchedulePermission"),
        ("ExecutionEndedRule", "ExecutionEndedPermission"),
    ):
        [target] = props(resources, rule)["Targets"]
        assert target["Arn"] == arn_of("WatchdogFunction")
        assert target["DeadLetterConfig"] == {"Arn": arn_of("RuleDeadLetterQueue")}
        assert props(resources, permission) == {
            "Action": "lambda:InvokeFunction",
            "FunctionName": arn_of("WatchdogFunction"),
            "Principal": "events.amazonaws.com",
            "SourceArn": arn_of(rule),
        }
