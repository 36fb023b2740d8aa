"""Store-large Lambda: put one claim-checked valid record into the orders table, conditionally (steps:
handlers/flows/storelarge.py)."""

from __future__ import annotations

import importlib

if not __package__:
    # On Lambda this file is the top-level module of the zip root: register that root as `handlers`.
    importlib.import_module("_package")

from typing import Any

from handlers.adapters import clients
from handlers.core.claims import item_from_claim
from handlers.flows.storelarge import put, read_claim, table_name
from handlers.seams.model import Pointer, Source
from handlers.seams.shapes import EVENT_SOURCE, KEY_HASH, KEY_INDEX, KEY_POINTER


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
    # The container's clients (handlers/adapters/clients.py: created once, not per invocation).
    body = read_claim(clients.client("s3"), pointer)
    index, expected_hash = int(event[KEY_INDEX]), str(event[KEY_HASH])
    valid = item_from_claim(body, source=source, index=index, expected_hash=expected_hash)
    return put(clients.client("dynamodb"), valid, table=table)
