"""The watchdog's decisions (pure): is a ledger item stuck, re-driven now, or given up on?

A file is *stuck* when the run that holds it can no longer end it: an EXPRESS run past its 5-minute
limit (no Catch runs on AWS), a crashed or stopped run, a STANDARD run that ended FAILED / TIMED_OUT /
ABORTED before marking the ledger, or a hand-off whose STANDARD run never claimed the file. A stuck
file is marked FAILED with the cause (only if the same claim still holds it) and re-driven at once; a
FAILED file (marked by its own run) is re-driven after a backoff. Each file gets at most `max_redrives`
re-drives; then it is given up on (left FAILED, out of the open-files index) and alarmed.

Re-drives go to the STANDARD machine: it has no 5-minute limit (a small file that timed out in the
EXPRESS lane would time out again), claims FAILED files, and announces its own end (status-change
events), so a re-drive that fails is seen at once.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from handlers.seams.ledgeritem import (
    LEDGER_LANE_STANDARD,
    LEDGER_STATUS_FAILED,
    LEDGER_STATUS_HANDED_OFF,
    LEDGER_STATUS_IN_PROGRESS,
)

# EXPRESS executions stop after 5 minutes; the margin covers clock skew and the claim's own latency.
EXPRESS_LIMIT_SECONDS = 300
DEADLINE_MARGIN_SECONDS = 60
EXPRESS_DEADLINE_SECONDS = EXPRESS_LIMIT_SECONDS + DEADLINE_MARGIN_SECONDS
# A STANDARD run has no fixed limit (a 2 GiB file of small records runs thousands of batch waves) and
# announces its end (status-change event). As a backstop for a lost event, the sweep asks Step
# Functions about a STANDARD claim older than this (DescribeExecution): stuck only if the run ended.
STANDARD_CHECK_AFTER_SECONDS = 30 * 60
# A FAILED file's n-th re-drive waits REDRIVE_DELAY_SECONDS * 2**(n-1) after its failure: 5, 10, 20 min.
REDRIVE_DELAY_SECONDS = 300

# Causes (the ledger's error_name when the watchdog marks a file FAILED).
CAUSE_LANE_DEADLINE = "LaneDeadlineExceeded"
CAUSE_HANDOFF_NOT_CLAIMED = "HandOffNotClaimed"
# The statuses of an execution that ended early (the status-change rule's pattern) and their causes.
CAUSE_BY_EXECUTION_STATUS = {
    "FAILED": "ExecutionFailed",
    "TIMED_OUT": "States.Timeout",
    "ABORTED": "ExecutionAborted",
}
ENDED_STATUSES = tuple(CAUSE_BY_EXECUTION_STATUS)
# What the sweep's DescribeExecution may also find: a run that ended without marking its claim, or
# none at all (past Step Functions' 90-day retention, or never started).
EXECUTION_NOT_FOUND = "NOT_FOUND"
CAUSE_BY_DESCRIBED_STATUS = {
    **CAUSE_BY_EXECUTION_STATUS,
    "SUCCEEDED": "ExecutionEndedUnmarked",
    EXECUTION_NOT_FOUND: "ExecutionNotFound",
}

REDRIVE_NAME_PREFIX = "redrive-"
_REDRIVE_NAME = re.compile(r":redrive-(\d+)-[0-9a-f]{32}(?::|$)")


@dataclass(frozen=True)
class OpenFile:
    """What the watchdog reads of one ledger item."""

    file_id: str
    status: str
    lane: str | None
    execution_arn: str | None
    open_since: datetime | None
    redrives: int = 0
    s3_object: dict[str, Any] | None = None


@dataclass(frozen=True)
class Settings:
    max_redrives: int
    express_deadline: timedelta = timedelta(seconds=EXPRESS_DEADLINE_SECONDS)
    standard_check_after: timedelta = timedelta(seconds=STANDARD_CHECK_AFTER_SECONDS)
    redrive_delay: timedelta = timedelta(seconds=REDRIVE_DELAY_SECONDS)


@dataclass(frozen=True)
class Decision:
    """`mark_failed`: set FAILED with `cause` (conditional on the claim seen); `redrive`: the attempt
    number to start (None: none now); `give_up`: re-drives exhausted (leave FAILED, alarm);
    `check_execution`: ask Step Functions how the claim's (STANDARD) execution is, then `decide_ended`."""

    mark_failed: bool = False
    cause: str | None = None
    redrive: int | None = None
    give_up: bool = False
    check_execution: bool = False

    @property
    def acts(self) -> bool:
        return self.mark_failed or self.redrive is not None or self.give_up


NOTHING = Decision()


def redrives_done(item: OpenFile) -> int:
    """Re-drives already started for the file: the ledger's counter, or the attempt named by the
    current claim's execution (a re-driven run's claim replaces the item, counter included)."""
    found = _REDRIVE_NAME.search(item.execution_arn or "")
    return max(item.redrives, int(found.group(1)) if found else 0)


