"""One role per principal: each policy statement names exactly these actions on exactly these resources."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cfn_helpers import arn_of, grants, inline_statements, objects, props, ref, statements

from handlers.seams.settings import CLAIMS_PREFIX, WORK_PREFIX, WORKING_PREFIX
from resources import build_template
from resources.iam import STAR_RESOURCE_ACTIONS
from workflow.definition import build_definition


@pytest.mark.parametrize(
    ("role", "service"),
    [
        ("ValidatorRole", "lambda.amazonaws.com"),
        ("StoreLargeRole", "lambda.amazonaws.com"),
        ("StateMachineRole", "states.amazonaws.com"),
        ("ObjectCreatedRuleRole", "events.amazonaws.com"),
    ],
)
def test_each_role_is_assumed_by_its_one_principal(
    resources: dict[str, Any], role: str, service: str
) -> None:
    # GIVEN a role / THEN exactly one service may assume it, and the role has no fixed name
    (trust,) = props(resources, role)["AssumeRolePolicyDocument"]["Statement"]
    assert (trust["Effect"], trust["Principal"], trust["Action"]) == (
        "Allow",
        {"Service": service},
        ["sts:AssumeRole"],
    )
    assert "RoleName" not in props(resources, role)


def test_validator_reads_uploads_and_writes_only_the_working_prefix(resources: dict[str, Any]) -> None:
    # GIVEN the validator's role / THEN it grants exactly these
    assert grants(inline_statements(props(resources, "ValidatorRole"))) == {
        "ReadUploads": (["s3:GetObject", "s3:GetObjectVersion"], [objects()]),
        # a missing upload answers 404 NoSuchKey (SourceNotFound), not 403
        "TellMissingObjects": (["s3:ListBucket"], [arn_of("IngestBucket")]),
        "WriteWorkingPrefix": (["s3:AbortMultipartUpload", "s3:PutObject"], [objects(WORKING_PREFIX)]),
        "WriteOwnLogs": (["logs:CreateLogStream", "logs:PutLogEvents"], [arn_of("ValidatorLogGroup")]),
    }


def test_store_large_reads_claims_and_puts_orders(resources: dict[str, Any]) -> None:
    # GIVEN the store-large role / THEN it grants exactly these
    assert grants(inline_statements(props(resources, "StoreLargeRole"))) == {
        # by version: the claim pack the validator wrote (a pointer carries its version id)
        "ReadClaims": (["s3:GetObject", "s3:GetObjectVersion"], [objects(CLAIMS_PREFIX)]),
        "TellMissingObjects": (["s3:ListBucket"], [arn_of("IngestBucket")]),
        "PutOrders": (["dynamodb:PutItem"], [arn_of("OrdersTable")]),
        "WriteOwnLogs": (["logs:CreateLogStream", "logs:PutLogEvents"], [arn_of("StoreLargeLogGroup")]),
    }


def test_state_machine_role_names_exactly_these_resources(resources: dict[str, Any]) -> None:
    # GIVEN the state machine's role (around the real definition) and the two policies attached to it
    role = props(build_template(definition=build_definition()).to_dict()["Resources"], "StateMachineRole")
    delivery = props(resources, "StateMachineDeliveryPolicy")
    executions = props(resources, "StateMachineExecutionsPolicy")
    # THEN both policies are attached to the role
    assert delivery["Roles"] == [ref("StateMachineRole")]
    assert executions["Roles"] == [ref("StateMachineRole")]
    # AND the role's own policy reaches only the functions, tables, review queue and manifests
    assert grants(inline_statements(role)) == {
        "InvokeFunctions": (
            ["lambda:InvokeFunction"],
            [arn_of("ValidatorFunction"), arn_of("StoreLargeFunction")],
        ),
        "StoreOrders": (["dynamodb:GetItem", "dynamodb:PutItem"], [arn_of("OrdersTable")]),
        "WriteFileLedger": (["dynamodb:PutItem", "dynamodb:UpdateItem"], [arn_of("FileLedgerTable")]),
        "SendReviews": (["sqs:SendMessage"], [arn_of("ReviewQueue")]),
        # the ItemReader reads the manifest version the validator wrote
        "ReadManifests": (["s3:GetObject", "s3:GetObjectVersion"], [objects(WORK_PREFIX)]),
    }
    # AND a definition that reads no manifest (the minimal one) is not granted the manifests
    assert "ReadManifests" not in grants(inline_statements(props(resources, "StateMachineRole")))
    # AND the executions policy reaches only this state machine and its Distributed Map children
    assert grants(statements(executions["PolicyDocument"])) == {
        "StartChildExecutions": (["states:StartExecution"], [ref("StateMachine")]),
        "ManageChildExecutions": (
            ["states:DescribeExecution", "states:StopExecution"],
            [
                # the EXPRESS children's own ARNs (the permission proof: `execution:${Name}/*` matched none
                # of them)
                {
                    "Fn::Sub": [
                        "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:express:${Name}/*",
                        {"Name": arn_of("StateMachine", "Name")},
                    ]
                },
                # and the form AWS documents for a Distributed Map's children
                {
                    "Fn::Sub": [
                        "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${Name}:*",
                        {"Name": arn_of("StateMachine", "Name")},
                    ]
                },
            ],
        ),
    }


def test_resource_star_is_granted_only_for_the_listed_delivery_and_tracing_actions(
    resources: dict[str, Any],
) -> None:
    # GIVEN the one list of actions AWS allows only on Resource "*"
    listed = sorted(str(action.JSONrepr()) for action in STAR_RESOURCE_ACTIONS)
    assert listed == sorted(
        [
            "logs:CreateLogDelivery",
            "logs:DeleteLogDelivery",
            "logs:DescribeLogGroups",
            "logs:DescribeResourcePolicies",
            "logs:GetLogDelivery",
            "logs:ListLogDeliveries",
            "logs:PutResourcePolicy",
            "logs:UpdateLogDelivery",
            "xray:GetSamplingRules",
            "xray:GetSamplingTargets",
            "xray:PutTelemetryRecords",
            "xray:PutTraceSegments",
        ]
    )
    # WHEN collecting every Allow statement in the template whose Resource is "*"
    star = [
        (name, statement)
        for name, resource in resources.items()
        for statement in _allow_statements(resource)
        if "*" in statement.get("Resource", [])
    ]
    # THEN there is one per state machine, in its delivery policy, granting exactly the listed actions
    assert sorted((name, sorted(statement["Action"])) for name, statement in star) == [
        ("SmallFileStateMachineDeliveryPolicy", listed),
        ("StateMachineDeliveryPolicy", listed),
    ]


def test_no_allow_statement_grants_a_wildcard_action(resources: dict[str, Any]) -> None:
    # GIVEN every Allow statement of every policy in the template
    actions = [
        action
        for resource in resources.values()
        for statement in _allow_statements(resource)
        for action in statement["Action"]
    ]
    # THEN none has a wildcard (and the search found the policies)
    assert "states:StartExecution" in actions
    assert [action for action in actions if "*" in action] == []


def _allow_statements(resource: dict[str, Any]) -> list[dict[str, Any]]:
    # A KMS key policy's Resource "*" means that key only; AlarmTopicKey's policy is pinned in
    # test_resources_alerts.py (its account-administration statement is AWS's default, kms:*).
    if resource.get("Type") == "AWS::KMS::Key":
        return []
    text = json.dumps(resource.get("Properties", {}))
    if '"Statement"' not in text:
        return []
    found: list[dict[str, Any]] = []
    _collect(resource["Properties"], found)
    return [statement for statement in found if statement.get("Effect") == "Allow"]


def _collect(value: Any, found: list[dict[str, Any]]) -> None:
    if isinstance(value, dict):
        if isinstance(value.get("Statement"), list):
            found.extend(value["Statement"])
        for child in value.values():
            _collect(child, found)
    elif isinstance(value, list):
        for child in value:
            _collect(child, found)
