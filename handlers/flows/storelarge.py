"""The store-large Lambda's steps (handlers/store_large.py): its table, the claim-checked record's bytes,
the conditional put."""

from __future__ import annotations

import os
from typing import Any

from handlers.adapters.awserrors import error_code, transient_as_named_error
from handlers.core.classify import Valid
from handlers.seams.errors import ClaimMismatch, ConfigurationError, OrderConflict, SourceNotFound
from handlers.seams.model import Pointer
from handlers.seams.settings import HASH_ATTRIBUTE, ORDERS_TABLE_ENV, PUT_CONDITION
from handlers.seams.shapes import KEY_OUTCOME, OUTCOME_DUPLICATE, OUTCOME_STORED


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


def put(dynamodb: Any, valid: Valid, *, table: str) -> dict[str, Any]:
    """Put the record's item unless its order_id is stored: the store-large result, "stored" for a new
    item, "duplicate" when the identical record is already stored; OrderConflict when another is."""
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
    return {"stored": True, KEY_OUTCOME: OUTCOME_STORED}
