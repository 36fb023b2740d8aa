"""Gap (moto 5.2.5): a GET of a missing key or version answers 404 to every caller. AWS answers 404
(NoSuchKey / NoSuchVersion) only to a caller allowed s3:ListBucket on the bucket, 403 AccessDenied to
any other, so a role without that grant cannot tell a missing object from a forbidden one.

Patched at two points: `emulator.lambda_runner.invoke`, so that a function's handler signs its
requests with an access key that names the function's role, and `S3Response.get_object`, where a
missing key asked for by such a role whose policies (as deployed into moto's IAM) do not allow
s3:ListBucket on the bucket becomes AccessDenied, decided by the policy evaluator of the build-time
proof (resources/policy_eval.py). Requests from anyone else (tests, the CLI) keep moto's answer.
"""

from __future__ import annotations

import ast
import hashlib
import json
from typing import Any

from moto.awslambda.models import lambda_backends
from moto.iam.models import iam_backends
from moto.s3.exceptions import MissingKey, MissingVersion, S3AccessDeniedError
from moto.s3.responses import S3Response

from emulator import lambda_runner
from resources.policy_eval import Request, evaluate

PROVEN_BY = (
    "tests/e2e/test_e2e_missing_object.py::test_without_list_bucket_a_missing_object_is_access_denied_as_on_aws"
)
# Access key (20 upper-case characters, as moto parses them) -> the role ARN it stands for.
_ROLES: dict[str, str] = {}


def access_key_for(role_arn: str) -> str:
    key = "AKIA" + hashlib.sha256(role_arn.encode()).hexdigest().upper()[:16]
    _ROLES[key] = role_arn
    return key


def install() -> None:
    signed = _signed_as_role(lambda_runner.invoke)
    lambda_runner.invoke = signed  # type: ignore[assignment]
    original = S3Response.get_object

    def get_object(self: S3Response) -> Any:
        try:
            return original(self)
        except (MissingKey, MissingVersion):
            role = _ROLES.get(self.get_access_key())
            if role is not None and not _may_list(role, self.bucket_name):
                raise S3AccessDeniedError() from None
            raise

    S3Response.get_object = get_object  # type: ignore[method-assign]


def _signed_as_role(invoke: Any) -> Any:
    def signed(*, environment: Any, context: Any, **kwargs: Any) -> Any:
        role = _function_role(str(context.invoked_function_arn))
        if role:
            environment = {**environment, "AWS_ACCESS_KEY_ID": access_key_for(role)}
        return invoke(environment=environment, context=context, **kwargs)

    return signed


def _function_role(function_arn: str) -> str | None:
    parts = function_arn.split(":")
    if len(parts) < 7:
        return None
    region, account, name = parts[3], parts[4], parts[6]
    try:
        return str(lambda_backends[account][region].get_function(name).role)
    except Exception:  # an unknown function keeps the runner's own credentials
        return None


def _document(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return ast.literal_eval(text)  # moto keeps some CloudFormation policies as a Python repr


def _may_list(role_arn: str, bucket: str) -> bool:
    account, partition = role_arn.split(":")[4], role_arn.split(":")[1]
    backend = iam_backends[account][partition]
    role = backend.get_role_by_arn(role_arn)
    documents = [(name, _document(text)) for name, text in role.policies.items()]
    for policy in role.managed_policies.values():
        default = next(version for version in policy.versions if version.is_default)
        documents.append((policy.name, _document(default.document)))
    request = Request("s3:ListBucket", f"arn:{partition}:s3:::{bucket}", principal_arn=role_arn)
    return evaluate(request, identity=documents).allowed
