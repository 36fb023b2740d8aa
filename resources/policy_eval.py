"""IAM policy evaluation for the permissions proof: moto's policy engine, strict where it is lenient.

moto's `IAMPolicyStatement` matches a statement's Action/NotAction and Resource (wildcards `*`).
It is used here with each statement's Condition and Principal taken off, because moto evaluates
conditions wrongly for this purpose: it ignores every operator but StringEquals (treating the
condition as met) and turns any statement whose condition fails into a Deny. Conditions and
principals are decided here instead, for exactly the operators and elements listed below; anything
else (NotResource, NotPrincipal, an unknown operator, `?` in a pattern) raises UnsupportedPolicy
rather than being guessed. Action names are matched case-insensitively, as IAM does, and every
character of a pattern but `*` literally (moto would read the rest as a regular expression).
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from moto.iam.access_control import IAMPolicyStatement, PermissionResult

SUPPORTED_ELEMENTS = frozenset({"Sid", "Effect", "Action", "NotAction", "Resource", "Principal", "Condition"})


class UnsupportedPolicy(Exception):
    """A policy element or condition operator this evaluator does not decide."""


@dataclass(frozen=True)
class Request:
    """One API call: who makes it (a role ARN or a service principal), what, on which resource."""

    action: str
    resource: str
    principal_arn: str = ""
    service: str = ""
    context: Mapping[str, str] = field(default_factory=dict)


def _values(value: Any) -> list[str]:
    return [str(item) for item in (value if isinstance(value, list) else [value])]


def _like(pattern: str, value: str) -> bool:
    return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]"))


def _arn_like(pattern: str, value: str) -> bool:
    # ArnLike compares the six colon-separated parts, each with wildcards.
    parts, actual = pattern.split(":", 5), value.split(":", 5)
    return len(parts) == len(actual) and all(_like(p, a) for p, a in zip(parts, actual, strict=True))


_OPERATORS: dict[str, Callable[[str, str], bool]] = {
    "StringEquals": lambda expected, actual: actual == expected,
    "StringLike": _like,
    "ArnEquals": _arn_like,
    "ArnLike": _arn_like,
    "Bool": lambda expected, actual: actual.lower() == expected.lower(),
}
_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}


def conditions_hold(condition: Mapping[str, Mapping[str, Any]], context: Mapping[str, str]) -> bool:
    """Every operator block holds (AND); within one key, any expected value matches (OR).

    A key absent from the request: a positive operator fails, a negated one holds (IAM's rule).
    """
    for operator, keys in condition.items():
        if operator == "Null":  # "true": the key is absent; "false": present
            if any((key not in context) != (str(v).lower() == "true") for key, v in keys.items()):
                return False
            continue
        negated = operator in _NEGATED
        base = _NEGATED.get(operator, operator)
        if base not in _OPERATORS:
            raise UnsupportedPolicy(f"condition operator {operator}")
        match = _OPERATORS[base]
        for key, expected in keys.items():
            actual = context.get(key)
            if actual is None:
                if not negated:
                    return False
                continue
            hit = any(match(value, actual) for value in _values(expected))
            if hit == negated:
                return False
    return True


def _principal_matches(principal: Any, request: Request) -> bool:
    if principal is None:  # an identity policy: its principal is the identity it is attached to
        return True
    if principal == "*":
        return True
    if not isinstance(principal, dict) or not set(principal) <= {"AWS", "Service"}:
        raise UnsupportedPolicy(f"principal {principal!r}")
    aws = _values(principal.get("AWS", []))
    services = _values(principal.get("Service", []))
    return "*" in aws or request.principal_arn in aws or request.service in services


def _literal(pattern: str) -> str:
    """`pattern` with every character but `*` escaped: moto turns `*` into `.*` and matches the rest
    as a regular expression, so an unescaped `.` or `+` in an ARN would match other characters."""
    return "".join(character if character == "*" else re.escape(character) for character in pattern)


def statement_effect(statement: Mapping[str, Any], request: Request) -> str | None:
    """ "Allow" or "Deny" when `statement` applies to `request`, else None."""
    unknown = set(statement) - SUPPORTED_ELEMENTS
    if unknown:
        raise UnsupportedPolicy(f"policy element(s) {sorted(unknown)}")
    for key in ("Action", "NotAction", "Resource"):
        if any("?" in value for value in _values(statement.get(key, []))):
            raise UnsupportedPolicy(f"'?' wildcard in {key}")
    if not _principal_matches(statement.get("Principal"), request):
        return None
    if not conditions_hold(statement.get("Condition", {}), request.context):
        return None
    bare: dict[str, Any] = {"Effect": statement.get("Effect")}
    for key in ("Action", "NotAction"):
        if key in statement:
            bare[key] = [_literal(value.lower()) for value in _values(statement[key])]
    # A trust policy has no Resource: the role itself is the resource.
    bare["Resource"] = [_literal(value) for value in _values(statement.get("Resource", "*"))]
    result = IAMPolicyStatement(bare).is_action_permitted(request.action.lower(), request.resource)
    if result == PermissionResult.NEUTRAL:
        return None
    return "Allow" if result == PermissionResult.PERMITTED else "Deny"


def statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = document.get("Statement", [])
    return list(found) if isinstance(found, list) else [found]


@dataclass(frozen=True)
class Decision:
    allowed: bool
    allowed_by: tuple[str, ...]
    denied_by: tuple[str, ...]


def evaluate(
    request: Request,
    *,
    identity: Iterable[tuple[str, Mapping[str, Any]]],
    resource: Iterable[tuple[str, Mapping[str, Any]]] = (),
) -> Decision:
    """Same-account evaluation: allowed when an identity statement allows and no statement of either
    kind denies. `identity`/`resource`: (name, policy document) pairs; names are reported back."""
    allowed_by: list[str] = []
    denied_by: list[str] = []
    for kind, documents in (("identity", identity), ("resource", resource)):
        for name, document in documents:
            for index, statement in enumerate(statements(document)):
                effect = statement_effect(statement, request)
                label = f"{name}/{statement.get('Sid', index)}"
                if effect == "Deny":
                    denied_by.append(label)
                elif effect == "Allow" and kind == "identity":
                    allowed_by.append(label)
    return Decision(bool(allowed_by) and not denied_by, tuple(allowed_by), tuple(denied_by))


def document_of(value: Any) -> Mapping[str, Any]:
    """A policy document given as a dict or as JSON text."""
    parsed: Mapping[str, Any] = json.loads(value) if isinstance(value, str) else value
    return parsed
