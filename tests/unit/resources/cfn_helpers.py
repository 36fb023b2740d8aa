"""Helpers for reading a rendered template in tests (imported by the test modules beside it)."""

from __future__ import annotations

from typing import Any


def props(resources: dict[str, Any], name: str) -> dict[str, Any]:
    """A resource's Properties."""
    return resources[name]["Properties"]


def ref(name: str) -> dict[str, str]:
    return {"Ref": name}


def arn_of(name: str, attribute: str = "Arn") -> dict[str, list[str]]:
    return {"Fn::GetAtt": [name, attribute]}


def statements(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A policy document's statements by Sid."""
    return {statement["Sid"]: statement for statement in document["Statement"]}


def inline_statements(role_props: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every statement of a role's inline policies, by Sid."""
    found: dict[str, dict[str, Any]] = {}
    for policy in role_props["Policies"]:
        found.update(statements(policy["PolicyDocument"]))
    return found


def grants(statements_by_sid: dict[str, dict[str, Any]]) -> dict[str, tuple[list[str], list[Any]]]:
    """Sid -> (sorted actions, resources): what each Allow statement grants on what."""
    return {
        sid: (sorted(statement["Action"]), statement["Resource"])
        for sid, statement in statements_by_sid.items()
        if statement["Effect"] == "Allow"
    }


def objects(prefix: str = "") -> dict[str, Any]:
    """The Sub that names IngestBucket's objects under `prefix`."""
    return {"Fn::Sub": ["${BucketArn}/" + prefix + "*", {"BucketArn": arn_of("IngestBucket")}]}
