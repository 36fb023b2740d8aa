"""The file ledger's item, declared once: its key, statuses, lanes and attribute names.

The state machines write it (workflow/ledgerwrites.py, workflow/batches.py, workflow/express.py), the
watchdog reads and re-drives it (handlers/flows/sweep.py), `review status` shows it (review/status.py)
and the emulator reconciles it (emulator/reconcile.py, emulator/outcome.py): all with these names.
workflow/seams.py checks that every ledger attribute and status a rendered definition writes is one
of these (stdlib only: this folder is the Lambda zip).
"""

from __future__ import annotations

from typing import Final

from handlers.seams import shapes

# The table's partition key: `bucket/key#version_id` (or `#etag` when unversioned).
LEDGER_FILE_ID: Final = "file_id"

# Statuses (`status`).
LEDGER_STATUS: Final = "status"
LEDGER_STATUS_IN_PROGRESS: Final = "IN_PROGRESS"
LEDGER_STATUS_DONE: Final = "DONE"
LEDGER_STATUS_FAILED: Final = "FAILED"
# Set by the small-file lane when it hands a file to the large-file lane (which may then claim it).
LEDGER_STATUS_HANDED_OFF: Final = "HANDED_OFF"
LEDGER_STATUSES: Final = (
    LEDGER_STATUS_IN_PROGRESS,
    LEDGER_STATUS_DONE,
    LEDGER_STATUS_FAILED,
    LEDGER_STATUS_HANDED_OFF,
)
# Which state machine claimed the file last (`lane`).
LEDGER_LANE: Final = "lane"
LEDGER_LANE_STANDARD: Final = "standard"
LEDGER_LANE_EXPRESS: Final = "express"
LEDGER_LANES: Final = (LEDGER_LANE_STANDARD, LEDGER_LANE_EXPRESS)

# The claim: the execution that holds it (every later write is conditional on it) and when.
LEDGER_EXECUTION_ARN: Final = "execution_arn"
LEDGER_STARTED_AT: Final = "started_at"
LEDGER_FINISHED_AT: Final = "finished_at"
# The error's name when FAILED (the state machine's caught error, or the watchdog's cause).
LEDGER_ERROR_NAME: Final = "error_name"
# Set while a file is open (claimed, handed off, or FAILED and not yet given up on); removed when it is
# DONE or its re-drives are exhausted. The sparse index LEDGER_OPEN_INDEX (status, open_since) holds
# only open files, so the watchdog queries them instead of scanning the ledger.
LEDGER_OPEN_SINCE: Final = "open_since"
LEDGER_OPEN_INDEX: Final = "OpenFiles"
# The object's identity as the state machine read it (JSON text of {bucket, key, version_id, etag,
# file_id}), written by ClaimFile: what a re-drive's event is built from.
LEDGER_S3_OBJECT: Final = "s3_object"
# Re-drives the watchdog started for this file (the latest claim's execution name carries it too).
LEDGER_REDRIVES: Final = "redrives"
# Why the small-file lane handed the file off (the validator's result key of the same name).
LEDGER_HANDOFF_REASON: Final = shapes.RESULT_HANDOFF_REASON

# An accepted file: the validator's counts under their result names (records = valid + large +
# invalid), `file_rejected` false; a rejected file: `file_rejected` true and its `reason`.
LEDGER_RECORDS: Final = shapes.RESULT_RECORDS
LEDGER_VALID: Final = shapes.RESULT_VALID
LEDGER_LARGE: Final = shapes.RESULT_LARGE
LEDGER_INVALID: Final = shapes.RESULT_INVALID
LEDGER_COUNTS: Final = (LEDGER_RECORDS, LEDGER_VALID, LEDGER_LARGE, LEDGER_INVALID)
LEDGER_FILE_REJECTED: Final = shapes.RESULT_FILE_REJECTED
LEDGER_REASON: Final = shapes.RESULT_REASON
# The outcome counters (N) every lane writes: records = stored + duplicates + rejected.
LEDGER_STORED: Final = "stored"
LEDGER_DUPLICATES: Final = "duplicates"
LEDGER_REJECTED: Final = "rejected"
LEDGER_OUTCOMES: Final = (LEDGER_STORED, LEDGER_DUPLICATES, LEDGER_REJECTED)
# The large lane's batches counted so far (NS): a batch is counted once.
LEDGER_COUNTED_BATCHES: Final = "counted_batches"
# Computed by the validator (handlers/flows/ledger.py) and declared with its result's shapes: the time to
# live (N, or NULL when kept), rejected records per reason code (M) and per contract rule (M).
LEDGER_EXPIRES_AT: Final = shapes.LEDGER_EXPIRES_AT
LEDGER_REJECTED_BY_REASON: Final = shapes.LEDGER_REJECTED_BY_REASON
LEDGER_REJECTED_BY_RULE: Final = shapes.LEDGER_REJECTED_BY_RULE

# Every attribute a ledger item may have.
LEDGER_ATTRIBUTES: Final = frozenset(
    {
        LEDGER_FILE_ID,
        LEDGER_STATUS,
        LEDGER_LANE,
        LEDGER_EXECUTION_ARN,
        LEDGER_STARTED_AT,
        LEDGER_FINISHED_AT,
        LEDGER_ERROR_NAME,
        LEDGER_OPEN_SINCE,
        LEDGER_S3_OBJECT,
        LEDGER_REDRIVES,
        LEDGER_HANDOFF_REASON,
        *LEDGER_COUNTS,
        LEDGER_FILE_REJECTED,
        LEDGER_REASON,
        *LEDGER_OUTCOMES,
        LEDGER_COUNTED_BATCHES,
        LEDGER_EXPIRES_AT,
        LEDGER_REJECTED_BY_REASON,
        LEDGER_REJECTED_BY_RULE,
    }
)
