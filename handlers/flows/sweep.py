"""The watchdog's sweep (handlers/watchdog.py): reads the ledger's open files, applies the decisions of
handlers/flows/watchdog_rules.py to the ledger and the STANDARD machine, and emits the counts as one EMF
line (counts only, never keys)."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime
from typing import Any

from handlers.adapters import clients
from handlers.adapters.awserrors import error_code
from handlers.adapters.metrics import FUNCTION_DIMENSION, NAMESPACE
from handlers.flows.watchdog_rules import (
    ENDED_STATUSES,
    EXECUTION_NOT_FOUND,
    Decision,
    OpenFile,
    Settings,
    decide,
    decide_ended,
    file_id_of,
    format_time,
    parse_time,
    redrive_event,
    redrive_name,
)
from handlers.seams.errors import ConfigurationError
from handlers.seams.ledgeritem import (
    LEDGER_OPEN_INDEX,
    LEDGER_OPEN_SINCE,
    LEDGER_REDRIVES,
    LEDGER_S3_OBJECT,
    LEDGER_STATUS_FAILED,
    LEDGER_STATUS_HANDED_OFF,
    LEDGER_STATUS_IN_PROGRESS,
)
from handlers.seams.settings import DEFAULT_MAX_REDRIVES, MAX_REDRIVES_ENV
from handlers.seams.watchdogsignals import (
    FILES_MARKED_FAILED,
    FILES_REDRIVEN,
    REDRIVES_EXHAUSTED,
    SCHEDULED,
    STATUS_CHANGE,
)

# The sweep stops taking new files this long before the invocation's timeout; the rest wait for the next.
TIME_RESERVE_MS = 20_000


class UnrecognizedEvent(ValueError):
    """The event is neither the schedule's nor a STANDARD execution's status change."""


def event_kind(event: dict[str, Any]) -> tuple[Any, Any]:
    """(source, detail-type) of a watchdog event: SCHEDULED or STATUS_CHANGE; UnrecognizedEvent else."""
    kind = (event.get("source"), event.get("detail-type"))
    if kind not in (SCHEDULED, STATUS_CHANGE):
        raise UnrecognizedEvent(f"not a watchdog event: source {kind[0]!r}, detail-type {kind[1]!r}")
    return kind


def client(name: str) -> Any:
    """The container's boto3 client for `name` (handlers/adapters/clients.py: created once)."""
    return clients.client(name)


def setting(name: str, default: str | None = None) -> str:
    """The environment variable `name` (or `default`), read at call time; fail fast when it is empty."""
    value = os.environ.get(name, default or "").strip()
    if not value:
        raise ConfigurationError(f"environment variable {name} is not set")
    return value


def settings() -> Settings:
    """The decisions' settings from the environment (MAX_REDRIVES, else its default)."""
    return Settings(max_redrives=int(setting(MAX_REDRIVES_ENV, str(DEFAULT_MAX_REDRIVES))))


def open_file(item: dict[str, Any]) -> OpenFile:
    """A DynamoDB JSON ledger item (or its index projection) as the watchdog sees it."""

    def text(name: str) -> str | None:
        value = item.get(name, {}).get("S")
        return value if isinstance(value, str) else None

    s3_object: dict[str, Any] | None = None
    raw = text(LEDGER_S3_OBJECT)
    if raw:
        try:
            loaded = json.loads(raw)
            s3_object = (
                loaded if isinstance(loaded, dict) and loaded.get("bucket") and loaded.get("key") else None
            )
        except ValueError:
            s3_object = None
    return OpenFile(
        file_id=text("file_id") or "",
        status=text("status") or "",
        lane=text("lane"),
        execution_arn=text("execution_arn"),
        open_since=parse_time(text(LEDGER_OPEN_SINCE)),
        redrives=int(item.get(LEDGER_REDRIVES, {}).get("N", "0")),
        s3_object=s3_object,
    )


