"""Each `${Placeholder}` is declared once: its substitution and its grant both come from that declaration."""

from __future__ import annotations

from typing import Any

import pytest
from awacs import dynamodb
from cfn_helpers import arn_of, grants, inline_statements, props
from troposphere import Ref

from resources import build_template, references
from workflow import names


def _role_and_substitutions(definition: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    resources = build_template(definition=definition).to_dict()["Resources"]
    return (
        grants(inline_statements(props(resources, "StateMachineRole"))),
        props(resources, "StateMachine")["DefinitionSubstitutions"],
    )


def test_a_placeholder_the_definition_stops_using_loses_its_value_and_its_grant(
    definition: dict[str, Any],
) -> None:
    # GIVEN the minimal definition: it sends reviews, so the queue is substituted and granted
    role, substitutions = _role_and_substitutions(definition)
    assert substitutions[names.REVIEW_QUEUE_URL] == {"Ref": "ReviewQueue"}
    assert role["SendReviews"] == (["sqs:SendMessage"], [arn_of("ReviewQueue")])
    # WHEN its one reference to the queue is removed
    review = definition["States"]["Batches"]["ItemProcessor"]["States"]["Review"]
    review["Parameters"]["QueueUrl"] = "https://example.invalid/queue"
    role, substitutions = _role_and_substitutions(definition)
    # THEN neither the substitution nor the grant remains
    assert names.REVIEW_QUEUE_URL not in substitutions
    assert "SendReviews" not in role


def test_references_sharing_a_statement_list_their_resources_together() -> None:
    # GIVEN two references granted under one Sid, and a definition using both
    declared = [
        references.Reference("A", Ref("TableA"), references.Grant("Put", (dynamodb.PutItem,), "arn-a")),
        references.Reference("B", Ref("TableB"), references.Grant("Put", (dynamodb.PutItem,), "arn-b")),
        references.Reference("C", Ref("AWS::Partition")),
    ]
    definition = {"Resource": "${A}", "Other": "${B}/${C}"}
    # WHEN generating the role's grants and the substitutions
    # THEN one statement names both resources, and every used placeholder has its value
    assert references.grants(declared, definition) == [("Put", [dynamodb.PutItem], ["arn-a", "arn-b"])]
    assert set(references.substitutions(declared, definition)) == {"A", "B", "C"}


def test_references_sharing_a_statement_must_grant_the_same_actions() -> None:
    declared = [
        references.Reference("A", Ref("TableA"), references.Grant("Put", (dynamodb.PutItem,), "arn-a")),
        references.Reference("B", Ref("TableB"), references.Grant("Put", (dynamodb.UpdateItem,), "arn-b")),
    ]
    with pytest.raises(ValueError, match="Put"):
        references.grants(declared, {"x": "${A} ${B}"})


def test_every_placeholder_of_the_real_definition_is_declared() -> None:
    # GIVEN the rendered definition and the declarations
    from workflow.definition import build_definition

    definition = build_definition()
    role, substitutions = _role_and_substitutions(definition)
    # THEN every placeholder it uses has its substitution (and build.py would refuse otherwise)
    assert set(substitutions) == references.placeholders(definition)
    # AND each resource placeholder brings its grant
    assert set(role) == {"InvokeFunctions", "StoreOrders", "WriteFileLedger", "SendReviews", "ReadManifests"}
