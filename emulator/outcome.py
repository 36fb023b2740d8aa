"""Where a file's records really landed: its executions, its DynamoDB items, its review messages.

Over 300 lines: one file's outcome read from every place the emulated stack keeps it (history, ledger,
table, queue) and reconciled record by record.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulator.deploy import DeployedStack
from emulator.reconcile import (
    FileCount,
    ledger_count,
    manifest_entries,
    pipeline_count,
    reconcile,
    validator_count,
)
from handlers.seams.ledgeritem import LEDGER_FILE_ID, LEDGER_REJECTED_BY_REASON, LEDGER_REJECTED_BY_RULE
from handlers.seams.model import Source, file_hash, manifest_key
from handlers.seams.rangekeys import SUMMARY_SUFFIX, summary_key
from handlers.seams.settings import HASH_ATTRIBUTE, KEY_ATTRIBUTE, SOURCE_ATTRIBUTE
from handlers.seams.shapes import (
    LOCATION_KEY,
    LOCATION_VERSION_ID,
    RESULT_BATCH,
    RESULT_HANDOFF,
    RESULT_MANIFEST,
)
from resources.outputs import (
    BUCKET_NAME,
    FILE_LEDGER_TABLE_NAME,
    MACHINE_OUTPUTS,
    ORDERS_TABLE_NAME,
    REVIEW_QUEUE_URL,
)
from workflow.names import COMBINE_RANGES, COMBINE_TURNS, VALIDATE_FILE
from workflow.paths import VALIDATION_KEY

TERMINAL = frozenset({"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"})
# The file ledger's key attribute (handlers/seams/ledgeritem.py).
FILE_LEDGER_KEY = LEDGER_FILE_ID


@dataclass(frozen=True)
class Upload:
    """An object put into the stack's bucket (the rule, not the caller, starts its execution)."""

    key: str
    version_id: str | None
    etag: str

    def names(self, source: dict[str, Any] | None) -> bool:
        """Whether a pipeline `source` ({"key", "version_id", ...}) is this object.

        A review source whose key holds a character SQS refuses carries the key JSON-escaped, marked
        `"key_encoding": "json-escaped"` (docs/reference.md "Review messages", review/2).
        """
        if not source:
            return False
        key = json.dumps(self.key)[1:-1] if source.get("key_encoding") == "json-escaped" else self.key
        if source.get("key") != key:
            return False
        return self.version_id is None or source.get("version_id") == self.version_id

    def file_id(self, bucket: str) -> str:
        """The file ledger's key: `bucket/key#version_id`, or `#etag` when unversioned."""
        return f"{bucket}/{self.key}#{self.version_id or self.etag}"


def upload(stack: DeployedStack, key: str, body: bytes) -> Upload:
    """Put `body` under `key` in the stack's bucket."""
    response = stack.clients.s3.put_object(Bucket=stack.output(BUCKET_NAME), Key=key, Body=body)
    return Upload(key=key, version_id=response.get("VersionId"), etag=response["ETag"].strip('"'))


def upload_file(stack: DeployedStack, path: Path, key: str | None = None) -> Upload:
    """Put a local file under its base name (or `key`)."""
    return upload(stack, key or path.name, path.read_bytes())


def machine_arns(stack: DeployedStack) -> list[str]:
    """The ARNs of the stack's top-level state machines (a stack without the small-file lane has one)."""
    return [stack.outputs[name] for name in MACHINE_OUTPUTS if name in stack.outputs]


