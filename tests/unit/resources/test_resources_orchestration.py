"""StateMachine: the definition object, its substitutions, logging and tracing."""

from __future__ import annotations

from typing import Any

import pytest
from cfn_helpers import arn_of, props, ref

from resources import build_template, template_invariants
from workflow.names import integration_key

CONTRACT_SUBSTITUTIONS = {
    "ValidatorFunctionArn": arn_of("ValidatorFunction"),
    "StoreLargeFunctionArn": arn_of("StoreLargeFunction"),
    "OrdersTableName": ref("OrdersTable"),
    "FileLedgerTableName": ref("FileLedgerTable"),
    "ReviewQueueUrl": ref("ReviewQueue"),
    "Partition": ref("AWS::Partition"),
}


def test_definition_is_embedded_as_the_same_object(
    resources: dict[str, Any], definition: dict[str, Any]
) -> None:
    # GIVEN the state machine built around the minimal definition
    machine = props(resources, "StateMachine")
    # THEN the definition is the object itself, in the one form cfn-lint validates
    assert machine["Definition"] == definition
    assert "DefinitionString" not in machine
    assert "DefinitionS3Location" not in machine


def test_substitutions_fill_every_placeholder_from_this_stacks_resources(resources: dict[str, Any]) -> None:
    # GIVEN the state machine's substitutions
    substitutions = props(resources, "StateMachine")["DefinitionSubstitutions"]
    # THEN the contract's placeholders name the resources, and integrations are partition-free ARNs
    assert substitutions == {
        **CONTRACT_SUBSTITUTIONS,
        "LambdaInvokeArn": {"Fn::Sub": "arn:${AWS::Partition}:states:::lambda:invoke"},
        "DynamodbPutItemArn": {"Fn::Sub": "arn:${AWS::Partition}:states:::dynamodb:putItem"},
        "SqsSendMessageArn": {"Fn::Sub": "arn:${AWS::Partition}:states:::sqs:sendMessage"},
    }


@pytest.mark.parametrize(
    ("integration", "key"),
    [
        ("lambda:invoke", "LambdaInvokeArn"),
        ("dynamodb:putItem", "DynamodbPutItemArn"),
        ("sqs:sendMessage", "SqsSendMessageArn"),
        ("s3:getObject", "S3GetObjectArn"),
        ("states:startExecution", "StatesStartExecutionArn"),
    ],
)
def test_integration_placeholder_names(integration: str, key: str) -> None:
    # GIVEN a service integration / WHEN naming its placeholder / THEN the name is predictable
    assert integration_key(integration) == key


def test_unused_values_are_not_substituted_and_unknown_placeholders_are_reported(
    definition: dict[str, Any],
) -> None:
    # GIVEN a definition that drops the review queue and names an unknown placeholder
    review = definition["States"]["Batches"]["ItemProcessor"]["States"]["Review"]
    review["Parameters"]["QueueUrl"] = "${SomethingElse}"
    # WHEN building the template
    template = build_template(definition=definition)
    substitutions = template.to_dict()["Resources"]["StateMachine"]["Properties"]["DefinitionSubstitutions"]
    # THEN the unused value is left out and the unknown placeholder is reported, not invented
    assert "ReviewQueueUrl" not in substitutions
    assert "SomethingElse" not in substitutions
    assert template_invariants(template) == ["StateMachine: DefinitionSubstitutions lack SomethingElse"]


def test_building_does_not_change_the_callers_definition(definition: dict[str, Any]) -> None:
    # GIVEN a definition and a copy of it
    before = repr(definition)
    # WHEN building a template around it
    build_template(definition=definition)
    # THEN the caller's object is unchanged
    assert repr(definition) == before


def test_state_machine_is_standard_with_its_role_error_logging_and_tracing(resources: dict[str, Any]) -> None:
    # GIVEN the state machine
    machine = props(resources, "StateMachine")
    # THEN it is a STANDARD machine assuming StateMachineRole
    assert machine["StateMachineType"] == "STANDARD"
    assert machine["RoleArn"] == arn_of("StateMachineRole")
    assert "StateMachineName" not in machine
    # AND it logs errors without execution data (record content) to its own log group, and traces
    assert machine["LoggingConfiguration"] == {
        "Level": "ERROR",
        "IncludeExecutionData": False,
        "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": arn_of("StateMachineLogGroup")}}],
    }
    assert machine["TracingConfiguration"] == {"Enabled": True}


def test_state_machine_is_created_after_its_log_delivery_permissions(resources: dict[str, Any]) -> None:
    # GIVEN the state machine / THEN it waits for the policy Step Functions checks at creation
    assert resources["StateMachine"]["DependsOn"] == ["StateMachineDeliveryPolicy"]


def test_state_machine_log_group_is_a_vended_logs_group_named_per_stack(resources: dict[str, Any]) -> None:
    # GIVEN the state machine's log group
    log_group = props(resources, "StateMachineLogGroup")
    # THEN its name is under /aws/vendedlogs/ and unique per stack, with the stack's retention
    assert log_group["LogGroupName"] == {"Fn::Sub": "/aws/vendedlogs/states/${AWS::StackName}-StateMachine"}
    assert log_group["RetentionInDays"] == ref("LogRetentionDays")
