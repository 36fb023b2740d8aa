"""Every alarm: its metric, threshold and action (alarms that reach someone, the watchdog)."""

from __future__ import annotations

from typing import Any

import pytest
from cfn_helpers import arn_of, props, ref

# Every alarm notifies the given topic (AlarmTopicArn), the created one (AlarmEmail), both, or none.
ALARM_ACTIONS = {
    "Fn::If": [
        "HasAlarmTopic",
        {"Fn::If": ["HasAlarmEmail", [ref("AlarmTopicArn"), ref("AlarmTopic")], [ref("AlarmTopicArn")]]},
        {"Fn::If": ["HasAlarmEmail", [ref("AlarmTopic")], ref("AWS::NoValue")]},
    ]
}
ABOVE_ZERO = ("GreaterThanThreshold", 0)

# alarm -> (namespace, metric, dimension name, dimension value, statistic, periods, (operator, threshold))
SINGLE_METRIC_ALARMS: dict[str, tuple[Any, ...]] = {
    "RuleDeadLetterQueueAlarm": (
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        "QueueName",
        arn_of("RuleDeadLetterQueue", "QueueName"),
        "Maximum",
        1,
        ("GreaterThanOrEqualToThreshold", 1),
    ),
    **{
        f"{machine}{kind}Alarm": (
            "AWS/States",
            f"Executions{kind}",
            "StateMachineArn",
            ref(machine),
            "Sum",
            1,
            ABOVE_ZERO,
        )
        for machine in ("StateMachine", "SmallFileStateMachine")
        for kind in ("Failed", "TimedOut", "Aborted")
    },
    "ValidatorErrorsAlarm": (
        "AWS/Lambda",
        "Errors",
        "FunctionName",
        ref("ValidatorFunction"),
        "Sum",
        1,
        ABOVE_ZERO,
    ),
    "ValidatorThrottlesAlarm": (
        "AWS/Lambda",
        "Throttles",
        "FunctionName",
        ref("ValidatorFunction"),
        "Sum",
        3,
        ABOVE_ZERO,
    ),
    "WatchdogErrorsAlarm": (
        "AWS/Lambda",
        "Errors",
        "FunctionName",
        ref("WatchdogFunction"),
        "Sum",
        1,
        ABOVE_ZERO,
    ),
    "RedrivesExhaustedAlarm": (
        "SalesPipeline",
        "RedrivesExhausted",
        "FunctionName",
        ref("WatchdogFunction"),
        "Sum",
        1,
        ABOVE_ZERO,
    ),
}
AGE_ALARMS = {"ReviewQueueAlarm": "ReviewQueue", "RuleDeadLetterQueueAgeAlarm": "RuleDeadLetterQueue"}


def _alarms(resources: dict[str, Any]) -> set[str]:
    return {name for name, resource in resources.items() if resource["Type"] == "AWS::CloudWatch::Alarm"}


def test_these_are_all_the_alarms(resources: dict[str, Any]) -> None:
    # GIVEN the template's alarms / THEN each is pinned below (RejectionRatioAlarm: test_resources_dashboard)
    assert _alarms(resources) == set(SINGLE_METRIC_ALARMS) | set(AGE_ALARMS) | {"RejectionRatioAlarm"}


@pytest.mark.parametrize("alarm", sorted(SINGLE_METRIC_ALARMS))
def test_single_metric_alarm(resources: dict[str, Any], alarm: str) -> None:
    """Alarms that reach someone: timed-out and aborted executions of both machines, validator errors and
    throttles, the watchdog's errors and exhausted re-drives alarm. Fails before the change (none of
    TimedOut/Aborted/Errors/Throttles/RedrivesExhausted was alarmed)."""
    namespace, metric, dimension, value, statistic, periods, (operator, threshold) = SINGLE_METRIC_ALARMS[
        alarm
    ]
    properties = props(resources, alarm)
    assert (properties["Namespace"], properties["MetricName"]) == (namespace, metric)
    assert properties["Dimensions"] == [{"Name": dimension, "Value": value}]
    assert (properties["Statistic"], properties["Period"]) == (statistic, 300)
    assert properties["EvaluationPeriods"] == periods
    assert properties.get("DatapointsToAlarm", periods) == periods
    assert (properties["ComparisonOperator"], properties["Threshold"]) == (operator, threshold)
    assert properties["TreatMissingData"] == "notBreaching"
    assert properties["AlarmActions"] == properties["OKActions"] == ALARM_ACTIONS


@pytest.mark.parametrize("alarm", sorted(AGE_ALARMS))
def test_age_alarm_fires_before_sqs_drops_the_message(
    rendered: dict[str, Any], resources: dict[str, Any], alarm: str
) -> None:
    """The oldest message's age, in days, against MessageAgeAlarmDays (default 7 of
    SQS's 14-day retention). ReviewQueueAlarm no longer fires on any message. Fails before the change
    (ReviewQueueAlarm watched ApproximateNumberOfMessagesVisible >= 1)."""
    properties = props(resources, alarm)
    queries = {query["Id"]: query for query in properties["Metrics"]}
    assert queries["age"]["MetricStat"] == {
        "Metric": {
            "Namespace": "AWS/SQS",
            "MetricName": "ApproximateAgeOfOldestMessage",
            "Dimensions": [{"Name": "QueueName", "Value": arn_of(AGE_ALARMS[alarm], "QueueName")}],
        },
        "Period": 300,
        "Stat": "Maximum",
    }
    assert queries["age"]["ReturnData"] is False
    assert (queries["days"]["Expression"], queries["days"]["ReturnData"]) == ("age / 86400", True)
    assert (properties["ComparisonOperator"], properties["Threshold"]) == (
        "GreaterThanOrEqualToThreshold",
        ref("MessageAgeAlarmDays"),
    )
    assert properties["AlarmActions"] == properties["OKActions"] == ALARM_ACTIONS
    parameter = rendered["Parameters"]["MessageAgeAlarmDays"]
    assert (parameter["Default"], parameter["MinValue"], parameter["MaxValue"]) == ("7", 1, 13)


def test_every_alarm_notifies_the_same_actions(resources: dict[str, Any]) -> None:
    for alarm in _alarms(resources):
        assert props(resources, alarm)["AlarmActions"] == ALARM_ACTIONS, alarm


def test_alarm_topic_is_optional(rendered: dict[str, Any]) -> None:
    # GIVEN the AlarmTopicArn parameter and the condition on it
    parameter = rendered["Parameters"]["AlarmTopicArn"]
    # THEN it defaults to empty, and alarms notify only when it is set
    assert parameter["Default"] == ""
    assert rendered["Conditions"]["HasAlarmTopic"] == {
        "Fn::Not": [{"Fn::Equals": [ref("AlarmTopicArn"), ""]}]
    }