@dataclass
class Executions:
    """The stack's state machine executions, each matched to the S3 object named in its input event."""

    stack: DeployedStack
    _finished: dict[str, dict[str, Any]] = field(default_factory=dict)

    def all(self) -> list[dict[str, Any]]:
        """Every top-level execution (described), newest last: of the large-file state machine and,
        when the stack has it, of the small-file lane's (a handed-off file has one of each)."""
        paginator = self.stack.clients.stepfunctions.get_paginator("list_executions")
        found = [
            e
            for arn in machine_arns(self.stack)
            for page in paginator.paginate(stateMachineArn=arn)
            for e in page["executions"]
        ]
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
        """Wait until every target has `at_least` executions (plus one per hand-off to the large-file
        lane) and none is still running.

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
            # A small-file execution that handed its file off is followed by a large-file execution.
            missing = [
                t.key for t, found in matched.items() if len(found) < at_least + sum(map(handed_off, found))
            ]
            if not missing and finished == len(relevant):
                return matched
            waited = time.monotonic() - started
            if (missing and waited > start_timeout) or waited > timeout:
                raise TimeoutError(
                    f"after {waited:.0f}s: {finished}/{len(relevant)} executions finished; "
                    f"no execution started for: {', '.join(missing) or 'none'}"
                )
            time.sleep(0.2)


def handed_off(execution: dict[str, Any]) -> bool:
    """Whether a finished small-file execution handed its file to the large-file state machine (its
    output is the state at FileHandedOff: `validation.handoff` true)."""
    try:
        output = json.loads(execution.get("output") or "{}")
    except ValueError:
        return False
    validation = output.get(VALIDATION_KEY) if isinstance(output, dict) else None
    return isinstance(validation, dict) and validation.get(RESULT_HANDOFF) is True


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
        queue_url = self.stack.output(REVIEW_QUEUE_URL)
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


@dataclass(frozen=True)
class TableView:
    """The orders table at one moment: items naming a file, and every order_id's `_pipeline_hash`."""

    items: list[dict[str, Any]]
    hashes: dict[str, str]

    def from_source(self, target: Upload) -> list[dict[str, Any]]:
        """Items (DynamoDB JSON) whose `_pipeline_source` names `target`."""
        return [i for i in self.items if target.names(_plain_source(i.get(SOURCE_ATTRIBUTE)))]

    def written_by(self, target: Upload) -> set[tuple[int, str]]:
        """(record_index, `_pipeline_hash`) of the items `target`'s records wrote: what tells a stored
        record from a duplicate (an identical re-put keeps the first writer's `_pipeline_source`)."""
        written = set()
        for item in self.from_source(target):
            index = (item[SOURCE_ATTRIBUTE]["M"].get("record_index") or {}).get("N")
            digest = (item.get(HASH_ATTRIBUTE) or {}).get("S")
            if index is not None and digest is not None:
                written.add((int(index), str(digest)))
        return written


def table_view(stack: DeployedStack) -> TableView:
    paginator = stack.clients.dynamodb.get_paginator("scan")
    items = [
        i for page in paginator.paginate(TableName=stack.output(ORDERS_TABLE_NAME)) for i in page["Items"]
    ]
    hashes = {
        i[KEY_ATTRIBUTE]["S"]: i[HASH_ATTRIBUTE]["S"]
        for i in items
        if "S" in i.get(KEY_ATTRIBUTE, {}) and "S" in i.get(HASH_ATTRIBUTE, {})
    }
    return TableView(items=items, hashes=hashes)


def stored_items(stack: DeployedStack, target: Upload) -> list[dict[str, Any]]:
    """Items (DynamoDB JSON) in the orders table whose `_pipeline_source` names `target`."""
    return table_view(stack).from_source(target)


def _plain_source(attribute: dict[str, Any] | None) -> dict[str, Any] | None:
    if not attribute or "M" not in attribute:
        return None
    return {name: value.get("S") for name, value in attribute["M"].items()}


def ledger_item(stack: DeployedStack, target: Upload) -> dict[str, Any] | None:
    """The file ledger's item (DynamoDB JSON) for `target`, if the pipeline wrote one."""
    response = stack.clients.dynamodb.get_item(
        TableName=stack.output(FILE_LEDGER_TABLE_NAME),
        Key={FILE_LEDGER_KEY: {"S": target.file_id(stack.output(BUCKET_NAME))}},
        ConsistentRead=True,
    )
    item: dict[str, Any] | None = response.get("Item")
    return item


