"""Where a file's records really landed: its executions, its DynamoDB items, its review messages."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulator.deploy import DeployedStack

TERMINAL = frozenset({"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"})


@dataclass(frozen=True)
class Upload:
    """An object put into the stack's bucket (the rule, not the caller, starts its execution)."""

    key: str
    version_id: str | None
    etag: str

    def names(self, source: dict[str, Any] | None) -> bool:
        """Whether a pipeline `source` ({"key", "version_id", ...}) is this object."""
        if not source or source.get("key") != self.key:
            return False
        return self.version_id is None or source.get("version_id") == self.version_id


def upload(stack: DeployedStack, key: str, body: bytes) -> Upload:
    """Put `body` under `key` in the stack's bucket."""
    response = stack.clients.s3.put_object(Bucket=stack.output("BucketName"), Key=key, Body=body)
    return Upload(key=key, version_id=response.get("VersionId"), etag=response["ETag"].strip('"'))


def upload_file(stack: DeployedStack, path: Path, key: str | None = None) -> Upload:
    """Put a local file under its base name (or `key`)."""
    return upload(stack, key or path.name, path.read_bytes())


@dataclass
class Executions:
    """The stack's state machine executions, each matched to the S3 object named in its input event."""

    stack: DeployedStack
    _finished: dict[str, dict[str, Any]] = field(default_factory=dict)

    def all(self) -> list[dict[str, Any]]:
        """Every parent execution (described), newest last."""
        arn = self.stack.output("StateMachineArn")
        paginator = self.stack.clients.stepfunctions.get_paginator("list_executions")
        found = [e for page in paginator.paginate(stateMachineArn=arn) for e in page["executions"]]
        described = []
        for execution in sorted(found, key=lambda e: e["startDate"]):
            if execution["status"] in TERMINAL and execution["executionArn"] in self._finished:
                described.append(self._finished[execution["executionArn"]])
                continue
            full = self.stack.clients.stepfunctions.describe_execution(executionArn=execution["executionArn"])
            if full["status"] in TERMINAL:
                self._finished[execution["executionArn"]] = full
            described.append(full)
        return described

    def for_upload(self, target: Upload) -> list[dict[str, Any]]:
        """Executions whose input is an S3 event for `target`."""
        return [e for e in self.all() if _event_names(e, target)]

    def wait(
        self,
        targets: Iterable[Upload],
        *,
        at_least: int = 1,
        timeout: float = 600.0,
        start_timeout: float = 15.0,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> dict[Upload, list[dict[str, Any]]]:
        """Wait until every target has `at_least` executions and none is still running.

        The emulated rule starts an execution while the upload request is served, so a target
        without one after `start_timeout` seconds was ignored by the rule: that fails at once.
        """
        wanted = list(targets)
        started = time.monotonic()
        while True:
            executions = self.all()
            matched = {t: [e for e in executions if _event_names(e, t)] for t in wanted}
            relevant = [e for found in matched.values() for e in found]
            finished = sum(e["status"] in TERMINAL for e in relevant)
            if on_progress:
                on_progress(finished, max(len(relevant), len(wanted) * at_least))
            missing = [t.key for t, found in matched.items() if len(found) < at_least]
            if not missing and finished == len(relevant):
                return matched
            waited = time.monotonic() - started
            if (missing and waited > start_timeout) or waited > timeout:
                raise TimeoutError(
                    f"after {waited:.0f}s: {finished}/{len(relevant)} executions finished; "
                    f"no execution started for: {', '.join(missing) or 'none'}"
                )
            time.sleep(0.2)


def _event_names(execution: dict[str, Any], target: Upload) -> bool:
    try:
        detail = json.loads(execution.get("input") or "{}").get("detail") or {}
    except ValueError:
        return False
    found = detail.get("object") or {}
    source = {"key": found.get("key"), "version_id": found.get("version-id")}
    return target.names(source)


@dataclass
class ReviewInbox:
    """Every message taken off the review queue (received, kept here, deleted from the queue)."""

    stack: DeployedStack
    messages: list[dict[str, Any]] = field(default_factory=list)

    def drain(self) -> None:
        sqs = self.stack.clients.sqs
        queue_url = self.stack.output("ReviewQueueUrl")
        while True:
            received = sqs.receive_message(
                QueueUrl=queue_url,
                MaxNumberOfMessages=10,
                VisibilityTimeout=300,
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not received:
                return
            for message in received:
                body = json.loads(message["Body"])
                attributes = message.get("MessageAttributes", {})
                self.messages.append({"body": body, "attributes": attributes})
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])

    def for_upload(self, target: Upload) -> list[dict[str, Any]]:
        """Bodies of the review messages whose source is `target`."""
        self.drain()
        return [m["body"] for m in self.messages if target.names(m["body"].get("source"))]


def stored_items(stack: DeployedStack, target: Upload) -> list[dict[str, Any]]:
    """Items (DynamoDB JSON) in the orders table whose `_pipeline_source` names `target`."""
    paginator = stack.clients.dynamodb.get_paginator("scan")
    items = [
        i for page in paginator.paginate(TableName=stack.output("OrdersTableName")) for i in page["Items"]
    ]
    return [i for i in items if target.names(_plain_source(i.get("_pipeline_source")))]


def _plain_source(attribute: dict[str, Any] | None) -> dict[str, Any] | None:
    if not attribute or "M" not in attribute:
        return None
    return {name: value.get("S") for name, value in attribute["M"].items()}


@dataclass(frozen=True)
class FileOutcome:
    """A file's result, counted from what landed in the table and the review queue."""

    status: str
    records: int | None
    stored: int
    rejected: int
    file_rejected: bool
    reasons: list[str]
    items: list[dict[str, Any]]
    reviews: list[dict[str, Any]]
    failure: str | None = None

    def summary(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "records": self.records,
            "stored": self.stored,
            "rejected": self.rejected,
            "file_rejected": self.file_rejected,
            "reasons": self.reasons,
        }


def outcome(
    stack: DeployedStack, target: Upload, executions: list[dict[str, Any]], inbox: ReviewInbox
) -> FileOutcome:
    """Count `target`'s stored items and review messages; the status is the worst of its executions."""
    items = stored_items(stack, target)
    reviews = inbox.for_upload(target)
    file_rejected = any(r.get("file_rejected") for r in reviews)
    rejected = sum(not r.get("file_rejected") for r in reviews)
    statuses = [e["status"] for e in executions] or ["NOT_STARTED"]
    status = next((s for s in statuses if s != "SUCCEEDED"), "SUCCEEDED")
    failed = next((e for e in executions if e["status"] != "SUCCEEDED"), None)
    failure = f"{failed.get('error')}: {failed.get('cause')}" if failed else None
    return FileOutcome(
        status=status,
        records=None if file_rejected else len(items) + rejected,
        stored=len(items),
        rejected=rejected,
        file_rejected=file_rejected,
        reasons=sorted({str(r.get("reason")) for r in reviews}),
        items=items,
        reviews=reviews,
        failure=failure,
    )
