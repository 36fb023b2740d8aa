"""The state machine definition the emulator builds from a template's properties, as CloudFormation does."""

from __future__ import annotations

import json

import pytest

from emulator.patches.cfn_state_machine import state_machine_definition

DEFINITION = {
    "StartAt": "Put",
    "States": {
        "Put": {
            "Type": "Task",
            "Resource": "arn:${Partition}:states:::dynamodb:putItem",
            "Parameters": {"TableName": "${Table}", "Item": {"k": {"S": "${Table}-${Partition}"}}},
            "ResultPath": None,
            "End": True,
        }
    },
}
SUBSTITUTIONS = {"Partition": "aws", "Table": "orders-1"}


def _expected() -> dict[str, object]:
    expected = json.loads(json.dumps(DEFINITION))
    put = expected["States"]["Put"]
    put["Resource"] = "arn:aws:states:::dynamodb:putItem"
    put["Parameters"] = {"TableName": "orders-1", "Item": {"k": {"S": "orders-1-aws"}}}
    return expected


@pytest.mark.parametrize(
    "properties",
    [
        {"Definition": DEFINITION, "DefinitionSubstitutions": SUBSTITUTIONS},
        {"DefinitionString": json.dumps(DEFINITION), "DefinitionSubstitutions": SUBSTITUTIONS},
    ],
    ids=["Definition", "DefinitionString"],
)
def test_substitutions_fill_every_placeholder_and_keep_nulls(properties: dict[str, object]) -> None:
    built = json.loads(state_machine_definition(properties))
    assert built == _expected()
    assert built["States"]["Put"]["ResultPath"] is None


def test_a_placeholder_without_a_substitution_fails_the_deploy() -> None:
    with pytest.raises(ValueError, match=r"\$\{Table\}"):
        state_machine_definition({"Definition": DEFINITION, "DefinitionSubstitutions": {"Partition": "aws"}})


def test_definition_s3_location_is_not_emulated_so_the_deploy_fails() -> None:
    # The template inlines its Definition (`aws cloudformation package` leaves it alone): an
    # S3-hosted definition would be read nowhere, so the emulator refuses it instead of guessing.
    with pytest.raises(ValueError, match="DefinitionS3Location is not emulated"):
        state_machine_definition({"DefinitionS3Location": {"Bucket": "b", "Key": "k"}})
