"""`review status KEY`: the file ledger's entry for each version of an uploaded file, newest first."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from handlers.seams.ledgeritem import (
    LEDGER_COUNTS,
    LEDGER_ERROR_NAME,
    LEDGER_EXECUTION_ARN,
    LEDGER_EXPIRES_AT,
    LEDGER_FILE_ID,
    LEDGER_FILE_REJECTED,
    LEDGER_FINISHED_AT,
    LEDGER_LANE,
    LEDGER_OUTCOMES,
    LEDGER_REASON,
    LEDGER_REJECTED_BY_REASON,
    LEDGER_REJECTED_BY_RULE,
    LEDGER_STARTED_AT,
    LEDGER_STATUS,
    LEDGER_STATUS_DONE,
    LEDGER_STATUS_FAILED,
)
from review.errors import ReviewError
from review.stack import Stack

FINISHED = frozenset({LEDGER_STATUS_DONE, LEDGER_STATUS_FAILED})
_DESERIALIZER = TypeDeserializer()
# The ledger's attributes in reading order (docs/reference.md "The file ledger"); others follow sorted.
ORDER = (
    LEDGER_STATUS,
    LEDGER_FILE_REJECTED,
    LEDGER_REASON,
    *LEDGER_COUNTS,
    *LEDGER_OUTCOMES,
    LEDGER_REJECTED_BY_REASON,
    LEDGER_REJECTED_BY_RULE,
    LEDGER_ERROR_NAME,
    LEDGER_STARTED_AT,
    LEDGER_FINISHED_AT,
    LEDGER_EXECUTION_ARN,
    LEDGER_EXPIRES_AT,
)


def versions(s3: Any, bucket: str, key: str) -> list[tuple[str | None, str]]:
    """(version id or None when unversioned, etag) of each version of `key`, newest first."""
    response = s3.list_object_versions(Bucket=bucket, Prefix=key)
    found = [v for v in response.get("Versions", []) if v["Key"] == key]
    found.sort(key=lambda v: v["LastModified"], reverse=True)
    return [(None if v["VersionId"] == "null" else v["VersionId"], v["ETag"].strip('"')) for v in found]


def entry(dynamodb: Any, table: str, file_id: str) -> dict[str, Any] | None:
    item = dynamodb.get_item(TableName=table, Key={LEDGER_FILE_ID: {"S": file_id}}, ConsistentRead=True).get(
        "Item"
    )
    return {name: _DESERIALIZER.deserialize(value) for name, value in item.items()} if item else None


def lookup(s3: Any, dynamodb: Any, stack: Stack, key: str) -> list[tuple[str, dict[str, Any] | None]]:
    found = versions(s3, stack.bucket, key)
    if not found:
        raise ReviewError(f"s3://{stack.bucket}/{key}: no such object in the stack's bucket")
    ids = [f"{stack.bucket}/{key}#{version or etag}" for version, etag in found]
    return [(file_id, entry(dynamodb, stack.ledger_table, file_id)) for file_id in ids]


def state_of(found: list[tuple[str, dict[str, Any] | None]]) -> str:
    """`no such object`, `no ledger entry`, or the newest version's status (and lane)."""
    if not found:
        return "no such object"
    latest = found[0][1]
    if latest is None:
        return "no ledger entry"
    lane = f" (lane {latest[LEDGER_LANE]})" if latest.get(LEDGER_LANE) else ""
    return f"{latest.get(LEDGER_STATUS, 'no status')}{lane}"


def wait(
    s3: Any,
    dynamodb: Any,
    stack: Stack,
    key: str,
    timeout: float,
    on_change: Callable[[str], None] | None = None,
) -> list[tuple[str, dict[str, Any] | None]]:
    """Poll until the newest version's entry is DONE or FAILED (ReviewError after `timeout` seconds);
    `on_change` hears each new state (`IN_PROGRESS (lane express)`, `DONE (lane express)`, ...)."""
    deadline = time.monotonic() + timeout
    said: str | None = None
    while True:
        try:
            found = lookup(s3, dynamodb, stack, key)
        except ReviewError:
            found = []  # not uploaded yet: wait for it too
        state = (found[0][0] + ": " if found else "") + state_of(found)
        if on_change is not None and state != said:
            on_change(state)
            said = state
        latest = found[0][1] if found else None
        if latest is not None and latest.get(LEDGER_STATUS) in FINISHED:
            return found
        if time.monotonic() > deadline:
            state = "no such object" if not found else (latest or {}).get(LEDGER_STATUS, "no ledger entry")
            raise ReviewError(f"{key}: still {state} after {timeout:.0f} s")
        time.sleep(1)


def _value(value: Any) -> str:
    # rejected_by_reason (a map) as `conflict 1, missing_order_id 2`; counted_batches (a set) sorted;
    # expires_at NULL (LedgerRetentionDays 0) as `never`.
    if isinstance(value, dict):
        return ", ".join(f"{k} {_value(v)}" for k, v in sorted(value.items())) or "none"
    if isinstance(value, set):
        return ", ".join(_value(v) for v in sorted(value)) or "none"
    if value is None:
        return "never"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else str(value)
    return str(value)


def render(found: list[tuple[str, dict[str, Any] | None]]) -> str:
    lines: list[str] = []
    for position, (file_id, item) in enumerate(found):
        lines.append(f"{file_id}{'  (latest)' if position == 0 else ''}")
        if item is None:
            lines.append("  no ledger entry (not processed yet, or the upload was not an order file)")
            continue
        rest = sorted(n for n in item if n not in ORDER and n != LEDGER_FILE_ID)
        names = [n for n in ORDER if n in item] + rest
        lines += [f"  {name}: {_value(item[name])}" for name in names]
    return "\n".join(lines)
