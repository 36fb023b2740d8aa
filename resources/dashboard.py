"""The CloudWatch dashboard's body: widgets over the validator's EMF metrics and the metrics AWS publishes.

The body is JSON text for Fn::Sub: `${AWS::Region}` and the `${...}` names below are filled by
CloudFormation, so nothing region-, account- or stack-specific is literal.
"""

from __future__ import annotations

import json
from typing import Any

from handlers.adapters import metrics
from handlers.recordcontract.buildcheck import contract_reason_codes
from handlers.seams.settings import FILE_REASONS, REASON_CONFLICT, RECORD_REASONS
from handlers.seams.watchdogsignals import FILES_MARKED_FAILED, FILES_REDRIVEN, REDRIVES_EXHAUSTED

# Fn::Sub variables the body uses (resources/monitoring.py fills each from a resource object).
VALIDATOR = "ValidatorName"
ORDERS_TABLE = "OrdersTableName"
REVIEW_QUEUE = "ReviewQueueName"
DEAD_LETTER_QUEUE = "DeadLetterQueueName"
STATE_MACHINE = "StateMachineArn"
SMALL_FILE_STATE_MACHINE = "SmallFileStateMachineArn"
WATCHDOG = "WatchdogName"
VARIABLES = (
    VALIDATOR,
    ORDERS_TABLE,
    REVIEW_QUEUE,
    DEAD_LETTER_QUEUE,
    STATE_MACHINE,
    SMALL_FILE_STATE_MACHINE,
    WATCHDOG,
)
# Every way an execution ends, per state machine (AWS/States, dimension StateMachineArn).
EXECUTION_OUTCOMES = ("ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted", "ExecutionsSucceeded")
PERIOD_SECONDS = 300
RIGHT_AXIS = {"yAxis": "right"}
# Records stored: valid ones less those whose put condition failed (conflicts); identical re-puts succeed.
STORED_EXPRESSION = "FILL(valid, 0) - FILL(conflicts, 0)"
# Record reasons the validator counts (a conflict is found later, by DynamoDB's put condition).
VALIDATOR_RECORD_REASONS = tuple(reason for reason in RECORD_REASONS if reason != REASON_CONFLICT)


def record_reasons() -> tuple[str, ...]:
    """The validator's record reasons, then the shipped contract's own codes (x-reason), sorted."""
    return (*VALIDATOR_RECORD_REASONS, *contract_reason_codes())


def _var(name: str) -> str:
    return "${" + name + "}"


def _own(metric: str, *, reason: str | None = None, **options: Any) -> list[Any]:
    line: list[Any] = [metrics.NAMESPACE, metric, metrics.FUNCTION_DIMENSION, _var(VALIDATOR)]
    if reason is not None:
        line += [metrics.REASON_DIMENSION, reason]
    return [*line, options] if options else line


def _widget(
    title: str, lines: list[list[Any]], *, x: int, y: int, stat: str = "Sum", **extra: Any
) -> dict[str, Any]:
    return {
        "type": "metric",
        "x": x,
        "y": y,
        "width": 12,
        "height": 6,
        "properties": {
            "title": title,
            "region": "${AWS::Region}",
            "view": "timeSeries",
            "stat": stat,
            "period": PERIOD_SECONDS,
            "metrics": lines,
            **extra,
        },
    }


def widgets() -> list[dict[str, Any]]:
    conflicts = [
        "AWS/DynamoDB",
        "ConditionalCheckFailedRequests",
        "TableName",
        _var(ORDERS_TABLE),
        {"id": "conflicts", "label": "conflict (put condition failed)"},
    ]
    return [
        _widget(
            "Records in / stored / rejected",
            [
                _own(metrics.RECORDS, id="records", label="records in"),
                _own(metrics.VALID_RECORDS, id="valid", label="valid"),
                _own(metrics.REJECTED_RECORDS, id="rejected", label="rejected by the validator"),
                conflicts,
                [{"expression": STORED_EXPRESSION, "id": "stored", "label": "stored (valid - conflicts)"}],
            ],
            x=0,
            y=0,
        ),
        _widget(
            "Rejected records by reason",
            [
                *(_own(metrics.REJECTED_RECORDS, reason=r, label=r) for r in record_reasons()),
                conflicts,
            ],
            x=12,
            y=0,
        ),
        _widget(
            "Files rejected whole, by reason",
            [_own(metrics.FILE_REJECTIONS, reason=r, label=r) for r in FILE_REASONS],
            x=0,
            y=6,
        ),
        _widget(
            "Executions: large-file lane (StateMachine, STANDARD)",
            [["AWS/States", name, "StateMachineArn", _var(STATE_MACHINE)] for name in EXECUTION_OUTCOMES],
            x=12,
            y=6,
        ),
        _widget(
            "Review queue: depth and age of the oldest message",
            [
                ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", _var(REVIEW_QUEUE)],
                ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", _var(REVIEW_QUEUE), RIGHT_AXIS],
            ],
            x=0,
            y=12,
            stat="Maximum",
        ),
        _widget(
            "Rule dead-letter queue: undelivered upload events",
            [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", _var(DEAD_LETTER_QUEUE)]],
            x=12,
            y=12,
            stat="Maximum",
        ),
        _widget(
            "Validator duration (ms)",
            [
                *(
                    ["AWS/Lambda", "Duration", "FunctionName", _var(VALIDATOR), {"stat": stat, "label": stat}]
                    for stat in ("p99", "Average")
                ),
                _own(metrics.DURATION, stat="Maximum", label="longest file"),
            ],
            x=0,
            y=18,
        ),
        _widget(
            "Validator errors and throttles",
            [["AWS/Lambda", name, "FunctionName", _var(VALIDATOR)] for name in ("Errors", "Throttles")],
            x=12,
            y=18,
        ),
        _widget(
            "Executions: small-file lane (SmallFileStateMachine, EXPRESS)",
            [
                ["AWS/States", name, "StateMachineArn", _var(SMALL_FILE_STATE_MACHINE)]
                for name in EXECUTION_OUTCOMES
            ],
            x=0,
            y=24,
        ),
        _widget(
            "Watchdog: stuck files marked FAILED, re-driven, given up",
            [
                *(
                    [metrics.NAMESPACE, name, metrics.FUNCTION_DIMENSION, _var(WATCHDOG)]
                    for name in (FILES_MARKED_FAILED, FILES_REDRIVEN, REDRIVES_EXHAUSTED)
                ),
                ["AWS/Lambda", "Errors", "FunctionName", _var(WATCHDOG), {"label": "watchdog errors"}],
            ],
            x=12,
            y=24,
        ),
    ]


def body_text() -> str:
    """The dashboard body as JSON text with `${...}` placeholders for Fn::Sub."""
    return json.dumps({"widgets": widgets()}, sort_keys=True)