class Watchdog:
    """Applies decisions to the ledger and the STANDARD machine; every ledger write is conditional on
    the claim that was read (status and execution), so a claim taken meanwhile is never changed."""

    def __init__(self, *, dynamodb: Any, stepfunctions: Any, table: str, machine_arn: str, config: Settings):
        self.dynamodb, self.stepfunctions = dynamodb, stepfunctions
        self.table, self.machine_arn, self.config = table, machine_arn, config
        self.counts = {"examined": 0, "marked_failed": 0, "redriven": 0, "given_up": 0}

    def sweep(self, *, now: datetime, remaining_ms: Any = None) -> None:
        """Every open file past the shortest deadline (IN_PROGRESS, HANDED_OFF) or delay (FAILED)."""
        cutoffs = {
            LEDGER_STATUS_IN_PROGRESS: now - self.config.express_deadline,
            LEDGER_STATUS_HANDED_OFF: now - self.config.express_deadline,
            LEDGER_STATUS_FAILED: now - self.config.redrive_delay,
        }
        for status, cutoff in cutoffs.items():
            for item in self._open(status, format_time(cutoff)):
                if remaining_ms is not None and remaining_ms() < TIME_RESERVE_MS:
                    return
                found = open_file(item)
                self.apply(found, decide(found, now=now, settings=self.config), now=now)

    def ended(self, detail: dict[str, Any], *, now: datetime) -> None:
        """A STANDARD execution ended FAILED / TIMED_OUT / ABORTED: its file, if it left one open."""
        status, execution_arn = detail.get("status"), detail.get("executionArn")
        file_id = file_id_of(detail.get("input") or "")
        if status not in ENDED_STATUSES or not isinstance(execution_arn, str) or file_id is None:
            return
        response = self.dynamodb.get_item(
            TableName=self.table, Key={"file_id": {"S": file_id}}, ConsistentRead=True
        )
        if "Item" not in response:
            return
        found = open_file(response["Item"])
        self.apply(
            found,
            decide_ended(found, execution_arn=execution_arn, status=status, settings=self.config),
            now=now,
        )

    def _open(self, status: str, cutoff: str) -> Any:
        request: dict[str, Any] = {
            "TableName": self.table,
            "IndexName": LEDGER_OPEN_INDEX,
            "KeyConditionExpression": "#status = :status AND #open_since <= :cutoff",
            "ExpressionAttributeNames": {"#status": "status", "#open_since": LEDGER_OPEN_SINCE},
            "ExpressionAttributeValues": {":status": {"S": status}, ":cutoff": {"S": cutoff}},
        }
        while True:
            page = self.dynamodb.query(**request)
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def apply(self, item: OpenFile, decision: Decision, *, now: datetime) -> None:
        self.counts["examined"] += 1
        if decision.check_execution and item.execution_arn:
            status = self._execution_status(item.execution_arn)
            decision = decide_ended(
                item, execution_arn=item.execution_arn, status=status, settings=self.config
            )
        if not decision.acts:
            return
        if not self._update(item, decision, now=now):
            return  # the claim changed meanwhile: not ours to end
        if decision.mark_failed:
            self.counts["marked_failed"] += 1
        if decision.give_up:
            self.counts["given_up"] += 1
        if decision.redrive is not None and item.s3_object is not None:
            self._start(item, decision.redrive)
            self.counts["redriven"] += 1

    def _update(self, item: OpenFile, decision: Decision, *, now: datetime) -> bool:
        """One conditional write: FAILED with the cause, the re-drive counted, or given up on."""
        names = {"#status": "status", "#open_since": LEDGER_OPEN_SINCE, "#execution_arn": "execution_arn"}
        values: dict[str, Any] = {":seen_status": {"S": item.status}}
        sets: list[str] = []
        if decision.mark_failed:
            sets += ["#status = :failed", "error_name = :cause", "finished_at = :now"]
            values |= {":failed": {"S": LEDGER_STATUS_FAILED}, ":cause": {"S": decision.cause or "Unknown"}}
        if decision.redrive is not None:
            names["#redrives"] = LEDGER_REDRIVES
            sets.append("#redrives = :redrives")
            values[":redrives"] = {"N": str(decision.redrive)}
        # Given up on: out of the open-files index (alarmed once, then left to an operator).
        removes = ["#open_since"] if decision.give_up else []
        if not decision.give_up:
            sets.append("#open_since = :now")
        if any(":now" in part for part in sets):
            values[":now"] = {"S": format_time(now)}
        expression = " ".join(
            part
            for part in (
                "SET " + ", ".join(sets) if sets else "",
                "REMOVE " + ", ".join(removes) if removes else "",
            )
            if part
        )
        # The same claim, still in the status read: a claim taken meanwhile is not ours to change.
        if item.execution_arn is None:
            claim = "attribute_not_exists(#execution_arn)"
        else:
            claim = "#execution_arn = :seen_execution"
            values[":seen_execution"] = {"S": item.execution_arn}
        try:
            self.dynamodb.update_item(
                TableName=self.table,
                Key={"file_id": {"S": item.file_id}},
                UpdateExpression=expression,
                ConditionExpression=f"#status = :seen_status AND {claim}",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except Exception as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _execution_status(self, execution_arn: str) -> str:
        try:
            status: str = self.stepfunctions.describe_execution(executionArn=execution_arn)["status"]
        except Exception as exc:
            if error_code(exc) == "ExecutionDoesNotExist":
                return EXECUTION_NOT_FOUND
            raise
        return status

    def _start(self, item: OpenFile, attempt: int) -> None:
        assert item.s3_object is not None
        try:
            self.stepfunctions.start_execution(
                stateMachineArn=self.machine_arn,
                name=redrive_name(item, attempt),
                input=json.dumps(redrive_event(item.s3_object), sort_keys=True),
            )
        except Exception as exc:
            if error_code(exc) != "ExecutionAlreadyExists":  # started before: the same re-drive
                raise


def emit(counts: dict[str, int], *, function_name: str) -> None:
    """One EMF line (counts only): FilesMarkedFailed, FilesRedriven, RedrivesExhausted."""
    values = {
        FILES_MARKED_FAILED: counts["marked_failed"],
        FILES_REDRIVEN: counts["redriven"],
        REDRIVES_EXHAUSTED: counts["given_up"],
    }
    document = {
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": NAMESPACE,
                    "Dimensions": [[FUNCTION_DIMENSION]],
                    "Metrics": [{"Name": name, "Unit": "Count"} for name in values],
                }
            ],
        },
        FUNCTION_DIMENSION: function_name,
        **values,
    }
    sys.stdout.write(json.dumps(document, separators=(",", ":"), sort_keys=True) + "\n")
    sys.stdout.flush()
