"""The permissions proof (resources/permissions.py) on the template build.py renders.

Failure class: a principal lacks a permission the ASL or handlers/ need (every file fails on AWS,
moto never notices), or holds one nothing uses. Each check is shown to bite by mutation: remove any
one statement of any role and the proof names the principal, the action and the resource.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import build
import resources.iam
import resources.needs
from resources.handler_calls import aws_calls
from resources.needs import derive_needs
from resources.permissions import permission_problems
from resources.template import build_template
from workflow.definition import build_definition, build_small_file_definition

GAP = re.compile(r"^permission gap: (\S+) (?:\S+ cannot assume|cannot) (\S+) on (\S+) \(")


def _shipped() -> dict[str, Any]:
    template = build_template(
        definition=build_definition(), small_file_definition=build_small_file_definition()
    )
    rendered: dict[str, Any] = json.loads(json.dumps(template.to_dict()))
    return rendered


SHIPPED = _shipped()


def _statement_sites(template: dict[str, Any]) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """(principal, path to one statement) for every statement every role holds or is attached."""
    for logical_id, resource in template["Resources"].items():
        kind, props = resource["Type"], resource.get("Properties", {})
        if kind == "AWS::IAM::Role":
            for index in range(len(props["AssumeRolePolicyDocument"]["Statement"])):
                yield logical_id, (logical_id, "AssumeRolePolicyDocument", index)
            for p, policy in enumerate(props.get("Policies", [])):
                for index in range(len(policy["PolicyDocument"]["Statement"])):
                    yield logical_id, (logical_id, "Policies", p, index)
        elif kind == "AWS::IAM::Policy":
            for role in props["Roles"]:
                for index in range(len(props["PolicyDocument"]["Statement"])):
                    yield role["Ref"], (logical_id, "PolicyDocument", index)


def _statements_of(template: dict[str, Any], site: tuple[Any, ...]) -> tuple[list[Any], int]:
    props = template["Resources"][site[0]]["Properties"]
    if site[1] == "Policies":
        return props["Policies"][site[2]]["PolicyDocument"]["Statement"], site[3]
    return props[site[1]]["Statement"], site[2]


SITES = list(_statement_sites(SHIPPED))


def test_the_shipped_template_has_no_gap_no_unused_grant_and_no_early_rule() -> None:
    assert permission_problems(SHIPPED) == []


def test_every_statement_of_every_role_is_covered_by_a_mutation() -> None:
    principals = {principal for principal, _ in SITES}
    roles = {i for i, r in SHIPPED["Resources"].items() if r["Type"] == "AWS::IAM::Role"}
    assert principals == roles and len(SITES) >= 25


@pytest.mark.parametrize(
    ("principal", "site"), SITES, ids=[f"{p}:{'/'.join(map(str, s[1:]))}@{s[0]}" for p, s in SITES]
)
def test_removing_any_one_statement_is_refused_naming_principal_action_and_resource(
    principal: str, site: tuple[Any, ...]
) -> None:
    # GIVEN the shipped template without one statement
    template = copy.deepcopy(SHIPPED)
    statements, index = _statements_of(template, site)
    removed = statements.pop(index)
    actions = removed["Action"] if isinstance(removed["Action"], list) else [removed["Action"]]
    # WHEN proven
    gaps = [GAP.match(line) for line in permission_problems(template)]
    # THEN a gap names this principal, one of the statement's actions and a concrete resource
    named = [(m.group(1), m.group(2), m.group(3)) for m in gaps if m]
    assert any(
        who == principal
        and action.lower() in {a.lower() for a in actions}
        and (arn.startswith("arn:") or arn == "*")
        for who, action, arn in named
    ), named


def test_a_grant_that_no_derived_need_uses_is_refused() -> None:
    template = copy.deepcopy(SHIPPED)
    policy = template["Resources"]["ValidatorRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    policy["Statement"].append(
        {"Sid": "Extra", "Effect": "Allow", "Action": ["s3:DeleteObject"], "Resource": ["*"]}
    )
    assert permission_problems(template) == [
        "unused grant: ValidatorRole ValidatorRole/Validator/Extra allows s3:DeleteObject on * "
        "(no derived need)"
    ]


def test_a_bucket_policy_deny_is_a_gap_even_when_the_role_allows() -> None:
    """The resource policy is evaluated too: let the working-prefix Deny spare store-large instead of
    the validator, and every validator write there is refused, naming the denying statement."""
    template = copy.deepcopy(SHIPPED)
    bucket_policy = template["Resources"]["IngestBucketPolicy"]["Properties"]["PolicyDocument"]
    (deny,) = [s for s in bucket_policy["Statement"] if s["Sid"] == "DenyWorkingPrefixWritesExceptValidator"]
    deny["Condition"]["ArnNotEquals"]["aws:PrincipalArn"] = [{"Fn::GetAtt": ["StoreLargeRole", "Arn"]}]
    problems = permission_problems(template)
    assert problems and all(p.startswith("permission gap: ValidatorRole cannot s3:") for p in problems)
    assert all("denied by IngestBucketPolicy/DenyWorkingPrefixWritesExceptValidator" in p for p in problems)
    assert any("s3:PutObject on arn:aws:s3:::" in p and "/_pipeline/work/" in p for p in problems)


def test_a_rule_that_can_start_before_its_machines_policies_is_refused() -> None:
    """Fails before the permission proof's fix: SmallFileRule depended only on its own machine's delivery
    policy,
    while a hand-off in its first seconds needs the large machine's executions policy."""
    template = copy.deepcopy(SHIPPED)
    template["Resources"]["SmallFileRule"]["DependsOn"] = ["SmallFileStateMachineDeliveryPolicy"]
    assert [p.split(" (")[0] for p in permission_problems(template)] == [
        "ordering gap: SmallFileRule does not DependsOn StateMachineDeliveryPolicy",
        "ordering gap: SmallFileRule does not DependsOn StateMachineExecutionsPolicy",
    ]


