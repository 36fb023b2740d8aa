"""Store-large Lambda: put one claim-checked valid record into the orders table, conditionally."""

from __future__ import annotations

import importlib

if not __package__:
    # On Lambda this file is the top-level module of the zip root: register that root as `handlers`.
    importlib.import_module("_package")

import os
from typing import Any

from handlers.adapters import clients
from handlers.adapters.awserrors import error_code, transient_as_named_error
from handlers.core.claims import item_from_claim
from handlers.seams.errors import ClaimMismatch, ConfigurationError, OrderConflict, SourceNotFound
from handlers.seams.model import Pointer, Source
from handlers.seams.settings import HASH_ATTRIBUTE, ORDERS_TABLE_ENV, PUT_CONDITION
from handlers.seams.shapes import (
    EVENT_SOURCE,
    KEY_HASH,
    KEY_INDEX,
    KEY_OUTCOME,
    KEY_POINTER,
    OUTCOME_DUPLICATE,
    OUTCOME_STORED,
)


def _client(name: str) -> Any:
    """The container's client for `name` (handlers/adapters/clients.py: created once, not per invocation)."""
    return clients.client(name)


def table_name() -> str:
    """The orders table from the environment, read at call time; fail fast when it is missing."""
    name = os.environ.get(ORDERS_TABLE_ENV, "").strip()
    if not name:
        raise ConfigurationError(f"environment variable {ORDERS_TABLE_ENV} is not set")
    return name


def read_claim(s3: Any, pointer: Pointer) -> bytes:
    """The claim-check body: the pointer's byte range of the exact pack version the validator wrote."""
    bucket, key = str(pointer["bucket"]), str(pointer["key"])
    offset, length = int(pointer["offset"]), int(pointer["length"])
    if offset < 0 or length <= 0:
        raise ClaimMismatch("the claim-check pointer names no bytes")
    request: dict[str, Any] = {"Bucket": bucket, "Key": key, "Range": f"bytes={offset}-{offset + length - 1}"}
    if pointer.get("version_id"):
        request["VersionId"] = str(pointer["version_id"])
    try:
        with transient_as_named_error("s3 GetObject claim"):
            body: bytes = s3.get_object(**request)["Body"].read()
    except Exception as exc:
        code = error_code(exc)
        if code in {"NoSuchKey", "NoSuchVersion", "404"}:
            raise SourceNotFound(f"claim pack s3://{bucket}/{key} (that version) not found") from exc
        if code == "InvalidRange":
            raise ClaimMismatch("the claim pack does not hold the pointer's byte range") from exc
        raise
    if len(body) != length:
        raise ClaimMismatch("the claim pack is shorter than the pointer's byte range")
    return body


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    """Store one large valid record.

    Event: {"pointer": {"bucket", "key", "version_id", "offset", "length"}, "hash": str, "index": int,
    "source": <exact source>}.
    Returns {"stored": true, "outcome": "stored"} for a new item, {"stored": true, "outcome":
    "duplicate"} when the identical record was already stored (the file ledger counts both).
    Raises OrderConflict (another record holds this order_id), TransientError (retry),
    SourceNotFound / ClaimMismatch (permanent), ConfigurationError (ORDERS_TABLE unset).
    Needs s3:GetObject and s3:GetObjectVersion on `_pipeline/claims/*`, s3:ListBucket on the bucket (a
    missing pack is NoSuchKey, not AccessDenied) and dynamodb:PutItem on the table.
    """
    table = table_name()
    pointer: Pointer = event[KEY_POINTER]
    source: Source = event[EVENT_SOURCE]
    body = read_claim(_client("s3"), pointer)
    index, expected_hash = int(event[KEY_INDEX]), str(event[KEY_HASH])
    valid = item_from_claim(body, source=source, index=index, expected_hash=expected_hash)
    dynamodb = _client("dynamodb")
    try:
        with transient_as_named_error("dynamodb PutItem"):
            dynamodb.put_item(
                TableName=table,
                Item=valid.item,
                ConditionExpression=PUT_CONDITION,
                # The item already there comes back with the failure: its hash tells an identical re-put
                # (nothing written, its first `_pipeline_source` kept) from a conflict.
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
    except Exception as exc:
        if error_code(exc) != "ConditionalCheckFailedException":
            raise
        stored = getattr(exc, "response", {}).get("Item", {}).get(HASH_ATTRIBUTE, {}).get("S")
        if stored != valid.hash:
            raise OrderConflict(
                f"order_id of record {valid.order_id!r} is stored with different content"
            ) from exc
        return {"stored": True, KEY_OUTCOME: OUTCOME_DUPLICATE}
    outcome = OUTCOME_STORED
    return {"stored": True, KEY_OUTCOME: outcome}
