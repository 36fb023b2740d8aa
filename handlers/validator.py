"""Validator Lambda: stream an uploaded file from S3, classify every record, write the batch manifest."""

from __future__ import annotations

import importlib

if not __package__:
    # On Lambda this file is the top-level module of the zip root: register that root as `handlers`.
    importlib.import_module("_package")

import json
import logging
import os
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_plus

from handlers.awserrors import error_code, transient_as_named_error
from handlers.contract import (
    DEFAULT_MAX_FILE_BYTES,
    DEFAULT_MAX_REJECTED_RECORDS,
    MAX_FILE_BYTES_ENV,
    MAX_REJECTED_RECORDS_ENV,
)
from handlers.errors import ConfigurationError, FileRejected, SourceNotFound
from handlers.model import Source, file_hash, manifest_key
from handlers.pipeline import process_file
from handlers.review import file_review
from handlers.s3io import S3ClaimWriter, S3ManifestWriter
from handlers.sqssafe import review_source

LOGGER = logging.getLogger(__name__)
LOGGER.setLevel(logging.INFO)
_NOT_FOUND = frozenset({"NoSuchKey", "NoSuchVersion", "404", "NotFound"})
_RETRY_DECODED = _NOT_FOUND | {"AccessDenied", "403"}


def _s3_client() -> Any:
    import boto3  # Lambda runtime library; imported here so the core needs none

    return boto3.client("s3")


def _get(s3: Any, bucket: str, key: str, version_id: str | None) -> dict[str, Any]:
    request = {"Bucket": bucket, "Key": key}
    if version_id:
        request["VersionId"] = version_id
    response: dict[str, Any] = s3.get_object(**request)
    return response


def open_object(s3: Any, bucket: str, key: str, version_id: str | None) -> tuple[str, dict[str, Any]]:
    """GetObject (the version when given); a key not found is retried once URL-decoded. (key, response).

    Without s3:ListBucket, S3 answers a missing key with AccessDenied, so that is retried too.
    """
    candidates = [key] if unquote_plus(key) == key else [key, unquote_plus(key)]
    failure: Exception | None = None
    for candidate in candidates:
        try:
            with transient_as_named_error("s3 GetObject"):
                return candidate, _get(s3, bucket, candidate, version_id)
        except Exception as exc:
            if error_code(exc) not in _RETRY_DECODED:
                raise
            failure = exc
    assert failure is not None
    if error_code(failure) in _NOT_FOUND:
        raise SourceNotFound(f"s3://{bucket}/{key} not found") from failure
    raise failure


def limit_from_env(name: str, default: int) -> int:
    """A non-negative integer limit from the environment (the default when unset or empty)."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise ConfigurationError(f"environment variable {name} must be a non-negative integer")
    return value


def _remaining_ms(context: object) -> Callable[[], int] | None:
    """The Lambda context's get_remaining_time_in_millis (None without one: no time budget)."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return remaining if callable(remaining) else None


def _log(message: str, **fields: Any) -> None:
    LOGGER.info(json.dumps({"message": message, **fields}, sort_keys=True))


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    """Validate one uploaded object.

    Event: {"bucket": str, "key": str, "version_id": str | null, "etag": str | null}.
    Returns (docs/CONTRACT.md; counts and pointers only, never record content):
      {"file_rejected": false, "records", "valid", "large", "invalid", "batches",
       "manifest": {"bucket", "key", "version_id"}}
      or {"file_rejected": true, "records": null, "reason": code, "review": <review message>}.
    Raises TransientError (retry), SourceNotFound (object gone), ConfigurationError (a bad limit),
    ValidationTimeBudgetExceeded (less than VALIDATION_TIME_MARGIN_MS left of the invocation: the file
    is too large for one invocation at this memory size; the ledger records the name).
    Limits: MAX_REJECTED_RECORDS (default 1000) and MAX_FILE_BYTES (decoded, default 2 GiB).
    Needs s3:GetObject and s3:GetObjectVersion on the bucket; s3:PutObject and s3:AbortMultipartUpload
    on `_pipeline/*`.
    """
    max_rejected = limit_from_env(MAX_REJECTED_RECORDS_ENV, DEFAULT_MAX_REJECTED_RECORDS)
    max_file_bytes = limit_from_env(MAX_FILE_BYTES_ENV, DEFAULT_MAX_FILE_BYTES)
    bucket = str(event["bucket"])
    version_id = event.get("version_id") or None
    s3 = _s3_client()
    key, response = open_object(s3, bucket, str(event["key"]), version_id)
    etag = event.get("etag") or str(response.get("ETag", "")).strip('"') or None
    source: Source = {"bucket": bucket, "key": key, "version_id": version_id, "etag": etag}
    location: dict[str, Any] = {"bucket": bucket, "key": manifest_key(file_hash(source))}
    body = response["Body"]
    try:
        with transient_as_named_error("validate"):
            summary = process_file(
                body,
                source=source,
                manifest=S3ManifestWriter(s3, bucket, location["key"]),
                claims=S3ClaimWriter(s3, bucket),
                max_rejected=max_rejected,
                max_file_bytes=max_file_bytes,
                remaining_ms=_remaining_ms(context),
            )
    except FileRejected as rejected:
        _log("file rejected", bucket=bucket, key=key, reason=rejected.reason)
        review = file_review(
            reason=rejected.reason,
            message=rejected.message,
            source=review_source(source),
            rejections=rejected.rejections,
        )
        return {"file_rejected": True, "records": None, "reason": rejected.reason, "review": review}
    finally:
        body.close()
    counts = {
        "records": summary.records,
        "valid": summary.valid,
        "large": summary.large,
        "invalid": summary.invalid,
        "batches": summary.batches,
    }
    _log("file validated", bucket=bucket, key=key, **counts)
    location["version_id"] = summary.manifest_version
    return {"file_rejected": False, **counts, "manifest": location}
