"""Reading an uploaded object: GetObject by version, a missing key retried once URL-decoded.

The validator's S3 client is the container's (handlers/adapters/clients.py: created once).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from handlers.adapters import clients
from handlers.adapters.awserrors import error_code, transient_as_named_error
from handlers.seams.errors import SourceNotFound

_NOT_FOUND = frozenset({"NoSuchKey", "NoSuchVersion", "404", "NotFound"})
_RETRY_DECODED = _NOT_FOUND | {"AccessDenied", "403"}


def s3_client() -> Any:
    """The container's S3 client (handlers/adapters/clients.py: created once, not per invocation)."""
    return clients.client("s3")


def get_object(
    s3: Any, bucket: str, key: str, version_id: str | None, byte_range: str | None = None
) -> dict[str, Any]:
    request = {"Bucket": bucket, "Key": key}
    if version_id:
        request["VersionId"] = version_id
    if byte_range:
        request["Range"] = byte_range
    response: dict[str, Any] = s3.get_object(**request)
    return response


def open_object(
    s3: Any, bucket: str, key: str, version_id: str | None, byte_range: str | None = None
) -> tuple[str, dict[str, Any]]:
    """GetObject (the version when given; `byte_range` an HTTP Range, a split file's range); a key not
    found is retried once URL-decoded. (key, response).

    Without s3:ListBucket, S3 answers a missing key with AccessDenied, so that is retried too.
    """
    candidates = [key] if unquote_plus(key) == key else [key, unquote_plus(key)]
    failure: Exception | None = None
    for candidate in candidates:
        try:
            with transient_as_named_error("s3 GetObject"):
                return candidate, get_object(s3, bucket, candidate, version_id, byte_range)
        except Exception as exc:
            if error_code(exc) not in _RETRY_DECODED:
                raise
            failure = exc
    assert failure is not None
    if error_code(failure) in _NOT_FOUND:
        raise SourceNotFound(f"s3://{bucket}/{key} not found") from failure
    raise failure
