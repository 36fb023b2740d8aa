"""StateMachine: the definition object, its substitutions, logging and tracing."""

from __future__ import annotations

from typing import Any

import pytest
from cfn_helpers import arn_of, props, ref

from resources import build_template, references, template_invariants
from workflow.names import integration_key, service

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
        # AWS SDK integrations and integration patterns: still one alphanumeric substitution key
        ("aws-sdk:s3:getObject", "AwsSdkS3GetObjectArn"),
        ("aws-sdk:dynamodb:transactWriteItems", "AwsSdkDynamodbTransactWriteItemsArn"),
        ("states:startExecution.sync:2", "StatesStartExecutionSync2Arn"),
        ("sqs:sendMessage.waitForTaskToken", "SqsSendMessageWaitForTaskTokenArn"),
    ],
)
def test_integration_placeholder_names(integration: str, key: str) -> None:
    # GIVEN a service integration / WHEN naming its placeholder / THEN the name is predictable
    assert integration_key(integration) == key
    # AND CloudFormation can substitute it (a key of letters and digits) as one whole Task Resource
    assert key.isalnum()


@pytest.mark.parametrize("integration", ["s3", "getObject", ":", "aws-sdk"])
def test_an_integration_without_service_and_action_is_refused(integration: str) -> None:
    with pytest.raises(ValueError, match="service:action"):
        integration_key(integration)


def test_an_aws_sdk_integration_gets_its_substitution(definition: dict[str, Any]) -> None:
    # GIVEN a definition whose Task uses an AWS SDK integration
    review = definition["States"]["Batches"]["ItemProcessor"]["States"]["Review"]
    review["Resource"] = service("aws-sdk:sqs:sendMessage")
    # WHEN substituting from that integration's one declaration
    declared = references.integration("aws-sdk:sqs:sendMessage")
    substitutions = references.substitutions([declared], definition)
    # THEN its placeholder is filled with its partition-free ARN
    assert {key: value.to_dict() for key, value in substitutions.items()} == {
        "AwsSdkSqsSendMessageArn": {"Fn::Sub": "arn:${AWS::Partition}:states:::aws-sdk:sqs:sendMessage"}
    }


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
    # only when the Tracing parameter is On (X-Ray bills per trace)
    assert machine["LoggingConfiguration"] == {
        "Level": "ERROR",
        "IncludeExecutionData": False,
        "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": arn_of("StateMachineLogGroup")}}],
    }
    assert machine["TracingConfiguration"] == {"Enabled": {"Fn::If": ["TracingEnabled", True, False]}}


def test_xray_tracing_is_a_parameter_off_by_default_on_both_state_machines(
    resources: dict[str, Any], rendered: dict[str, Any]
) -> None:
    """Failure class: a cost nobody asked for. Fails before the cost cuts: tracing was always on (X-Ray
    bills $5 per million traces; at a trickle of one-order files nearly every execution is sampled)."""
    # GIVEN the Tracing parameter and its condition
    parameter = rendered["Parameters"]["Tracing"]
    # THEN it is off by default, with On as the only other value, and its price is in its description
    assert (parameter["Default"], parameter["AllowedValues"]) == ("Off", ["Off", "On"])
    assert "$5.00 per million traces" in parameter["Description"]
    assert rendered["Conditions"]["TracingEnabled"] == {"Fn::Equals": [{"Ref": "Tracing"}, "On"]}
    # AND both state machines trace only under that condition
    for name in ("StateMachine", "SmallFileStateMachine"):
        tracing = props(resources, name)["TracingConfiguration"]
        assert tracing == {"Enabled": {"Fn::If": ["TracingEnabled", True, False]}}, name


def test_state_machine_is_created_after_its_log_delivery_permissions(resources: dict[str, Any]) -> None:
    # GIVEN the state machine / THEN it waits for the policy Step Functions checks at creation
    assert resources["StateMachine"]["DependsOn"] == ["StateMachineDeliveryPolicy"]


def test_state_machine_log_group_is_a_vended_logs_group_named_per_stack(resources: dict[str, Any]) -> None:
    # GIVEN the state machine's log group
    log_group = props(resources, "StateMachineLogGroup")
    # THEN its name is under /aws/vendedlogs/ and unique per stack, with the stack's retention
    assert log_group["LogGroupName"] == {"Fn::Sub": "/aws/vendedlogs/states/${AWS::StackName}-StateMachine"}
    assert log_group["RetentionInDays"] == ref("LogRetentionDays")
