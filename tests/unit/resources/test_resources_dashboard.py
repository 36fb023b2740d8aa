"""The dashboard (every metric it names is emitted by the validator or published by AWS) and the
rejection-ratio alarm."""

from __future__ import annotations

import json
import re
from typing import Any

from cfn_helpers import arn_of, props, ref

from handlers.adapters import metrics
from handlers.recordcontract.buildcheck import contract_reason_codes
from handlers.seams.settings import FILE_REASONS, RECORD_REASONS
from handlers.seams.watchdogsignals import FILES_MARKED_FAILED, FILES_REDRIVEN, REDRIVES_EXHAUSTED

# The AWS-published metrics the dashboard relies on: (namespace, metric, dimension names), each from
# the service's CloudWatch metrics documentation (SQS "Available CloudWatch metrics for Amazon SQS",
# Step Functions "Execution metrics", Lambda "Invocation/Performance metrics", DynamoDB
# "ConditionalCheckFailedRequests" with dimension TableName).
AWS_PUBLISHED = {
    ("AWS/SQS", "ApproximateNumberOfMessagesVisible", ("QueueName",)),
    ("AWS/SQS", "ApproximateAgeOfOldestMessage", ("QueueName",)),
    ("AWS/States", "ExecutionsFailed", ("StateMachineArn",)),
    ("AWS/States", "ExecutionsTimedOut", ("StateMachineArn",)),
    ("AWS/States", "ExecutionsAborted", ("StateMachineArn",)),
    ("AWS/States", "ExecutionsSucceeded", ("StateMachineArn",)),
    ("AWS/Lambda", "Duration", ("FunctionName",)),
    ("AWS/Lambda", "Errors", ("FunctionName",)),
    ("AWS/Lambda", "Throttles", ("FunctionName",)),
    ("AWS/DynamoDB", "ConditionalCheckFailedRequests", ("TableName",)),
}
# What the validator's EMF documents emit (handlers/adapters/metrics.py): metric names per dimension set.
EMITTED_PER_FILE = set(metrics.FILE_METRICS)
# What the watchdog's EMF document emits (handlers/flows/sweep.py), dimension FunctionName = the watchdog.
WATCHDOG_EMITTED = {FILES_MARKED_FAILED, FILES_REDRIVEN, REDRIVES_EXHAUSTED}
EMITTED_PER_REASON = {
    # the fixed reasons and the shipped contract's own codes (x-reason), whatever it holds
    metrics.REJECTED_RECORDS: set(RECORD_REASONS) | set(contract_reason_codes()),
    metrics.FILE_REJECTIONS: set(FILE_REASONS),
}