def test_the_gaps_issue_21_found_are_derived_needs() -> None:
    """The three gaps the permission proof found are needs the derivation finds (and the shipped grants now
    allow)."""
    needs = {(n.principal, n.action, n.resource) for n in derive_needs(SHIPPED)}
    assert any(
        p == "StateMachineRole" and a == "states:DescribeExecution" and ":express:" in r for p, a, r in needs
    )
    for role in ("ValidatorRole", "StoreLargeRole"):
        assert (role, "s3:ListBucket", "arn:aws:s3:::sample-stack-ingestbucket-sample0suffix") in needs


def test_each_function_is_mapped_to_its_handler_module_and_its_calls() -> None:
    """Needs come from the code the Handler property names: validator.handler -> handlers/validator.py
    and the modules it imports, directly or not (its object reader in handlers/adapters/s3read.py, its
    manifest writer in handlers/adapters/s3io.py)."""
    whys = {n.why for n in derive_needs(SHIPPED) if n.principal == "ValidatorRole"}
    assert any(
        w.startswith("ValidatorFunction handlers/adapters/s3read.py:") and w.endswith(" s3.GetObject")
        for w in whys
    )
    assert any(
        w.startswith("ValidatorFunction handlers/adapters/s3io.py:") and "CreateMultipartUpload" in w
        for w in whys
    )


