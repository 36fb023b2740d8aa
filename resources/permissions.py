"""The permissions proof: every derived need is allowed, nothing granted is unused (build.py runs it).

For each need (resources/needs.py) the principal's identity policies (inline, attached
AWS::IAM::Policy) must allow the action on the sample resource and no statement (identity, bucket
policy or queue policy) may deny it (resources/policy_eval.py); each service must be trusted to
assume its role. Least privilege: every (action, resource) of every Allow statement must allow at
least one need, except the ones justified in LEAST_PRIVILEGE_EXCEPTIONS. And a rule starts no
execution before the policies that execution's principals need are attached (DependsOn).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from resources.needs import Need, derive_needs
from resources.policy_eval import Request, UnsupportedPolicy, evaluate, statement_effect, statements
from resources.samples import ACCOUNT, PARTITION, SampleStack

# (principal, Sid, a fragment of the granted resource) granted without a derived need, and why: the
# one place for exceptions to least privilege.
LEAST_PRIVILEGE_EXCEPTIONS: dict[tuple[str, str, str], str] = {
    ("StateMachineRole", "ManageChildExecutions", ":execution:"): (
        "`execution:<name>:*` is the resource AWS documents for a Distributed Map's children (IAM "
        "policies for using Distributed Map states); the EXPRESS children's own `express:` ARNs, which "
        "the proof derives, are granted beside it"
    ),
}


def _excused(role: str, sid: str, resource: str) -> bool:
    return any(
        (role, sid) == (r, s) and fragment in resource for r, s, fragment in LEAST_PRIVILEGE_EXCEPTIONS
    )


def _principal_documents(stack: SampleStack, role: str) -> list[tuple[str, dict[str, Any]]]:
    """(name, resolved document) of every identity policy of `role`: inline and attached."""
    found: list[tuple[str, dict[str, Any]]] = []
    props = stack.resources[role].get("Properties", {})
    for policy in props.get("Policies", []):
        found.append((f"{role}/{policy['PolicyName']}", stack.resolve(policy["PolicyDocument"])))
    for logical_id, resource in stack.resources.items():
        if resource.get("Type") in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            roles = resource["Properties"].get("Roles", [])
            if {"Ref": role} in roles:
                found.append((logical_id, stack.resolve(resource["Properties"]["PolicyDocument"])))
    if props.get("ManagedPolicyArns"):
        found.append(
            (
                f"{role}/ManagedPolicyArns",
                {"Statement": [{"Sid": "Unknown", "Effect": "Allow", "Action": "*", "Resource": "*"}]},
            )
        )
    return found


def _resource_documents(stack: SampleStack, arn: str) -> list[tuple[str, dict[str, Any]]]:
    """Bucket and queue policies that govern `arn`."""
    found: list[tuple[str, dict[str, Any]]] = []
    for logical_id, resource in stack.resources.items():
        props = resource.get("Properties", {})
        if resource.get("Type") == "AWS::S3::BucketPolicy":
            bucket = str(stack.resolve(props["Bucket"]))
            bucket_arn = f"arn:{PARTITION}:s3:::{bucket}"
            if arn == bucket_arn or arn.startswith(bucket_arn + "/"):
                found.append((logical_id, stack.resolve(props["PolicyDocument"])))
        elif resource.get("Type") == "AWS::SQS::QueuePolicy":
            for url in stack.resolve(props["Queues"]):
                if arn.endswith(":" + str(url).rsplit("/", 1)[-1]) and ":sqs:" in arn:
                    found.append((logical_id, stack.resolve(props["PolicyDocument"])))
    return found


def _request(stack: SampleStack, need: Need) -> Request:
    role_arn = stack.get_att(need.principal, "Arn")
    context = {"aws:SecureTransport": "true", "aws:PrincipalArn": role_arn, "aws:SourceAccount": ACCOUNT}
    return Request(need.action, need.resource, principal_arn=role_arn, service=need.service, context=context)


def gaps(template: dict[str, Any], needs: list[Need]) -> Iterator[str]:
    stack = SampleStack(template)
    for need in needs:
        request = _request(stack, need)
        if need.service:  # trust: the role's trust policy is the (only) policy that decides
            trust = stack.resources[need.principal]["Properties"]["AssumeRolePolicyDocument"]
            decision = evaluate(request, identity=[(f"{need.principal}/trust", stack.resolve(trust))])
        else:
            decision = evaluate(
                request,
                identity=_principal_documents(stack, need.principal),
                resource=_resource_documents(stack, need.resource),
            )
        if not decision.allowed:
            by = f"; denied by {', '.join(decision.denied_by)}" if decision.denied_by else ""
            who = f"{need.service} cannot assume" if need.service else "cannot"
            yield f"permission gap: {need.principal} {who} {need.action} on {need.resource} ({need.why}{by})"


def unused(template: dict[str, Any], needs: list[Need]) -> Iterator[str]:
    stack = SampleStack(template)
    for role, resource in stack.resources.items():
        if resource.get("Type") != "AWS::IAM::Role":
            continue
        mine = [n for n in needs if n.principal == role]
        trust = stack.resolve(resource["Properties"]["AssumeRolePolicyDocument"])
        documents = [(f"{role}/trust", trust), *_principal_documents(stack, role)]
        for name, document in documents:
            for index, statement in enumerate(statements(document)):
                if statement.get("Effect") != "Allow":
                    continue
                sid = str(statement.get("Sid", index))
                yield from _unused_in(role, name, sid, statement, mine, stack)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _unused_in(
    role: str, name: str, sid: str, statement: Mapping[str, Any], needs: list[Need], stack: SampleStack
) -> Iterator[str]:
    trust = name.endswith("/trust")
    resources = ["*"] if trust else _as_list(statement.get("Resource", "*"))
    for action in _as_list(statement.get("Action", [])):
        for resource in resources:
            narrow = {**statement, "Action": [action], "Resource": [resource]}
            used = any(
                statement_effect(narrow, _request(stack, need)) == "Allow"
                for need in needs
                if bool(need.service) == trust
            )
            if not used and not _excused(role, sid, str(resource)):
                yield f"unused grant: {role} {name}/{sid} allows {action} on {resource} (no derived need)"


def ordering(template: dict[str, Any], needs: list[Need]) -> Iterator[str]:
    """A rule must depend on every AWS::IAM::Policy of the principals its executions act as: its
    target machine's role and, through states:StartExecution needs, the roles of machines it starts."""
    stack = SampleStack(template)
    machine_role = {
        stack.get_att(i, "Arn"): r["Properties"]["RoleArn"]["Fn::GetAtt"][0]
        for i, r in stack.resources.items()
        if r.get("Type") == "AWS::StepFunctions::StateMachine"
    }
    attached: dict[str, list[str]] = {}
    for logical_id, resource in stack.resources.items():
        if resource.get("Type") == "AWS::IAM::Policy":
            for ref in resource["Properties"].get("Roles", []):
                attached.setdefault(ref.get("Ref", ""), []).append(logical_id)
    for logical_id, resource in stack.resources.items():
        if resource.get("Type") != "AWS::Events::Rule":
            continue
        depends = _as_list(resource.get("DependsOn", []))
        pending = [str(stack.resolve(t["Arn"])) for t in resource["Properties"].get("Targets", [])]
        roles: set[str] = set()
        while pending:
            arn = pending.pop()
            role = machine_role.get(arn)
            if role is None or role in roles:
                continue
            roles.add(role)
            pending += [
                n.resource for n in needs if n.principal == role and n.action == "states:StartExecution"
            ]
        for role in sorted(roles):
            for policy in attached.get(role, []):
                if policy not in depends:
                    yield (
                        f"ordering gap: {logical_id} does not DependsOn {policy} ({role}'s policy): "
                        "an execution it starts in the first seconds can fail"
                    )


def permission_problems(template: dict[str, Any]) -> list[str]:
    """Every gap, unused grant and ordering gap of `template` (the rendered dict), one line each."""
    try:
        needs = derive_needs(template)
        return [*gaps(template, needs), *unused(template, needs), *ordering(template, needs)]
    except (ValueError, UnsupportedPolicy) as error:
        return [f"permissions: cannot prove: {error}"]
