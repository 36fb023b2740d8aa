"""Checks of the rendered template that troposphere does not make (build.py refuses to write on any)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from troposphere import Template

from resources.iam import STAR_RESOURCE_ACTIONS
from resources.references import placeholders

# Properties that fix a physical name: a second stack in the same account would collide.
PHYSICAL_NAME_PROPERTIES = {
    "AWS::S3::Bucket": "BucketName",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::StepFunctions::StateMachine": "StateMachineName",
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::Events::Rule": "Name",
    "AWS::CloudWatch::Alarm": "AlarmName",
    "AWS::Logs::LogGroup": "LogGroupName",
}
POLICY_DOCUMENT_PATHS = {
    "AWS::IAM::Role": ("AssumeRolePolicyDocument",),
    "AWS::IAM::Policy": ("PolicyDocument",),
    "AWS::IAM::ManagedPolicy": ("PolicyDocument",),
    "AWS::S3::BucketPolicy": ("PolicyDocument",),
    "AWS::SQS::QueuePolicy": ("PolicyDocument",),
}


def template_invariants(template: Template) -> list[str]:
    """Every violation found in `template`, one sentence each naming the resource; empty when sound."""
    rendered = template.to_dict()
    resources: dict[str, dict[str, Any]] = rendered.get("Resources", {})
    problems: list[str] = []
    for name, resource in resources.items():
        kind = resource.get("Type", "")
        props: dict[str, Any] = resource.get("Properties", {})
        problems += [f"{name}: {p}" for p in _resource_problems(kind, props, resources)]
        if kind == "AWS::Events::Rule":
            problems += [f"{name}: {p}" for p in _rule_problems(name, props, resources)]
        problems += [f"{name}: {p}" for p in _skip_problems(resource.get("Metadata", {}))]
    return problems


def _resource_problems(kind: str, props: dict[str, Any], resources: dict[str, Any]) -> Iterator[str]:
    physical = PHYSICAL_NAME_PROPERTIES.get(kind)
    if physical in props and not _is_stack_scoped_name(props[physical]):
        yield f"{physical} fixes a physical name (a second deployment would collide)"
    for document in _policy_documents(kind, props):
        yield from _policy_problems(document)
    if kind == "AWS::StepFunctions::StateMachine":
        yield from _state_machine_problems(props)
    elif kind == "AWS::Lambda::Function":
        yield from _function_problems(props, resources)
    elif kind == "AWS::Logs::LogGroup" and "RetentionInDays" not in props:
        yield "log group without RetentionInDays"


def _is_stack_scoped_name(value: Any) -> bool:
    # A name built with ${AWS::StackName} is unique per stack (used for the vended-logs log group).
    return isinstance(value, dict) and "${AWS::StackName}" in json.dumps(value.get("Fn::Sub", ""))


def _policy_documents(kind: str, props: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for key in POLICY_DOCUMENT_PATHS.get(kind, ()):
        if isinstance(props.get(key), dict):
            yield props[key]
    if kind == "AWS::IAM::Role":
        for policy in props.get("Policies", []):
            yield policy.get("PolicyDocument", {})


def _policy_problems(document: dict[str, Any]) -> Iterator[str]:
    allowed_star = {str(action.JSONrepr()) for action in STAR_RESOURCE_ACTIONS}
    for statement in document.get("Statement", []):
        if statement.get("Effect") != "Allow":
            continue
        sid = statement.get("Sid", "<no Sid>")
        if "NotAction" in statement or "NotResource" in statement:
            yield f"statement {sid} allows with NotAction/NotResource"
        actions = _as_list(statement.get("Action", []))
        for action in actions:
            if "*" in str(action):
                yield f"statement {sid} allows wildcard action {action}"
        if "*" in _as_list(statement.get("Resource", [])):
            extra = sorted(str(a) for a in actions if str(a) not in allowed_star)
            if extra:
                yield f'statement {sid} allows Resource "*" for {", ".join(extra)}'


def _rule_problems(rule: str, props: dict[str, Any], resources: dict[str, Any]) -> Iterator[str]:
    for target in props.get("Targets", []):
        target_id = target.get("Id", "<no Id>")
        function = _function_target(target, resources)
        if function is not None:
            # EventBridge invokes a Lambda function under the function's resource policy, not a role.
            if not _permits(resources, function=function, rule=rule):
                yield f"target {target_id}: no AWS::Lambda::Permission lets this rule invoke {function}"
        elif not target.get("RoleArn"):
            yield f"target {target_id} has no RoleArn"
        if not target.get("DeadLetterConfig", {}).get("Arn"):
            yield f"target {target_id} has no DeadLetterConfig"
        if "RetryPolicy" not in target:
            yield f"target {target_id} has no RetryPolicy"


def _function_target(target: dict[str, Any], resources: dict[str, Any]) -> str | None:
    """The logical id of the Lambda function a target's Arn is a GetAtt of, else None."""
    arn = target.get("Arn")
    attribute = arn.get("Fn::GetAtt") if isinstance(arn, dict) else None
    if (
        isinstance(attribute, list)
        and attribute[1:] == ["Arn"]
        and resources.get(attribute[0], {}).get("Type") == "AWS::Lambda::Function"
    ):
        return str(attribute[0])
    return None


def _permits(resources: dict[str, Any], *, function: str, rule: str) -> bool:
    return any(
        resource.get("Type") == "AWS::Lambda::Permission"
        and resource.get("Properties", {}).get("FunctionName") == {"Fn::GetAtt": [function, "Arn"]}
        and resource.get("Properties", {}).get("Principal") == "events.amazonaws.com"
        and resource.get("Properties", {}).get("SourceArn") == {"Fn::GetAtt": [rule, "Arn"]}
        for resource in resources.values()
    )


def _state_machine_problems(props: dict[str, Any]) -> Iterator[str]:
    forms = [key for key in ("Definition", "DefinitionString", "DefinitionS3Location") if key in props]
    if forms != ["Definition"]:
        yield f"definition forms {forms or 'none'}: exactly one, Definition (an object), is required"
        return
    if not isinstance(props["Definition"], dict):
        yield "Definition is not an object"
        return
    used = placeholders(props["Definition"])
    given = set(props.get("DefinitionSubstitutions", {}))
    if used - given:
        yield f"DefinitionSubstitutions lack {', '.join(sorted(used - given))}"
    if given - used:
        yield f"DefinitionSubstitutions have unused {', '.join(sorted(given - used))}"


def _function_problems(props: dict[str, Any], resources: dict[str, Any]) -> Iterator[str]:
    log_group = props.get("LoggingConfig", {}).get("LogGroup", {})
    target = log_group.get("Ref") if isinstance(log_group, dict) else None
    if not isinstance(target, str) or resources.get(target, {}).get("Type") != "AWS::Logs::LogGroup":
        yield "LoggingConfig.LogGroup is not a Ref to a log group of this template"


def _skip_problems(metadata: dict[str, Any]) -> Iterator[str]:
    for skip in metadata.get("checkov", {}).get("skip", []):
        if not str(skip.get("comment", "")).strip():
            yield f"checkov skip {skip.get('id')} has no reason"


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
