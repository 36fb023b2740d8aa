"""Which AWS SDK failures are transient (retried by the state machine as TransientError)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from handlers.seams.errors import TransientError

TRANSIENT_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "InternalError",
        "InternalServerError",
        "InternalFailure",
        "ServiceUnavailable",
        "RequestTimeout",
        "RequestTimeoutException",
        "TransactionInProgressException",
    }
)
TRANSIENT_CLASSES = frozenset(
    {
        "EndpointConnectionError",
        "ConnectionClosedError",
        "ReadTimeoutError",
        "ConnectTimeoutError",
        "ResponseStreamingError",
        "IncompleteReadError",
        "ProtocolError",
    }
)


def error_code(exc: BaseException) -> str | None:
    """The AWS error code of a botocore ClientError, else None."""
    response: Any = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return code if isinstance(code, str) else None
    return None


def is_transient(exc: BaseException) -> bool:
    response: Any = getattr(exc, "response", None)
    if isinstance(response, dict):
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        return error_code(exc) in TRANSIENT_CODES or (isinstance(status, int) and status >= 500)
    return type(exc).__name__ in TRANSIENT_CLASSES


@contextmanager
def transient_as_named_error(action: str) -> Iterator[None]:
    """Re-raise throttling, 5xx and connection failures as TransientError (the ASL retries that name)."""
    try:
        yield
    except Exception as exc:
        if is_transient(exc):
            raise TransientError(f"{action}: {type(exc).__name__} {error_code(exc) or ''}".strip()) from exc
        raise
