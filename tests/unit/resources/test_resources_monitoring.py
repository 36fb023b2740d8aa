"""Alarms on the dead-letter queue, the review queue and failed executions."""

from __future__ import annotations

from typing import Any

import pytest
from cfn_helpers import arn_of, props, ref

ALARM_ACTIONS = {"Fn::If": ["HasAlarmTopic", [ref("AlarmTopicArn")], ref("AWS::NoValue")]}


@pytest.mark.parametrize(
    ("alarm", "queue"),
    [("RuleDeadLetterQueueAlarm", "RuleDeadLetterQueue"), ("ReviewQueueAlarm", "ReviewQueue")],
)
def test_queue_alarm_fires_on_any_visible_message(resources: dict[str, Any], alarm: str, queue: str) -> None:
    # GIVEN a queue alarm
    properties = props(resources, alarm)
    # THEN it watches that queue's visible messages and fires on the first one
    assert (properties["Namespace"], properties["MetricName"]) == (
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
    )
    assert properties["Dimensions"] == [{"Name": "QueueName", "Value": arn_of(queue, "QueueName")}]
    assert (properties["ComparisonOperator"], properties["Threshold"]) == ("GreaterThanOrEqualToThreshold", 1)
    assert properties["AlarmActions"] == ALARM_ACTIONS


def test_failed_execution_alarm_watches_the_state_machine(resources: dict[str, Any]) -> None:
    # GIVEN the executions alarm
    properties = props(resources, "StateMachineFailedAlarm")
    # THEN any failed execution of StateMachine fires it
    assert (properties["Namespace"], properties["MetricName"]) == ("AWS/States", "ExecutionsFailed")
    assert properties["Dimensions"] == [{"Name": "StateMachineArn", "Value": ref("StateMachine")}]
    assert (properties["ComparisonOperator"], properties["Threshold"]) == ("GreaterThanThreshold", 0)
    assert properties["AlarmActions"] == ALARM_ACTIONS


def test_alarm_topic_is_optional(rendered: dict[str, Any]) -> None:
    # GIVEN the AlarmTopicArn parameter and the condition on it
    parameter = rendered["Parameters"]["AlarmTopicArn"]
    # THEN it defaults to empty, and alarms notify only when it is set
    assert parameter["Default"] == ""
    assert rendered["Conditions"]["HasAlarmTopic"] == {
        "Fn::Not": [{"Fn::Equals": [ref("AlarmTopicArn"), ""]}]
    }
