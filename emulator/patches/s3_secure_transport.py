"""Gap (moto 5.2.5): a bucket policy's TLS-only statement (`Deny` when `Bool aws:SecureTransport false`)
denies every object request. moto's condition check knows only `StringEquals` and treats any other
condition as met, and it supplies no `aws:SecureTransport`; so `aws cloudformation package` cannot
upload into an artifacts bucket made TLS-only (as `sales-pipeline deploy` makes it), though on AWS,
reached over HTTPS as the AWS CLI and boto3 reach it, the statement never applies.

Patched at `moto.s3.models.FakeBucket.get_permission` (the bucket-policy check of object requests): a
request to the emulator stands for a TLS request, so exactly such a statement (Deny, its one condition
`Bool aws:SecureTransport false`) is left out of the evaluation; every other statement is evaluated by
moto as before.
"""

from __future__ import annotations

import json
from typing import Any

from moto.s3.models import FakeBucket

PROVEN_BY = "tests/unit/emulator/test_emulator_s3_secure_transport.py::test_a_tls_only_bucket_takes_uploads"


def install() -> None:
    FakeBucket.get_permission = _get_permission  # type: ignore[method-assign]


def denies_only_plain_http(statement: Any) -> bool:
    """Whether `statement` is the TLS-only Deny: it cannot match a request made over TLS."""
    if not isinstance(statement, dict) or statement.get("Effect") != "Deny":
        return False
    condition = statement.get("Condition")
    if not isinstance(condition, dict) or list(condition) != ["Bool"]:
        return False
    tests = condition["Bool"]
    if not isinstance(tests, dict) or list(tests) != ["aws:SecureTransport"]:
        return False
    value = tests["aws:SecureTransport"]
    values = value if isinstance(value, list) else [value]
    return [str(v).lower() for v in values] == ["false"]


def _get_permission(self: FakeBucket, action: str, resource: str) -> Any:
    from moto.iam.access_control import IAMPolicy, PermissionResult

    if self.policy is None:
        return PermissionResult.NEUTRAL
    policy = json.loads(self.policy.decode())
    statements = policy.get("Statement")
    listed = statements if isinstance(statements, list) else [statements]
    kept = [statement for statement in listed if not denies_only_plain_http(statement)]
    if not kept:
        return PermissionResult.NEUTRAL
    return IAMPolicy(json.dumps({**policy, "Statement": kept})).is_action_permitted(action, resource)
