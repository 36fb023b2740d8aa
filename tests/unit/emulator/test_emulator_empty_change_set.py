"""An UPDATE change set that changes nothing fails in the emulator, as on AWS (cfn_empty_change_set.py).

Failure class: a deploy script that only works because moto applies empty change sets (a second,
unchanged `aws cloudformation deploy` without `--no-fail-on-empty-changeset` exits non-zero on AWS).
Fails before the patch: moto 5.2.5 marks these change sets CREATE_COMPLETE (its own check compares the
create-time parameter dict with the request's, which `UsePreviousValue` makes differ).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

import emulator
from emulator import Clients
from emulator.patches.cfn_empty_change_set import NO_CHANGES, effective_parameters

TEMPLATE: dict[str, Any] = {
    "Parameters": {
        "RetentionSeconds": {"Type": "Number", "Default": "345600"},
        "Suffix": {"Type": "String", "Default": "a"},
    },
    "Resources": {
        "Queue": {
            "Type": "AWS::SQS::Queue",
            "Properties": {"MessageRetentionPeriod": {"Ref": "RetentionSeconds"}},
        }
    },
    "Outputs": {"QueueUrl": {"Value": {"Ref": "Queue"}}},
}


@pytest.fixture(scope="module")
def cloudformation() -> Any:
    return Clients.for_endpoint(emulator.shared_server().endpoint_url).cloudformation


def _template_url(template: dict[str, Any]) -> str:
    """The template uploaded, as `deploy` passes a template over 51,200 bytes (ours): a TemplateURL.
    (With a TemplateBody, moto refuses an unchanged update outright with a ValidationError instead.)"""
    server = emulator.shared_server()
    s3 = Clients.for_endpoint(server.endpoint_url).s3
    bucket, key = f"templates-{uuid.uuid4().hex[:8]}", "template.json"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key=key, Body=json.dumps(template).encode())
    return f"{server.localhost_url}/{bucket}/{key}"


def _change_set(
    cloudformation: Any, stack: str, kind: str, template: dict[str, Any], **parameters: Any
) -> dict[str, Any]:
    name = f"cs-{uuid.uuid4().hex[:8]}"
    cloudformation.create_change_set(
        StackName=stack,
        ChangeSetName=name,
        ChangeSetType=kind,
        TemplateURL=_template_url(template),
        Parameters=[
            {"ParameterKey": k, "UsePreviousValue": True}
            if v is None
            else {"ParameterKey": k, "ParameterValue": v}
            for k, v in parameters.items()
        ],
    )
    described: dict[str, Any] = cloudformation.describe_change_set(StackName=stack, ChangeSetName=name)
    if described["Status"] == "CREATE_COMPLETE" and kind == "CREATE":
        cloudformation.execute_change_set(StackName=stack, ChangeSetName=name)
    return described


def test_an_unchanged_update_change_set_fails(cloudformation: Any) -> None:
    # GIVEN a stack created through a change set with one parameter given (as `deploy` creates it)
    stack = f"empty-{uuid.uuid4().hex[:8]}"
    created = _change_set(cloudformation, stack, "CREATE", TEMPLATE, RetentionSeconds="600")
    assert created["Status"] == "CREATE_COMPLETE"

    # WHEN the same template is submitted again: previous values (what `deploy` sends), or the same
    # values spelled out, or only the default-valued parameter given
    unchanged = [
        _change_set(cloudformation, stack, "UPDATE", TEMPLATE, RetentionSeconds=None, Suffix=None),
        _change_set(cloudformation, stack, "UPDATE", TEMPLATE, RetentionSeconds="600", Suffix="a"),
        _change_set(cloudformation, stack, "UPDATE", TEMPLATE, RetentionSeconds="600"),
    ]
    # THEN each is FAILED with AWS's reason, and cannot be executed
    for described in unchanged:
        assert (described["Status"], described["ExecutionStatus"]) == ("FAILED", "UNAVAILABLE")
        assert described["StatusReason"] == NO_CHANGES

    # WHEN a parameter or the template changes, THEN the change set is created as usual
    changed_value = _change_set(
        cloudformation, stack, "UPDATE", TEMPLATE, RetentionSeconds="601", Suffix=None
    )
    other = {**TEMPLATE, "Outputs": {**TEMPLATE["Outputs"], "Extra": {"Value": "x"}}}
    changed_template = _change_set(cloudformation, stack, "UPDATE", other, RetentionSeconds=None, Suffix=None)
    assert changed_value["Status"] == changed_template["Status"] == "CREATE_COMPLETE"


def test_effective_parameters_are_cloudformation_strings_with_defaults() -> None:
    template = {"Parameters": {"N": {"Type": "Number", "Default": "5"}, "L": {"Type": "CommaDelimitedList"}}}
    assert effective_parameters(template, {"L": ["a", "b"]}) == {"N": "5", "L": "a,b"}
    assert effective_parameters(template, {"N": 5, "L": "a,b"}) == effective_parameters(
        template, {"N": "5", "L": ["a", "b"]}
    )
    assert effective_parameters({}, {"Unknown": "x"}) == {}
