"""Alarms reach someone: AlarmEmail creates an encrypted SNS topic with an email subscription.
Fails before the change: the template had no topic, no subscription and no AlarmEmail."""

from __future__ import annotations

import argparse
import re
from typing import Any

from cfn_helpers import grants, props, ref, statements


def test_alarm_email_creates_the_topic_its_key_and_the_subscription(
    rendered: dict[str, Any], resources: dict[str, Any]
) -> None:
    # GIVEN the AlarmEmail parameter and its condition
    parameter = rendered["Parameters"]["AlarmEmail"]
    assert parameter["Default"] == ""
    assert rendered["Conditions"]["HasAlarmEmail"] == {"Fn::Not": [{"Fn::Equals": [ref("AlarmEmail"), ""]}]}
    # THEN the topic, its key and the subscription exist only when it is set
    for name in ("AlarmTopic", "AlarmTopicKey", "AlarmEmailSubscription"):
        assert resources[name]["Condition"] == "HasAlarmEmail", name
    # AND the topic is encrypted with the stack's own key, the email subscribed to it
    assert props(resources, "AlarmTopic")["KmsMasterKeyId"] == ref("AlarmTopicKey")
    assert "TopicName" not in props(resources, "AlarmTopic")
    assert props(resources, "AlarmEmailSubscription") == {
        "Protocol": "email",
        "Endpoint": ref("AlarmEmail"),
        "TopicArn": ref("AlarmTopic"),
    }


def test_the_key_lets_only_this_accounts_cloudwatch_alarms_use_it(resources: dict[str, Any]) -> None:
    # GIVEN the alarm topic's key
    key = props(resources, "AlarmTopicKey")
    assert key["EnableKeyRotation"] is True
    policy = statements(key["KeyPolicy"])
    # THEN the account administers it (AWS's default statement: IAM policies can then grant the key)
    assert policy["AccountAdministersKey"]["Principal"] == {
        "AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
    }
    # AND CloudWatch may encrypt with it (what publishing to an encrypted topic needs), for this account
    assert grants({"CloudWatchAlarmsPublish": policy["CloudWatchAlarmsPublish"]}) == {
        "CloudWatchAlarmsPublish": (["kms:Decrypt", "kms:GenerateDataKey"], ["*"])
    }
    assert policy["CloudWatchAlarmsPublish"]["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert policy["CloudWatchAlarmsPublish"]["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ref("AWS::AccountId")}
    }
    assert set(policy) == {"AccountAdministersKey", "CloudWatchAlarmsPublish"}


def test_alarm_email_pattern(rendered: dict[str, Any]) -> None:
    pattern = re.compile(rendered["Parameters"]["AlarmEmail"]["AllowedPattern"])
    for good in ("", "ops@example.com", "a.b+alerts@sub.example.org"):
        assert pattern.fullmatch(good), good
    for bad in ("ops", "ops@", "@example.com", "ops@example", "two words@example.com"):
        assert not pattern.fullmatch(bad), bad


def test_every_command_an_alarm_names_is_one_the_user_has(resources: dict[str, Any]) -> None:
    """An alarm tells the operator what to run: an installed `sales-pipeline` command and subcommand.
    Failure class: a description naming an entry point the documents no longer teach (fails before this
    change: ReviewQueueAlarm and RejectionRatioAlarm said `python -m review export` / `summary`)."""
    from review import cli
    from sales_pipeline.main import COMMANDS

    [subcommands] = [
        action.choices
        for action in cli.parser("review")._actions
        if isinstance(action, argparse._SubParsersAction)
    ]
    named = {
        (name, command)
        for name, resource in resources.items()
        if resource["Type"] == "AWS::CloudWatch::Alarm"
        for command in re.findall(r"`([^`]+)`", resource["Properties"].get("AlarmDescription", ""))
    }
    assert {command for _, command in named} >= {
        "sales-pipeline review export",
        "sales-pipeline review summary",
    }
    for name, command in named:
        words = command.split()
        assert words[0] == "sales-pipeline" and words[1] in COMMANDS, (name, command)
        assert words[1] != "review" or words[2] in subcommands, (name, command)