def validation_result(stack: DeployedStack, executions: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The validator's result (`$.validation`, counts and pointers only) from the newest execution
    that validated the file: read from the execution's history, as an operator can on AWS."""
    paginator = stack.clients.stepfunctions.get_paginator("get_execution_history")
    for execution in reversed(executions):
        pages = paginator.paginate(executionArn=execution["executionArn"], reverseOrder=True)
        # Newest first by event id (whatever order the pages come in).
        events = sorted((e for page in pages for e in page["events"]), key=lambda e: -int(e["id"]))
        for event in events:
            exited = event.get("stateExitedEventDetails") or {}
            # A split file's result is CombineRanges' (newer than its ValidateFile, which only planned),
            # a continued file's CombineTurns'.
            if exited.get("name") not in (VALIDATE_FILE, COMBINE_RANGES, COMBINE_TURNS):
                continue
            if (exited.get("outputDetails") or {}).get("truncated"):
                break
            validation = json.loads(exited.get("output") or "{}").get(VALIDATION_KEY)
            if isinstance(validation, dict):
                return validation
            break
    return None


def manifest_batches(
    stack: DeployedStack, target: Upload, validation: dict[str, Any] | None
) -> list[dict[str, Any]] | None:
    """The file's manifest (its batches), or None when there is none. The version the validator
    committed is read when its result names one (a later overwrite of the key is not this file's)."""
    bucket = stack.output(BUCKET_NAME)
    source: Source = {
        "bucket": bucket,
        "key": target.key,
        "version_id": target.version_id,
        "etag": target.etag,
    }
    location = (validation or {}).get(RESULT_MANIFEST) or {}
    # The key the result names (a continued file's joined manifest is not at manifest_key).
    request: dict[str, Any] = {
        "Bucket": bucket,
        "Key": location.get(LOCATION_KEY) or manifest_key(file_hash(source)),
    }
    version = location.get(LOCATION_VERSION_ID)
    if version:
        request["VersionId"] = version
    try:
        body = stack.clients.s3.get_object(**request)["Body"].read()
    except stack.clients.s3.exceptions.NoSuchKey:
        return None
    batches: list[dict[str, Any]] = json.loads(body)
    return batches


def inline_batches(validation: dict[str, Any] | None) -> list[dict[str, Any]] | None:
    """The small-file lane's classified entries: its validator result carries the file's one manifest
    batch inline (handlers/flows/inline.py) instead of a manifest in S3. None for any other result."""
    if not validation or validation.get(RESULT_HANDOFF) is not False or RESULT_BATCH not in validation:
        return None
    batch = validation[RESULT_BATCH]
    return [batch] if isinstance(batch, dict) else []


@dataclass(frozen=True)
class FileOutcome:
    """A file's result: the pipeline's own count, reconciled with the table and the review queue.
    `stored`: records whose item this file's record wrote; `duplicates`: records whose identical item
    another record wrote (emulator/reconcile.py); `rejected`: records a review names."""

    status: str
    records: int | None
    stored: int
    rejected: int
    file_rejected: bool
    reasons: list[str]
    items: list[dict[str, Any]]
    reviews: list[dict[str, Any]]
    failure: str | None = None
    lost: tuple[int, ...] = ()
    problems: tuple[str, ...] = ()
    count: FileCount | None = None
    ledger: dict[str, Any] | None = None
    # Validator invocations that read the file's records: its ranges when split (handlers/flows/ranges.py),
    # else 1.
    validations: int = 1
    duplicates: int = 0

    @property
    def in_table(self) -> int:
        """Records whose item is in the table with their hash: stored + duplicates."""
        return self.stored + self.duplicates

    def summary(self) -> dict[str, Any]:
        """The row of simulate.py: counts, reasons, lost records and the ledger's maps (or None).
        `stored` means new items and `duplicates` identical re-puts, as in the file ledger."""
        # A rejected file has no counts (its ledger item keeps the empty map every claim starts with).
        ledger = {} if self.file_rejected else self.ledger or {}
        return {
            "status": self.status,
            "records": self.records,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "file_rejected": self.file_rejected,
            "reasons": self.reasons,
            "lost": list(self.lost),
            "rejected_by_reason": _nonzero(ledger.get(LEDGER_REJECTED_BY_REASON)),
            "rejected_by_rule": ledger.get(LEDGER_REJECTED_BY_RULE),
            "validations": self.validations,
        }

    def reason_counts(self) -> list[tuple[str, int | None]]:
        """(reason, records rejected for it) from the review messages, most first; a file rejection's
        reason with None (the file, not a count of records)."""
        counted: dict[str, int] = {}
        files: set[str] = set()
        for review in self.reviews:
            reason = str(review.get("reason"))
            if review.get("file_rejected"):
                files.add(reason)
            else:
                counted[reason] = counted.get(reason, 0) + 1
        ranked: list[tuple[str, int | None]] = [(reason, None) for reason in sorted(files)]
        return ranked + sorted(counted.items(), key=lambda item: (-item[1], item[0]))


def outcome(
    stack: DeployedStack, target: Upload, executions: list[dict[str, Any]], inbox: ReviewInbox
) -> FileOutcome:
    """Reconcile `target`: `records` from the pipeline's ledger (else the validator's result in the
    execution history), `stored` and `duplicates` from the table (which record wrote each item),
    `rejected` from the review queue; the status is the worst of its executions."""
    reviews = inbox.for_upload(target)
    ledger = ledger_item(stack, target)
    validation = validation_result(stack, executions)
    count, problems = pipeline_count(ledger_count(ledger), validator_count(validation))
    batches = None if count.file_rejected else inline_batches(validation)
    if batches is None and not count.file_rejected:
        batches = manifest_batches(stack, target, validation)
    table = table_view(stack)
    entries = None if batches is None else manifest_entries(batches)
    reconciled = reconcile(count, entries, table.hashes, reviews, written=table.written_by(target))
    statuses = [e["status"] for e in executions] or ["NOT_STARTED"]
    status = next((s for s in statuses if s != "SUCCEEDED"), "SUCCEEDED")
    failed = next((e for e in executions if e["status"] != "SUCCEEDED"), None)
    failure = f"{failed.get('error')}: {failed.get('cause')}" if failed else None
    return FileOutcome(
        status=status,
        records=reconciled.records,
        stored=len(reconciled.stored),
        duplicates=len(reconciled.duplicates),
        rejected=len(reconciled.rejected),
        file_rejected=bool(count.file_rejected) or any(r.get("file_rejected") for r in reviews),
        reasons=sorted({str(r.get("reason")) for r in reviews}),
        items=table.from_source(target),
        reviews=reviews,
        failure=failure,
        lost=reconciled.lost,
        problems=(*problems, *reconciled.problems),
        count=count,
        ledger=_plain_ledger(ledger),
        validations=range_validations(stack, target),
    )


def range_validations(stack: DeployedStack, target: Upload) -> int:
    """How many validator invocations read the file's records: one part summary per range of a split
    file or per turn of a continued file (handlers/seams/rangekeys.py summary_key), else the one
    validation."""
    bucket = stack.output("BucketName")
    source: Source = {
        "bucket": bucket,
        "key": target.key,
        "version_id": target.version_id,
        "etag": target.etag,
    }
    prefix = summary_key(file_hash(source), 0).rsplit("/", 1)[0] + "/"
    pages = stack.clients.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    found = sum(
        1 for page in pages for item in page.get("Contents", []) if item["Key"].endswith(SUMMARY_SUFFIX)
    )
    return max(1, found)


def _nonzero(counts: dict[str, int] | None) -> dict[str, int] | None:
    """A ledger map of counts without its zeros (`conflict` 0 is written for every accepted file)."""
    return None if counts is None else {name: n for name, n in counts.items() if n}


def _plain_ledger(item: dict[str, Any] | None) -> dict[str, Any] | None:
    """A ledger item as plain values: S, N, BOOL, NULL, and the maps (rejected_by_reason,
    rejected_by_rule: M) and sets (counted_batches: NS) as objects and sorted lists."""
    if item is None:
        return None
    return {name: plain_value(value) for name, value in item.items()}


def plain_value(value: dict[str, Any]) -> Any:
    """One DynamoDB attribute value as plain JSON (numbers as int when whole)."""
    if "N" in value:
        return _number(value["N"])
    if "BOOL" in value:
        return bool(value["BOOL"])
    if "S" in value:
        return value["S"]
    if "M" in value:
        return {name: plain_value(member) for name, member in sorted(value["M"].items())}
    if "L" in value:
        return [plain_value(member) for member in value["L"]]
    if "NS" in value:
        return sorted(_number(n) for n in value["NS"])
    if "SS" in value:
        return sorted(value["SS"])
    return None


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)
