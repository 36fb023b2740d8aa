"""The whole template: contract logical IDs, outputs, parameters and determinism.

No account, region or partition literal: build.py scans every rendered file (tests/unit/test_build.py).
"""

from __future__ import annotations

import json
import re
from typing import Any

from cfn_helpers import arn_of, ref

from resources import build_template, template_invariants
from resources.parameters import LOG_RETENTION_ALLOWED_DAYS

CONTRACT_RESOURCES = {
    "IngestBucket": "AWS::S3::Bucket",
    "IngestBucketPolicy": "AWS::S3::BucketPolicy",
    "OrdersTable": "AWS::DynamoDB::Table",
    "FileLedgerTable": "AWS::DynamoDB::Table",
    "ReviewQueue": "AWS::SQS::Queue",
    "ReviewQueuePolicy": "AWS::SQS::QueuePolicy",
    "RuleDeadLetterQueue": "AWS::SQS::Queue",
    "RuleDeadLetterQueuePolicy": "AWS::SQS::QueuePolicy",
    "ValidatorFunction": "AWS::Lambda::Function",
    "ValidatorRole": "AWS::IAM::Role",
    "ValidatorLogGroup": "AWS::Logs::LogGroup",
    "StoreLargeFunction": "AWS::Lambda::Function",
    "StoreLargeRole": "AWS::IAM::Role",
    "StoreLargeLogGroup": "AWS::Logs::LogGroup",
    "StateMachine": "AWS::StepFunctions::StateMachine",
    "StateMachineRole": "AWS::IAM::Role",
    "StateMachineLogGroup": "AWS::Logs::LogGroup",
    "ObjectCreatedRule": "AWS::Events::Rule",
    "ObjectCreatedRuleRole": "AWS::IAM::Role",
}


def test_contract_logical_ids_have_their_types(resources: dict[str, Any]) -> None:
    # GIVEN the logical IDs docs/seams.md makes API / THEN each exists with its type
    assert {name: resources.get(name, {}).get("Type") for name in CONTRACT_RESOURCES} == CONTRACT_RESOURCES


def test_outputs_are_exactly_the_contracts(rendered: dict[str, Any]) -> None:
    # GIVEN the outputs / THEN they are the contract's, each naming its resource
    assert {name: output["Value"] for name, output in rendered["Outputs"].items()} == {
        "BucketName": ref("IngestBucket"),
        "OrdersTableName": ref("OrdersTable"),
        "FileLedgerTableName": ref("FileLedgerTable"),
        "ReviewQueueUrl": ref("ReviewQueue"),
        "StateMachineArn": ref("StateMachine"),
        "SmallFileStateMachineArn": ref("SmallFileStateMachine"),
        "RuleDeadLetterQueueUrl": ref("RuleDeadLetterQueue"),
        "DashboardUrl": {
            "Fn::Sub": [
                "https://${Console}/cloudwatch/home?region=${AWS::Region}#dashboards/dashboard/${Dashboard}",
                {
                    "Console": {"Fn::FindInMap": ["PartitionConsole", ref("AWS::Partition"), "Domain"]},
                    "Dashboard": ref("PipelineDashboard"),
                },
            ]
        },
    }
    assert arn_of("StateMachine") not in [output["Value"] for output in rendered["Outputs"].values()]


def test_parameters_have_defaults_a_user_can_deploy_with(rendered: dict[str, Any]) -> None:
    # GIVEN the parameters
    parameters = rendered["Parameters"]
    # THEN every one has a default, and log retention is limited to CloudWatch's values
    assert {name: "Default" in parameter for name, parameter in parameters.items()} == {
        "LogRetentionDays": True,
        "WorkRetentionDays": True,
        "ClaimRetentionDays": True,
        "ValidatorMemorySize": True,
        "ValidatorReservedConcurrency": True,
        "MaxRejectedRecords": True,
        "MaxFileBytes": True,
        "LedgerRetentionDays": True,
        "AlarmTopicArn": True,
        "ReplayWriterArns": True,
        "RejectionRatioAlarmThreshold": True,
        "AlarmEmail": True,
        "MessageAgeAlarmDays": True,
        "MaxRedrives": True,
        "Tracing": True,
        "LambdaSystemLogLevel": True,
    }
    log_retention = parameters["LogRetentionDays"]
    assert log_retention["AllowedValues"] == [str(days) for days in LOG_RETENTION_ALLOWED_DAYS]
    assert log_retention["Default"] in log_retention["AllowedValues"]
    assert parameters["WorkRetentionDays"]["MinValue"] >= 1


def test_alarm_topic_pattern_accepts_empty_or_an_sns_arn_of_any_partition(rendered: dict[str, Any]) -> None:
    # GIVEN the AlarmTopicArn pattern
    pattern = re.compile(rendered["Parameters"]["AlarmTopicArn"]["AllowedPattern"])
    # THEN it accepts no topic and topics in any partition, and rejects other ARNs
    partition_arn = "arn:" + "aws-cn" + ":sns:" + "cn-north-1" + ":" + "0" * 12 + ":alarms"
    assert pattern.fullmatch("")
    assert pattern.fullmatch(partition_arn)
    assert not pattern.fullmatch(partition_arn.replace(":sns:", ":sqs:"))


def test_rendering_is_deterministic(definition: dict[str, Any]) -> None:
    # GIVEN two templates built from the same definition
    first = build_template(definition=definition)
    second = build_template(definition=definition)
    # WHEN serialised as build.py does / THEN the bytes are identical
    assert json.dumps(first.to_dict(), indent=2, sort_keys=True) == json.dumps(
        second.to_dict(), indent=2, sort_keys=True
    )


def test_built_template_has_no_invariant_violation(template: Any) -> None:
    # GIVEN the built template / WHEN checking its invariants / THEN there is none
    assert template_invariants(template) == []
