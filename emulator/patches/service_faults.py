"""Gap (moto 5.2.5): DynamoDB, SQS, S3 and Lambda never throttle and never fail with a 5xx.

On AWS any data-plane call can be throttled (DynamoDB ProvisionedThroughputExceededException, SQS
ThrottlingException, S3 503 SlowDown, Lambda 429 TooManyRequestsException) or fail on the service's
side (HTTP 500); the SDKs and the state machine's Retry blocks exist for that. moto answers every
call. Patched at the one door every call comes through, the server's WSGI dispatcher
(`moto.moto_server.werkzeug_app.DomainDispatcherApplication.__call__`): when emulator/faults.py
rolls a fault for the call, the server answers with that service's own error shape (protocol,
status, code) instead of calling moto, so botocore in a handler and the state machine's service
integrations see exactly what AWS would send. Only the pipeline's calls are eligible: the
emulator's own clients (emulator/clients.py: deploys, uploads, reconciliation reads) mark
themselves with `HARNESS_AGENT` in their User-Agent and are never faulted.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication

from emulator import faults
from emulator.clients import HARNESS_AGENT

PROVEN_BY = "tests/unit/emulator/test_emulator_faults.py::test_pipeline_calls_fail_and_harness_calls_do_not"

# Data-plane actions the pipeline makes (JSON protocols name them in X-Amz-Target).
_DYNAMODB_ACTIONS = frozenset(
    {"PutItem", "UpdateItem", "GetItem", "DeleteItem", "Query", "TransactWriteItems", "BatchWriteItem"}
)
_SQS_ACTIONS = frozenset({"SendMessage", "SendMessageBatch"})
_LAMBDA_INVOKE = re.compile(r"^/[^/]+/functions/[^/]+/invocations$")

# (HTTP status, AWS error code, message) per service and fault.
_ERRORS: dict[str, tuple[int, str, str]] = {
    "dynamodb.throttle": (
        400,
        "ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput for the table was exceeded.",
    ),
    "dynamodb.5xx": (500, "InternalServerError", "Internal server error"),
    "sqs.throttle": (400, "ThrottlingException", "Rate exceeded"),
    "sqs.5xx": (500, "InternalError", "We encountered an internal error. Please try again."),
    "s3.throttle": (503, "SlowDown", "Please reduce your request rate."),
    "s3.5xx": (500, "InternalError", "We encountered an internal error. Please try again."),
    "lambda.throttle": (429, "TooManyRequestsException", "Rate Exceeded."),
    "lambda.5xx": (500, "ServiceException", "The AWS Lambda service encountered an internal error."),
}

_StartResponse = Callable[..., Any]
# moto's backend names where they differ from the service's.
_SERVICE_NAMES = {"awslambda": "lambda"}


def install() -> None:
    DomainDispatcherApplication.__call__ = _call(DomainDispatcherApplication.__call__)  # type: ignore[method-assign]


def _call(original: Any) -> Any:
    def __call__(
        self: DomainDispatcherApplication, environ: dict[str, Any], start_response: _StartResponse
    ) -> Any:
        if faults.current().rate > 0 and HARNESS_AGENT not in environ.get("HTTP_USER_AGENT", ""):
            service = str(getattr(self.get_application(environ), "service", None))
            answer = _fault(_SERVICE_NAMES.get(service, service), environ)
            if answer is not None:
                status, headers, body = answer
                start_response(status, headers)
                return [body]
        return original(self, environ, start_response)

    return __call__


def _body(environ: dict[str, Any]) -> bytes:
    """Read the request body and put it back for moto."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _call_key(service: str, environ: dict[str, Any]) -> tuple[str, str] | None:
    """(action, key) of a data-plane call the pipeline makes, else None (not eligible)."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    path = environ.get("PATH_INFO", "")
    method = environ.get("REQUEST_METHOD", "")
    if service == "dynamodb":
        action = target.rpartition(".")[2]
        if action not in _DYNAMODB_ACTIONS:
            return None
        body = _body(environ)
        table = re.search(rb'"TableName"\s*:\s*"([^"]*)"', body)
        return action, f"{table.group(1).decode() if table else ''}:{_digest(body)}"
    if service == "sqs":
        action = target.rpartition(".")[2] or _form_action(_body(environ))
        return (action, _digest(_body(environ))) if action in _SQS_ACTIONS else None
    if service == "lambda":
        return ("Invoke", path + _digest(_body(environ))) if _LAMBDA_INVOKE.match(path) else None
    if service == "s3":
        host = environ.get("HTTP_HOST", "")
        bucket_in_host = host.count(".") >= 1 and not host.replace(".", "").replace(":", "").isdigit()
        has_key = len([p for p in path.split("/") if p]) >= (1 if bucket_in_host else 2)
        query = environ.get("QUERY_STRING", "")
        return (method, f"{host}{path}?{query}") if has_key else None
    return None


def _form_action(body: bytes) -> str:
    found = re.search(rb"(?:^|&)Action=([A-Za-z]+)", body)
    return found.group(1).decode() if found else ""


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:24]


def _fault(service: str, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes] | None:
    if service not in faults.SERVICES:
        return None
    call = _call_key(service, environ)
    if call is None:
        return None
    action, key = call
    for kind in (f"{service}.throttle", f"{service}.5xx"):
        if faults.roll(kind, f"{action}:{key}"):
            return _answer(service, kind, json_protocol=bool(environ.get("HTTP_X_AMZ_TARGET")))
    return None


def _answer(service: str, kind: str, *, json_protocol: bool) -> tuple[str, list[tuple[str, str]], bytes]:
    status, code, message = _ERRORS[kind]
    request_id = str(uuid.uuid4())
    reason = {400: "Bad Request", 429: "Too Many Requests", 500: "Internal Server Error", 503: "Slow Down"}
    status_line = f"{status} {reason[status]}"
    headers: list[tuple[str, str]] = [("x-amzn-RequestId", request_id), ("x-amz-request-id", request_id)]
    if service == "s3" or (service == "sqs" and not json_protocol):
        xml = _xml(service, code, message, request_id)
        return status_line, [*headers, ("Content-Type", "application/xml")], xml
    if service == "lambda":
        body = {"Type": "Service" if status >= 500 else "User", "message": message}
        return (
            status_line,
            [*headers, ("x-amzn-ErrorType", code), ("Content-Type", "application/json")],
            _json(body),
        )
    namespace = "com.amazonaws.dynamodb.v20120810" if service == "dynamodb" else "com.amazonaws.sqs"
    headers.append(("Content-Type", "application/x-amz-json-1.0"))
    if service == "sqs":
        headers.append(("x-amzn-query-error", f"{code};{'Receiver' if status >= 500 else 'Sender'}"))
    return status_line, headers, _json({"__type": f"{namespace}#{code}", "message": message})


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


def _xml(service: str, code: str, message: str, request_id: str) -> bytes:
    if service == "s3":
        text = (
            f"<Error><Code>{code}</Code><Message>{message}</Message>"
            f"<RequestId>{request_id}</RequestId></Error>"
        )
    else:
        text = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
            f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode()
