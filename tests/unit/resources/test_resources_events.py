"""ObjectCreatedRule: what it matches, and how it delivers to the state machine."""

from __future__ import annotations

from typing import Any

from cfn_helpers import arn_of, inline_statements, props, ref

from handlers.contract import ACCEPTED_SUFFIXES, CLAIM_SUFFIX, CLAIMS_PREFIX, MANIFEST_NAME, WORK_PREFIX


def test_rule_matches_object_created_in_this_bucket_with_an_accepted_suffix(
    resources: dict[str, Any],
) -> None:
    # GIVEN the rule's pattern
    pattern = props(resources, "ObjectCreatedRule")["EventPattern"]
    # THEN it selects S3 Object Created events of IngestBucket whose key ends in an accepted suffix
    assert pattern == {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {
            "bucket": {"name": [ref("IngestBucket")]},
            "object": {"key": [{"suffix": {"equals-ignore-case": suffix}} for suffix in ACCEPTED_SUFFIXES]},
        },
    }


def test_pipeline_objects_never_match_the_rule() -> None:
    # GIVEN the keys the pipeline writes under its working prefix (docs/CONTRACT.md)
    own_keys = [f"{WORK_PREFIX}0123abcd/{MANIFEST_NAME}", f"{CLAIMS_PREFIX}0123abcd/17{CLAIM_SUFFIX}"]
    # THEN none ends in an accepted suffix: the working prefix is excluded by construction
    for key in own_keys:
        assert not key.lower().endswith(ACCEPTED_SUFFIXES), key


def test_rule_target_is_the_state_machine_with_role_retries_and_dead_letters(
    resources: dict[str, Any],
) -> None:
    # GIVEN the rule's one target
    rule = props(resources, "ObjectCreatedRule")
    (target,) = rule["Targets"]
    # THEN it starts StateMachine as ObjectCreatedRuleRole
    assert target["Arn"] == ref("StateMachine")
    assert target["RoleArn"] == arn_of("ObjectCreatedRuleRole")
    # AND retries for EventBridge's maximum, then dead-letters to RuleDeadLetterQueue
    assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185}
    assert target["DeadLetterConfig"] == {"Arn": arn_of("RuleDeadLetterQueue")}
    assert rule["State"] == "ENABLED"
    assert "Name" not in rule


def test_rule_starts_only_after_the_state_machines_policies_are_attached(resources: dict[str, Any]) -> None:
    # GIVEN the rule / THEN no execution can start before the machine may run its children
    assert sorted(resources["ObjectCreatedRule"]["DependsOn"]) == [
        "StateMachineDeliveryPolicy",
        "StateMachineExecutionsPolicy",
    ]


def test_rule_role_may_only_start_this_state_machine(resources: dict[str, Any]) -> None:
    # GIVEN the rule's role
    role = props(resources, "ObjectCreatedRuleRole")
    # THEN EventBridge of this account assumes it
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "events.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": ref("AWS::AccountId")}}
    # AND it allows exactly StartExecution on StateMachine
    assert {sid: (s["Action"], s["Resource"]) for sid, s in inline_statements(role).items()} == {
        "StartPipeline": (["states:StartExecution"], [ref("StateMachine")])
    }
