"""template_invariants catches each violation troposphere lets through (mutate a built template)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from awacs.aws import Action, Allow, PolicyDocument, Statement
from troposphere import GetAtt, Template
from troposphere.iam import PolicyType

from resources import template_invariants


def _target(template: Template) -> Any:
    return template.resources["ObjectCreatedRule"].Targets[0]


def _machine(template: Template) -> Any:
    return template.resources["StateMachine"]


def _drop_role_arn(template: Template) -> None:
    del _target(template).properties["RoleArn"]


def _drop_dead_letter_config(template: Template) -> None:
    del _target(template).properties["DeadLetterConfig"]


def _drop_retry_policy(template: Template) -> None:
    del _target(template).properties["RetryPolicy"]


def _add_definition_string(template: Template) -> None:
    _machine(template).DefinitionString = "{}"


def _replace_definition_with_string(template: Template) -> None:
    machine = _machine(template)
    del machine.properties["Definition"]
    machine.DefinitionString = "{}"


def _definition_as_string(template: Template) -> None:
    _machine(template).properties["Definition"] = '{"StartAt": "A"}'


def _drop_substitution(template: Template) -> None:
    del _machine(template).DefinitionSubstitutions["ReviewQueueUrl"]


def _extra_substitution(template: Template) -> None:
    _machine(template).DefinitionSubstitutions["Unused"] = "x"


def _wildcard_action(template: Template) -> None:
    role = template.resources["ValidatorRole"]
    role.Policies[0].PolicyDocument.Statement.append(
        Statement(Sid="TooBroad", Effect=Allow, Action=[Action("s3", "Get*")], Resource=["x"])
    )


def _star_resource(template: Template) -> None:
    template.add_resource(
        PolicyType(
            "BroadPolicy",
            PolicyName="Broad",
            Roles=["x"],
            PolicyDocument=PolicyDocument(
                Statement=[
                    Statement(
                        Sid="Anything", Effect=Allow, Action=[Action("s3", "GetObject")], Resource=["*"]
                    )
                ]
            ),
        )
    )


def _not_action(template: Template) -> None:
    role = template.resources["StoreLargeRole"]
    role.Policies[0].PolicyDocument.Statement.append(
        Statement(Sid="Inverted", Effect=Allow, NotAction=[Action("iam", "PassRole")], Resource=["x"])
    )


def _bucket_name(template: Template) -> None:
    template.resources["IngestBucket"].BucketName = "orders"


def _fixed_log_group_name(template: Template) -> None:
    template.resources["ValidatorLogGroup"].LogGroupName = "/orders/validator"


def _log_group_without_retention(template: Template) -> None:
    del template.resources["StoreLargeLogGroup"].properties["RetentionInDays"]


def _function_logs_elsewhere(template: Template) -> None:
    template.resources["ValidatorFunction"].LoggingConfig.LogGroup = "/aws/lambda/other"


def _empty_skip_reason(template: Template) -> None:
    template.resources["ReviewQueue"].Metadata["checkov"]["skip"][0]["comment"] = " "


def _drop_watchdog_permission(template: Template) -> None:
    del template.resources["ExecutionEndedPermission"]


def _permission_for_another_rule(template: Template) -> None:
    template.resources["WatchdogSchedulePermission"].SourceArn = GetAtt("ExecutionEndedRule", "Arn")


VIOLATIONS: list[tuple[Callable[[Template], None], str]] = [
    # A Lambda target needs no role, but a Permission letting exactly its rule invoke the function.
    (
        _drop_watchdog_permission,
        "ExecutionEndedRule: target Watchdog: no AWS::Lambda::Permission lets this rule invoke "
        "WatchdogFunction",
    ),
    (
        _permission_for_another_rule,
        "WatchdogScheduleRule: target Watchdog: no AWS::Lambda::Permission lets this rule invoke "
        "WatchdogFunction",
    ),
    (_drop_role_arn, "ObjectCreatedRule: target StateMachine has no RoleArn"),
    (_drop_dead_letter_config, "ObjectCreatedRule: target StateMachine has no DeadLetterConfig"),
    (_drop_retry_policy, "ObjectCreatedRule: target StateMachine has no RetryPolicy"),
    (
        _add_definition_string,
        "StateMachine: definition forms ['Definition', 'DefinitionString']: exactly one, "
        "Definition (an object), is required",
    ),
    (
        _replace_definition_with_string,
        "StateMachine: definition forms ['DefinitionString']: exactly one, "
        "Definition (an object), is required",
    ),
    (_definition_as_string, "StateMachine: Definition is not an object"),
    (_drop_substitution, "StateMachine: DefinitionSubstitutions lack ReviewQueueUrl"),
    (_extra_substitution, "StateMachine: DefinitionSubstitutions have unused Unused"),
    (_wildcard_action, "ValidatorRole: statement TooBroad allows wildcard action s3:Get*"),
    (_star_resource, 'BroadPolicy: statement Anything allows Resource "*" for s3:GetObject'),
    (_not_action, "StoreLargeRole: statement Inverted allows with NotAction/NotResource"),
    (_bucket_name, "IngestBucket: BucketName fixes a physical name (a second deployment would collide)"),
    (
        _fixed_log_group_name,
        "ValidatorLogGroup: LogGroupName fixes a physical name (a second deployment would collide)",
    ),
    (_log_group_without_retention, "StoreLargeLogGroup: log group without RetentionInDays"),
    (
        _function_logs_elsewhere,
        "ValidatorFunction: LoggingConfig.LogGroup is not a Ref to a log group of this template",
    ),
    (_empty_skip_reason, "ReviewQueue: checkov skip CKV_AWS_27 has no reason"),
]


@pytest.mark.parametrize(
    ("mutate", "message"), VIOLATIONS, ids=[m.__name__.strip("_") for m, _ in VIOLATIONS]
)
def test_invariants_report_each_violation(
    template: Template, mutate: Callable[[Template], None], message: str
) -> None:
    # GIVEN a sound template
    assert template_invariants(template) == []
    # WHEN one thing troposphere accepts is broken
    mutate(template)
    # THEN the invariants name exactly that violation
    assert template_invariants(template) == [message]
