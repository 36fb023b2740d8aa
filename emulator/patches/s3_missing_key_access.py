"""Gap (moto 5.2.5): a GET of a missing key or version answers 404 to every caller. AWS answers 404
(NoSuchKey / NoSuchVersion) only to a caller allowed s3:ListBucket on the bucket, 403 AccessDenied to
any other, so a role without that grant cannot tell a missing object from a forbidden one.

Patched at three points: `emulator.lambda_runner.invoke` notes the invoked function's role for the
handler's thread; botocore's `Endpoint.make_request` adds that role as a request header to every call
made from that thread (so a client the handler cached in an earlier invocation, of another function
with the same code, still names this one's role); `S3Response.get_object` turns a missing key asked
for by a role whose policies (as deployed into moto's IAM) do not allow s3:ListBucket on the bucket
into AccessDenied, decided by the build-time proof's evaluator (resources/policy_eval.py). Requests
from anyone else (tests, the CLI, Step Functions' own calls) keep moto's answer.
"""

from __future__ import annotations

import ast
import json
import threading
from typing import Any

from botocore.endpoint import Endpoint
from moto.awslambda.models import lambda_backends
from moto.iam.models import iam_backends
from moto.s3.exceptions import MissingKey, MissingVersion, S3AccessDeniedError
from moto.s3.responses import S3Response

from emulator import lambda_runner
from resources.policy_eval import Request, evaluate

PROVEN_BY = (
    "tests/e2e/test_e2e_missing_object.py::test_without_list_bucket_a_missing_object_is_access_denied_as_on_aws"
)
ROLE_HEADER = "x-emulator-caller-role"
_CALLER = threading.local()


def install() -> None:
    lambda_runner.invoke = _as_role(lambda_runner.invoke)  # type: ignore[assignment]
    make_request = Endpoint.make_request

    def named_make_request(self: Endpoint, operation_model: Any, request_dict: dict[str, Any]) -> Any:
        role = getattr(_CALLER, "role", None)
        if role:
            request_dict.setdefault("headers", {})[ROLE_HEADER] = role
        return make_request(self, operation_model, request_dict)

    Endpoint.make_request = named_make_request  # type: ignore[method-assign]
    get_object = S3Response.get_object

    def strict_get_object(self: S3Response) -> Any:
        try:
            return get_object(self)
        except (MissingKey, MissingVersion):
            role = self.headers.get(ROLE_HEADER)
            if role and not _may_list(str(role), self.bucket_name):
                raise S3AccessDeniedError() from None
            raise

    S3Response.get_object = strict_get_object  # type: ignore[method-assign]


def _as_role(invoke: Any) -> Any:
    def invoke_as_role(*, context: Any, **kwargs: Any) -> Any:
        previous = getattr(_CALLER, "role", None)
        _CALLER.role = _function_role(str(context.invoked_function_arn))
        try:
            return invoke(context=context, **kwargs)
        finally:
            _CALLER.role = previous

    return invoke_as_role


def _function_role(function_arn: str) -> str | None:
    parts = function_arn.split(":")
    if len(parts) < 7:
        return None
    region, account, name = parts[3], parts[4], parts[6]
    try:
        return str(lambda_backends[account][region].get_function(name).role)
    except Exception:  # an unknown function's calls keep moto's answers
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
    role = iam_backends[account][partition].get_role_by_arn(role_arn)
    documents = [(name, _document(text)) for name, text in role.policies.items()]
    for policy in role.managed_policies.values():
        default = next(version for version in policy.versions if version.is_default)
        documents.append((policy.name, _document(default.document)))
    request = Request("s3:ListBucket", f"arn:{partition}:s3:::{bucket}", principal_arn=role_arn)
    return evaluate(request, identity=documents).allowed