def test_build_refuses_a_missing_grant_with_one_line_naming_principal_action_and_resource(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # GIVEN the state machines' delivery policy without X-Ray's PutTraceSegments
    kept = tuple(a for a in resources.iam.STAR_RESOURCE_ACTIONS if a.JSONrepr() != "xray:PutTraceSegments")
    monkeypatch.setattr(resources.iam, "STAR_RESOURCE_ACTIONS", kept)
    # WHEN building / THEN nothing is written and each principal's gap is one line
    assert build.main(["--output", str(tmp_path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[1:] == [
        f"template.json: permission gap: {role} cannot xray:PutTraceSegments on * ({machine} X-Ray tracing)"
        for role, machine in (
            ("StateMachineRole", "StateMachine"),
            ("SmallFileStateMachineRole", "SmallFileStateMachine"),
        )
    ]
    assert not list(tmp_path.iterdir())


WATCHDOG = """
import os
import boto3

def handler(event, context):
    table, machine = os.environ["LEDGER_TABLE"], os.environ["STATE_MACHINE"]
    ledger = boto3.client("dynamodb")
    stuck = ledger.query(TableName=table, IndexName="by_status", KeyConditionExpression="s = :s")
    sfn = boto3.client("stepfunctions")
    sfn.describe_execution(executionArn=stuck["x"])
    sfn.start_execution(stateMachineArn=machine, input="{}")
    boto3.client("cloudwatch").put_metric_data(Namespace="n", MetricData=[])
"""


def test_a_new_function_and_its_schedule_are_proven_from_their_code_without_any_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another lane's new principal (a watchdog Lambda run by a schedule) is covered by the same
    derivation: its needs come from its handler's code, its environment and its schedule's target."""
    # GIVEN a watchdog handler (in a stand-in code folder) and the template with its role, function
    # and schedule
    (tmp_path / "watchdog.py").write_text(WATCHDOG, encoding="utf-8")
    monkeypatch.setattr(
        resources.needs,
        "aws_calls",
        lambda handler: (
            aws_calls(handler, tmp_path) if handler.startswith("watchdog.") else aws_calls(handler)
        ),
    )
    template = copy.deepcopy(SHIPPED)
    sub = "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${Name}:*"
    allow = [
        {
            "Effect": "Allow",
            "Action": ["dynamodb:Query"],
            "Resource": [
                {
                    "Fn::Sub": [
                        "${Table}/index/by_status",
                        {"Table": {"Fn::GetAtt": ["FileLedgerTable", "Arn"]}},
                    ]
                }
            ],
        },
        {
            "Effect": "Allow",
            "Action": ["states:DescribeExecution"],
            "Resource": [{"Fn::Sub": [sub, {"Name": {"Fn::GetAtt": ["StateMachine", "Name"]}}]}],
        },
        {"Effect": "Allow", "Action": ["states:StartExecution"], "Resource": [{"Ref": "StateMachine"}]},
        {"Effect": "Allow", "Action": ["cloudwatch:PutMetricData"], "Resource": ["*"]},
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [{"Fn::GetAtt": ["ValidatorLogGroup", "Arn"]}],
        },
    ]

    def trust(service: str) -> dict[str, Any]:
        return {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": service}, "Action": ["sts:AssumeRole"]}
            ],
        }

    template["Resources"] |= {
        "WatchdogRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": trust("lambda.amazonaws.com"),
                "Policies": [{"PolicyName": "Watchdog", "PolicyDocument": {"Statement": allow}}],
            },
        },
        "WatchdogFunction": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Handler": "watchdog.handler",
                "Role": {"Fn::GetAtt": ["WatchdogRole", "Arn"]},
                "LoggingConfig": {"LogGroup": {"Ref": "ValidatorLogGroup"}},
                "Environment": {
                    "Variables": {
                        "LEDGER_TABLE": {"Ref": "FileLedgerTable"},
                        "STATE_MACHINE": {"Ref": "StateMachine"},
                    }
                },
            },
        },
        "WatchdogScheduleRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": trust("scheduler.amazonaws.com"),
                "Policies": [
                    {
                        "PolicyName": "Invoke",
                        "PolicyDocument": {
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": ["lambda:InvokeFunction"],
                                    "Resource": [{"Fn::GetAtt": ["WatchdogFunction", "Arn"]}],
                                }
                            ]
                        },
                    }
                ],
            },
        },
        "WatchdogSchedule": {
            "Type": "AWS::Scheduler::Schedule",
            "Properties": {
                "Target": {
                    "Arn": {"Fn::GetAtt": ["WatchdogFunction", "Arn"]},
                    "RoleArn": {"Fn::GetAtt": ["WatchdogScheduleRole", "Arn"]},
                }
            },
        },
    }
    # THEN it is proven as is
    assert permission_problems(template) == []
    # AND each of its grants is needed: without any one, a gap names it
    for index, statement in enumerate(allow):
        mutated = copy.deepcopy(template)
        del mutated["Resources"]["WatchdogRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][
            index
        ]
        gaps = [
            line for line in permission_problems(mutated) if line.startswith("permission gap: WatchdogRole")
        ]
        assert gaps and statement["Action"][0] in gaps[0], (statement, gaps)
    mutated = copy.deepcopy(template)
    del mutated["Resources"]["WatchdogScheduleRole"]["Properties"]["Policies"]
    assert permission_problems(mutated)[0].startswith(
        "permission gap: WatchdogScheduleRole cannot lambda:InvokeFunction on arn:aws:lambda:"
    )


def test_a_policy_the_evaluator_cannot_decide_is_one_line_not_a_traceback() -> None:
    template = copy.deepcopy(SHIPPED)
    policy = template["Resources"]["IngestBucketPolicy"]["Properties"]["PolicyDocument"]
    policy["Statement"][0]["Condition"] = {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}
    assert permission_problems(template) == ["permissions: cannot prove: condition operator IpAddress"]


def test_an_index_query_through_an_unpacked_request_and_a_dead_letter_target_are_derived_needs() -> None:
    """Found merging the watchdog under the proof: its ledger query passes
    IndexName inside a request dict (`query(**request)`) named by a constant, and its function has an
    asynchronous dead-letter queue; before, the proof asked for the table instead of the index and
    called the dead-letter grant unused."""
    needs = {(n.principal, n.action, n.resource) for n in derive_needs(SHIPPED)}
    queries = {r for p, a, r in needs if p == "WatchdogRole" and a == "dynamodb:Query"}
    assert queries and all(r.endswith("/index/OpenFiles") for r in queries)
    assert any(
        p == "WatchdogRole" and a == "sqs:SendMessage" and "RuleDeadLetterQueue" in r for p, a, r in needs
    )
