"""The state machine definition the emulator builds from a template's properties, as CloudFormation does."""

from __future__ import annotations

import json

import pytest

from emulator.moto_patches import state_machine_definition

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
    built = json.loads(state_machine_definition(properties, "123456789012", "us-east-1"))
    assert built == _expected()
    assert built["States"]["Put"]["ResultPath"] is None


def test_a_placeholder_without_a_substitution_fails_the_deploy() -> None:
    with pytest.raises(ValueError, match=r"\$\{Table\}"):
        state_machine_definition(
            {"Definition": DEFINITION, "DefinitionSubstitutions": {"Partition": "aws"}}, "1", "r"
        )
