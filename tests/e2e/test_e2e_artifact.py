"""The deployed stack is output/ unchanged, except the one documented rewrite for moto's ASL grammar."""

from __future__ import annotations

import json
import re
from typing import Any

import boto3
import pytest

from emulator import DeployedStack, not_emulated
from emulator.deploy import deploy
from emulator.limits import UNSUPPORTED_RESOURCE_TYPES
from emulator.patches.asl_grammar import moto_compatible_definition

from .conftest import TEMPLATE

pytestmark = pytest.mark.e2e

ASL_FILE = TEMPLATE.parent / "statemachine.asl.json"


def _matches(expected: Any, actual: Any) -> bool:
    """Equal, where an expected string's `${Placeholder}`s may stand for any substituted text."""
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and expected.keys() == actual.keys()
            and all(_matches(v, actual[k]) for k, v in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list) and len(expected) == len(actual) and all(map(_matches, expected, actual))
        )
    if isinstance(expected, str) and "${" in expected:
        pattern = ".+".join(re.escape(part) for part in re.split(r"\$\{[^}]+\}", expected))
        return isinstance(actual, str) and re.fullmatch(pattern, actual) is not None
    return type(expected) is type(actual) and expected == actual


def test_deployed_definition_is_the_rendered_asl_with_only_the_documented_rewrite(
    stack: DeployedStack,
) -> None:
    asl = json.loads(ASL_FILE.read_text())
    described = stack.clients.stepfunctions.describe_state_machine(
        stateMachineArn=stack.output("StateMachineArn")
    )
    deployed = json.loads(described["definition"])
    assert _matches(moto_compatible_definition(asl), deployed)
    assert "${" not in described["definition"]


def test_every_template_resource_is_deployed_except_the_listed_unsupported_types(
    stack: DeployedStack,
) -> None:
    resources = json.loads(TEMPLATE.read_text())["Resources"]
    expected = {name for name, r in resources.items() if r["Type"] not in UNSUPPORTED_RESOURCE_TYPES}
    # Resources with a Condition (the alarm topic for AlarmEmail) exist only when it holds: below.
    conditional = {name for name, r in resources.items() if "Condition" in r}
    assert set(stack.resources) == expected - conditional
    assert {name for name, _ in not_emulated(TEMPLATE)} == set(resources) - expected


def test_alarm_email_deploys_the_encrypted_alarm_topic(stack: DeployedStack) -> None:
    """With AlarmEmail set, the stack creates AlarmTopic (KMS-encrypted with
    AlarmTopicKey) and subscribes the address (moto skips the subscription: emulator/limits.py)."""
    # GIVEN a second stack deployed with AlarmEmail
    emailed = deploy(stack.clients, TEMPLATE, parameters={"AlarmEmail": "ops@example.com"})
    resources = json.loads(TEMPLATE.read_text())["Resources"]
    conditional = {name for name, r in resources.items() if r.get("Condition") == "HasAlarmEmail"}
    assert conditional == {"AlarmTopic", "AlarmTopicKey", "AlarmEmailSubscription"}
    # THEN every conditional resource moto can create is there, the topic encrypted with the key
    assert conditional - set(emailed.resources) == {"AlarmEmailSubscription"}
    sns = boto3.client(
        "sns",
        endpoint_url=stack.clients.s3.meta.endpoint_url,
        region_name=stack.clients.s3.meta.region_name,
        aws_access_key_id="emulator",
        aws_secret_access_key="emulator",
    )
    attributes = sns.get_topic_attributes(TopicArn=emailed.resources["AlarmTopic"])["Attributes"]
    assert attributes["KmsMasterKeyId"] == emailed.resources["AlarmTopicKey"]


def test_stack_has_every_contract_output(stack: DeployedStack) -> None:
    contract = {
        "BucketName",
        "OrdersTableName",
        "FileLedgerTableName",
        "ReviewQueueUrl",
        "StateMachineArn",
        "RuleDeadLetterQueueUrl",
        "DashboardUrl",
    }
    assert contract <= set(stack.outputs)
    # The dashboard's console address in the stack's partition (moto's is "aws") and region
    assert re.fullmatch(
        r"https://console\.aws\.amazon\.com/cloudwatch/home\?region=[a-z0-9-]+#dashboards/dashboard/\S+",
        stack.output("DashboardUrl"),
    ), stack.output("DashboardUrl")