def _body(resources: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the body with each ${Name} replaced by <Name>, the Fn::Sub variables)."""
    text, variables = props(resources, "PipelineDashboard")["DashboardBody"]["Fn::Sub"]
    return json.loads(re.sub(r"\$\{([^}]+)\}", r"<\1>", text)), variables


def _metric_lines(body: dict[str, Any]) -> list[list[Any]]:
    """Every metric line ([namespace, name, dimension, value, ..., {options}?]); expressions left out."""
    lines = [line for widget in body["widgets"] for line in widget["properties"]["metrics"]]
    named = [line for line in lines if isinstance(line[0], str)]
    return [[part for part in line if not isinstance(part, dict)] for line in named]


def test_every_metric_on_the_dashboard_is_emitted_or_published(resources: dict[str, Any]) -> None:
    # GIVEN the dashboard's metric lines
    body, _ = _body(resources)
    lines = _metric_lines(body)
    assert len(lines) > 20

    for namespace, name, *dimensions in lines:
        names, values = tuple(dimensions[0::2]), dict(zip(dimensions[0::2], dimensions[1::2], strict=True))
        if namespace == metrics.NAMESPACE:
            # THEN the validator's own metrics are named and dimensioned as its EMF documents are
            if values[metrics.FUNCTION_DIMENSION] == "<WatchdogName>":
                assert names == (metrics.FUNCTION_DIMENSION,) and name in WATCHDOG_EMITTED, name
                continue
            assert values[metrics.FUNCTION_DIMENSION] == "<ValidatorName>"
            if names == (metrics.FUNCTION_DIMENSION,):
                assert name in EMITTED_PER_FILE, name
            else:
                assert names == (metrics.FUNCTION_DIMENSION, metrics.REASON_DIMENSION), names
                assert values[metrics.REASON_DIMENSION] in EMITTED_PER_REASON[name], (name, values)
        else:
            # THEN every other one is a metric AWS publishes, with its dimensions
            assert (namespace, name, names) in AWS_PUBLISHED, (namespace, name, names)


def test_the_dashboard_shows_what_an_operator_asks_for(resources: dict[str, Any]) -> None:
    body, _ = _body(resources)
    named = {(line[0], line[1]) for line in _metric_lines(body)}
    # records in / valid / rejected, every validator reason, executions failed, the queues, the function
    own = ("Records", "ValidRecords", "RejectedRecords", "FileRejections")
    assert {("SalesPipeline", m) for m in own} <= named
    assert ("AWS/States", "ExecutionsFailed") in named
    assert ("AWS/SQS", "ApproximateAgeOfOldestMessage") in named
    assert {("AWS/Lambda", "Duration"), ("AWS/Lambda", "Errors")} <= named
    reasons = {line[5] for line in _metric_lines(body) if len(line) > 5}
    assert reasons == (set(RECORD_REASONS) - {"conflict"}) | set(FILE_REASONS) | set(contract_reason_codes())
    queues = {line[3] for line in _metric_lines(body) if line[0] == "AWS/SQS"}
    assert queues == {"<ReviewQueueName>", "<DeadLetterQueueName>"}
    titles = [widget["properties"]["title"] for widget in body["widgets"]]
    assert len(titles) == len(set(titles)) == 10


def test_the_dashboard_covers_both_state_machines_and_the_watchdog(resources: dict[str, Any]) -> None:
    """SmallFileStateMachine (every file up to 64 KiB) is on the dashboard, with every
    way an execution ends. Fails before the change (only StateMachine was shown)."""
    body, _ = _body(resources)
    executions = {(line[3], line[1]) for line in _metric_lines(body) if line[0] == "AWS/States"}
    outcomes = ("ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted", "ExecutionsSucceeded")
    assert executions == {
        (machine, outcome)
        for machine in ("<StateMachineArn>", "<SmallFileStateMachineArn>")
        for outcome in outcomes
    }
    watchdog = {line[1] for line in _metric_lines(body) if line[3] == "<WatchdogName>"}
    assert watchdog == WATCHDOG_EMITTED | {"Errors"}


def test_the_body_names_resources_by_object_and_nothing_regional(resources: dict[str, Any]) -> None:
    # GIVEN the Fn::Sub variables and the body text
    text, variables = props(resources, "PipelineDashboard")["DashboardBody"]["Fn::Sub"]
    # THEN each placeholder is a variable (or the region pseudo parameter), each variable a resource
    placeholders = set(re.findall(r"\$\{([^}]+)\}", text))
    assert placeholders == set(variables) | {"AWS::Region"}
    assert variables == {
        "ValidatorName": ref("ValidatorFunction"),
        "OrdersTableName": ref("OrdersTable"),
        "ReviewQueueName": arn_of("ReviewQueue", "QueueName"),
        "DeadLetterQueueName": arn_of("RuleDeadLetterQueue", "QueueName"),
        "StateMachineArn": ref("StateMachine"),
        "SmallFileStateMachineArn": ref("SmallFileStateMachine"),
        "WatchdogName": ref("WatchdogFunction"),
    }
    assert not re.search(r"(us|eu|ap|sa|ca|me|af)-[a-z]+-\d|arn:aws|\d{12}", text)
    assert "DashboardName" not in props(resources, "PipelineDashboard")  # no name to collide


def test_rejection_ratio_alarm_divides_rejected_by_records_against_the_parameter(
    rendered: dict[str, Any], resources: dict[str, Any]
) -> None:
    # GIVEN the alarm and its parameter
    properties = props(resources, "RejectionRatioAlarm")
    parameter = rendered["Parameters"]["RejectionRatioAlarmThreshold"]

    # THEN it is metric math over the validator's own counts, compared with the parameter
    queries = {query["Id"]: query for query in properties["Metrics"]}
    for query_id, metric_name in (("records", "Records"), ("rejected", "RejectedRecords")):
        stat = queries[query_id]["MetricStat"]
        assert stat["Metric"] == {
            "Namespace": "SalesPipeline",
            "MetricName": metric_name,
            "Dimensions": [{"Name": "FunctionName", "Value": ref("ValidatorFunction")}],
        }
        assert stat["Stat"] == "Sum" and queries[query_id]["ReturnData"] is False
    expression = queries["ratio"]["Expression"]
    assert expression == "IF(FILL(records, 0) > 0, FILL(rejected, 0) / FILL(records, 0), 0)"
    assert queries["ratio"]["ReturnData"] is True
    assert properties["Threshold"] == ref("RejectionRatioAlarmThreshold")
    assert properties["ComparisonOperator"] == "GreaterThanThreshold"
    assert properties["TreatMissingData"] == "notBreaching"
    assert (parameter["Type"], parameter["MinValue"], parameter["MaxValue"]) == ("Number", 0, 1)
    assert 0 < float(parameter["Default"]) < 1
