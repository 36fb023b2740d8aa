"""ObjectCreatedRule (large files) and SmallFileRule: what they match, how they deliver to the machines."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cfn_helpers import arn_of, inline_statements, props, ref
from moto.events.models import EventPattern

from handlers.flows.inline import SMALL_FILE_MAX_BYTES
from handlers.seams.settings import ACCEPTED_SUFFIXES, CLAIM_SUFFIX, CLAIMS_PREFIX, MANIFEST_NAME, WORK_PREFIX

_KEYS = [{"suffix": {"equals-ignore-case": suffix}} for suffix in ACCEPTED_SUFFIXES]


def test_rule_matches_object_created_in_this_bucket_with_an_accepted_suffix(
    resources: dict[str, Any],
) -> None:
    # GIVEN the two rules' patterns
    large = props(resources, "ObjectCreatedRule")["EventPattern"]
    small = props(resources, "SmallFileRule")["EventPattern"]
    # THEN both select S3 Object Created events of IngestBucket whose key ends in an accepted suffix,
    # split by the object's size: up to 64 KiB small, larger (or without a size) large
    assert SMALL_FILE_MAX_BYTES == 65536
    common = {"source": ["aws.s3"], "detail-type": ["Object Created"]}
    bucket = {"name": [ref("IngestBucket")]}
    assert small == {
        **common,
        "detail": {"bucket": bucket, "object": {"key": _KEYS, "size": [{"numeric": ["<=", 65536]}]}},
    }
    assert large == {
        **common,
        "detail": {
            "bucket": bucket,
            "object": {
                "key": _KEYS,
                "$or": [{"size": [{"numeric": [">", 65536]}]}, {"size": [{"exists": False}]}],
            },
        },
    }


def _event(size: object) -> dict[str, object]:
    found: dict[str, object] = {"key": "orders.json"}
    if size is not None:
        found["size"] = size
    return {
        "source": "aws.s3",
        "detail-type": "Object Created",
        "detail": {"bucket": {"name": "bucket"}, "object": found},
    }


@pytest.mark.parametrize(
    ("size", "lane"),
    [
        (0, "small"),
        (1, "small"),
        (65535, "small"),
        (65536, "small"),
        (65537, "large"),
        (10**9, "large"),
        (None, "large"),
    ],
)
def test_exactly_one_rule_matches_each_size_and_the_edge_is_inclusive_for_small(
    resources: dict[str, Any], size: object, lane: str
) -> None:
    # GIVEN an Object Created event of `size` bytes (None: without a size), matched as EventBridge does
    def matches(rule: str) -> bool:
        pattern = props(resources, rule)["EventPattern"]
        pattern["detail"]["bucket"] = {"name": ["bucket"]}
        return bool(EventPattern.load(json.dumps(pattern)).matches_event(_event(size)))

    # THEN exactly the rule of its lane starts an execution
    assert (matches("SmallFileRule"), matches("ObjectCreatedRule")) == (lane == "small", lane == "large")


def test_pipeline_objects_never_match_the_rule() -> None:
    # GIVEN the keys the pipeline writes under its working prefix (docs/seams.md)
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
    # AND a small file handed off at once reaches a large-file machine that may run its children
    # (the permission proof: SmallFileRule lacked the large machine's policies; resources/permissions.py
    # ordering)
    assert sorted(resources["SmallFileRule"]["DependsOn"]) == [
        "SmallFileStateMachineDeliveryPolicy",
        "StateMachineDeliveryPolicy",
        "StateMachineExecutionsPolicy",
    ]


def test_small_file_rule_targets_the_express_machine_with_the_same_delivery_guarantees(
    resources: dict[str, Any],
) -> None:
    rule = props(resources, "SmallFileRule")
    (target,) = rule["Targets"]
    assert target["Arn"] == ref("SmallFileStateMachine") and target["Id"] == "SmallFileStateMachine"
    assert target["RoleArn"] == arn_of("ObjectCreatedRuleRole")
    assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185}
    assert target["DeadLetterConfig"] == {"Arn": arn_of("RuleDeadLetterQueue")}
    assert rule["State"] == "ENABLED" and "Name" not in rule


def test_rule_role_may_only_start_the_two_state_machines(resources: dict[str, Any]) -> None:
    # GIVEN the rule's role
    role = props(resources, "ObjectCreatedRuleRole")
    # THEN EventBridge of this account assumes it
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "events.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": ref("AWS::AccountId")}}
    # AND it allows exactly StartExecution on StateMachine and SmallFileStateMachine
    assert {sid: (s["Action"], s["Resource"]) for sid, s in inline_statements(role).items()} == {
        "StartPipeline": (["states:StartExecution"], [ref("StateMachine"), ref("SmallFileStateMachine")])
    }