def _stuck(item: OpenFile, cause: str, settings: Settings) -> Decision:
    done = redrives_done(item)
    if item.s3_object is None or done >= settings.max_redrives:
        return Decision(mark_failed=True, cause=cause, give_up=True)
    return Decision(mark_failed=True, cause=cause, redrive=done + 1)


def decide(item: OpenFile, *, now: datetime, settings: Settings) -> Decision:
    """The scheduled sweep's decision for one open file."""
    if item.open_since is None:
        return NOTHING
    age = now - item.open_since
    if item.status == LEDGER_STATUS_IN_PROGRESS and item.lane == LEDGER_LANE_STANDARD:
        return Decision(check_execution=True) if age > settings.standard_check_after else NOTHING
    if item.status in (LEDGER_STATUS_IN_PROGRESS, LEDGER_STATUS_HANDED_OFF):
        # The EXPRESS lane's claim, and a hand-off (the STANDARD run claims within seconds of it).
        if age <= settings.express_deadline:
            return NOTHING
        handed_off = item.status == LEDGER_STATUS_HANDED_OFF
        return _stuck(item, CAUSE_HANDOFF_NOT_CLAIMED if handed_off else CAUSE_LANE_DEADLINE, settings)
    if item.status == LEDGER_STATUS_FAILED:
        done = redrives_done(item)
        if item.s3_object is None or done >= settings.max_redrives:
            return Decision(give_up=True)
        if age < settings.redrive_delay * 2**done:
            return NOTHING
        return Decision(redrive=done + 1)
    return NOTHING


def decide_ended(item: OpenFile, *, execution_arn: str, status: str, settings: Settings) -> Decision:
    """The decision once a STANDARD execution's status is known: from its status-change event (FAILED,
    TIMED_OUT, ABORTED) or the sweep's DescribeExecution (also SUCCEEDED, NOT_FOUND; RUNNING is fine).
    Stuck if that execution still holds the file, or if the file is still HANDED_OFF (the run the
    hand-off started ended before claiming it). A file the run itself marked FAILED is left to the
    sweep (re-driven after its backoff); any other claim is not this execution's to end."""
    if status not in CAUSE_BY_DESCRIBED_STATUS:
        return NOTHING
    if item.status == LEDGER_STATUS_IN_PROGRESS and item.execution_arn == execution_arn:
        return _stuck(item, CAUSE_BY_DESCRIBED_STATUS[status], settings)
    if item.status == LEDGER_STATUS_HANDED_OFF and status in CAUSE_BY_EXECUTION_STATUS:
        return _stuck(item, CAUSE_HANDOFF_NOT_CLAIMED, settings)
    return NOTHING


def redrive_name(item: OpenFile, attempt: int) -> str:
    """The re-drive's execution name: the attempt and a digest of the file and the claim it replaces.

    Deterministic, so a retried start of the same re-drive is the same execution (StartExecution is
    idempotent on name and input), and unique per claim, so a later cycle does not collide with it.
    """
    digest = hashlib.sha256(f"{item.file_id}\n{item.execution_arn or ''}".encode()).hexdigest()[:32]
    return f"{REDRIVE_NAME_PREFIX}{attempt}-{digest}"


def redrive_event(s3_object: dict[str, Any]) -> dict[str, Any]:
    """The S3 Object Created event (EventBridge's shape) the state machine reads the file from.

    The identity is what the first run used (version id, else etag), so the re-drive has the same
    file_id. Only the fields the state machine reads: no requester or source address.
    """
    found: dict[str, Any] = {"key": s3_object["key"]}
    if s3_object.get("version_id"):
        found["version-id"] = s3_object["version_id"]
    else:
        found["etag"] = s3_object["etag"]
    return {
        "version": "0",
        "source": "aws.s3",
        "detail-type": "Object Created",
        "detail": {"bucket": {"name": s3_object["bucket"]}, "object": found, "reason": "PipelineRedrive"},
    }


def file_id_of(event_input: str) -> str | None:
    """The ledger key the state machine derives from an execution's input (workflow/filestates.py
    IdentifyFile: bucket/key#version-id, or #etag), or None when the input names no file."""
    try:
        event = json.loads(event_input)
        bucket = event["detail"]["bucket"]["name"]
        found = event["detail"]["object"]
        key = found["key"]
        identity = found.get("version-id") or found.get("etag")
    except (ValueError, KeyError, TypeError):
        return None
    if not all(isinstance(part, str) and part for part in (bucket, key, identity)):
        return None
    return f"{bucket}/{key}#{identity}"


def parse_time(text: object) -> datetime | None:
    """A ledger timestamp (Step Functions' ISO 8601, `Z` or an offset) as an aware datetime."""
    if not isinstance(text, str) or not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_time(moment: datetime) -> str:
    """The ledger's timestamp form (as Step Functions writes $$.State.EnteredTime): ms, `Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
