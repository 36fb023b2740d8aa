"""The file ledger's writes in both state machines: the claim, the status updates and the counts.

One ledger item per file (handlers/seams/ledgeritem.py declares its statuses and attribute names); every write
after the claim is conditional on the claiming execution, so a late or retried write never ends
another execution's claim.
"""

from __future__ import annotations

from typing import Any

from handlers.seams.ledgeritem import (
    LEDGER_ERROR_NAME,
    LEDGER_EXECUTION_ARN,
    LEDGER_FILE_ID,
    LEDGER_FINISHED_AT,
    LEDGER_LANE,
    LEDGER_LANE_EXPRESS,
    LEDGER_LANE_STANDARD,
    LEDGER_OPEN_SINCE,
    LEDGER_S3_OBJECT,
    LEDGER_STARTED_AT,
    LEDGER_STATUS,
    LEDGER_STATUS_DONE,
    LEDGER_STATUS_FAILED,
    LEDGER_STATUS_HANDED_OFF,
    LEDGER_STATUS_IN_PROGRESS,
)
from handlers.seams.shapes import (
    LEDGER_EXPIRES_AT,
    LEDGER_REJECTED_BY_REASON,
    LEDGER_REJECTED_BY_RULE,
    RESULT_COUNTS,
    RESULT_FILE_REJECTED,
    RESULT_LEDGER,
    RESULT_REASON,
)
from workflow import names
from workflow.batches import LEDGER_OUTCOME_COUNTS, OUTCOMES, REJECTED_BY_REASON
from workflow.breaker import ERROR_NAME
from workflow.paths import validation
from workflow.retries import DYNAMODB_TRANSIENT, transient
from workflow.sdk import Catch, Succeed, Task

# The validator's counts that the ledger keeps for an accepted file (simulate.py reconciles them).
LEDGER_COUNTS = RESULT_COUNTS
# File ledger statuses (`status`) and lanes (`lane`: which state machine claimed the file last).
STATUS_IN_PROGRESS = LEDGER_STATUS_IN_PROGRESS
STATUS_DONE = LEDGER_STATUS_DONE
STATUS_FAILED = LEDGER_STATUS_FAILED
# Set by the small-file lane when it hands a file to the large-file lane (which may then claim it).
STATUS_HANDED_OFF = LEDGER_STATUS_HANDED_OFF
LANE_STANDARD = LEDGER_LANE_STANDARD
LANE_EXPRESS = LEDGER_LANE_EXPRESS
# Statuses that keep a file in the open-files index (LEDGER_OPEN_SINCE set: the watchdog looks at it);
# DONE removes it.
OPEN_STATUSES = (STATUS_IN_PROGRESS, STATUS_FAILED, STATUS_HANDED_OFF)
# Attempts of a ledger write's transient retrier (workflow/retries.py `transient`).
LEDGER_ATTEMPTS = 6


def claim_file(
    *,
    lane: str,
    claimable: tuple[str, ...],
    catch_all_to_fail: Catch,
    max_attempts: int = LEDGER_ATTEMPTS,
) -> Task:
    """ClaimFile: a conditional put of the ledger item (IN_PROGRESS, this lane); a duplicate delivery
    (the item exists in a status not in `claimable`) ends in AlreadyProcessed."""
    already_processed = Succeed(names.ALREADY_PROCESSED, comment="Duplicate delivery of an event")
    values = {f":{status.lower()}": {"S": status} for status in claimable}
    return Task(
        names.CLAIM_FILE,
        resource=names.service("dynamodb:putItem"),
        parameters={
            "TableName": names.sub(names.FILE_LEDGER_TABLE_NAME),
            "Item": {
                LEDGER_FILE_ID: {"S.$": "$.file.file_id"},
                LEDGER_STATUS: {"S": STATUS_IN_PROGRESS},
                LEDGER_LANE: {"S": lane},
                LEDGER_EXECUTION_ARN: {"S.$": "$$.Execution.Id"},
                LEDGER_STARTED_AT: {"S.$": "$$.Execution.StartTime"},
                # Open from the claim (the watchdog's deadline counts from here), and what a
                # re-drive rebuilds the event from (handlers/flows/watchdog_rules.py).
                LEDGER_OPEN_SINCE: {"S.$": "$$.State.EnteredTime"},
                LEDGER_S3_OBJECT: {"S.$": "States.JsonToString($.file)"},
                # The outcome counters start at zero at every claim (a re-claim replaces the item):
                # the large lane's batches ADD to them, the small lane's MarkFileDone sets them.
                **{name: {"N": "0"} for name in LEDGER_OUTCOME_COUNTS},
                REJECTED_BY_REASON: {"M": {}},
            },
            # A FAILED file may be claimed again (re-delivery as a retry), and the large lane claims a
            # file the small lane HANDED_OFF; IN_PROGRESS or DONE: never.
            "ConditionExpression": " OR ".join(
                [f"attribute_not_exists({LEDGER_FILE_ID})", *(f"#status = {value}" for value in values)]
            ),
            "ExpressionAttributeNames": {"#status": LEDGER_STATUS},
            "ExpressionAttributeValues": values,
        },
        result_path=None,
        retry=transient(DYNAMODB_TRANSIENT, max_attempts=max_attempts),
        catch=[
            Catch(
                error_equals=["DynamoDB.ConditionalCheckFailedException"],
                next_step=already_processed,
                result_path=None,
            ),
            catch_all_to_fail,
        ],
    )


# A ledger write after the claim: only while this execution holds it (ClaimFile wrote its id).
CLAIM_OWNED = "#execution_arn = :execution"


def ledger_update(
    state_id: str,
    *,
    status: str,
    error_path: str | None = None,
    attributes: dict[str, dict[str, Any] | str] | None = None,
    max_attempts: int = LEDGER_ATTEMPTS,
    watched: bool | None = None,
    unless_error: str | None = None,
) -> Task:
    """Set the file's ledger status (DONE, FAILED, HANDED_OFF) and when; FAILED also records the error's
    name. Only the claim this execution owns: the write is conditional on the item's execution_arn, so
    a retried or late write never ends another execution's claim (a failed condition is an error).
    An open status (re)sets open_since (the watchdog's index); DONE removes it. `watched` False: the
    file leaves the index whatever its status (a FAILED file the watchdog must not re-drive).
    `unless_error`: nor when the item already names this error (a failed condition is an error).

    `attributes`: more attributes to set, name -> DynamoDB JSON value, or a path (str) to one in the
    state (always through `#name`, so a reserved word is never a problem).
    """
    expression = f"SET #status = :status, {LEDGER_FINISHED_AT} = :now"
    attribute_names: dict[str, str] = {
        "#status": LEDGER_STATUS,
        "#execution_arn": LEDGER_EXECUTION_ARN,
        "#open_since": LEDGER_OPEN_SINCE,
    }
    values: dict[str, Any] = {
        ":status": {"S": status},
        ":now": {"S.$": "$$.State.EnteredTime"},
        ":execution": {"S.$": "$$.Execution.Id"},
    }
    if watched is None:
        watched = status in OPEN_STATUSES
    if watched:
        expression += ", #open_since = :now"
    if error_path:
        expression += f", {LEDGER_ERROR_NAME} = :error"
        values[":error"] = {"S.$": error_path}
    for name, value in (attributes or {}).items():
        expression += f", #{name} = :{name}"
        attribute_names[f"#{name}"] = name
        if isinstance(value, str):
            values[f":{name}.$"] = value
        else:
            values[f":{name}"] = value
    if not watched:
        expression += " REMOVE #open_since"
    condition = CLAIM_OWNED
    if unless_error:
        condition += f" AND (attribute_not_exists(#{ERROR_NAME}) OR #{ERROR_NAME} <> :unless_error)"
        attribute_names[f"#{ERROR_NAME}"] = ERROR_NAME
        values[":unless_error"] = {"S": unless_error}
    return Task(
        state_id,
        resource=names.service("dynamodb:updateItem"),
        parameters={
            "TableName": names.sub(names.FILE_LEDGER_TABLE_NAME),
            "Key": {LEDGER_FILE_ID: {"S.$": "$.file.file_id"}},
            "UpdateExpression": expression,
            "ConditionExpression": condition,
            "ExpressionAttributeNames": attribute_names,
            "ExpressionAttributeValues": values,
        },
        result_path=None,
        retry=transient(DYNAMODB_TRANSIENT, max_attempts=max_attempts),
    )


# The ledger item's time to live, as the validator computed it (handlers/flows/ledger.py): N, or NULL (kept).
EXPIRES_AT = validation(f"{RESULT_LEDGER}.{LEDGER_EXPIRES_AT}")
# The validator's rejected records per reason code, as a DynamoDB map (M).
VALIDATOR_REASONS = validation(f"{RESULT_LEDGER}.{LEDGER_REJECTED_BY_REASON}")
# The validator's rejected records per contract rule (top 50 and `other`), as a DynamoDB map (M).
VALIDATOR_RULES = validation(f"{RESULT_LEDGER}.{LEDGER_REJECTED_BY_RULE}")


def accepted_counts(*, counted_inline: bool) -> dict[str, dict[str, Any] | str]:
    """The validator's counts as N attributes, file_rejected false, expires_at and rejected_by_rule
    (the validator's map as it is: no batch adds to it); with
    `counted_inline` (small lane: its one batch counted at OUTCOMES) also the outcome counts and
    rejected_by_reason (the validator's reasons + conflict), which the large lane's batches add."""
    counts: dict[str, dict[str, Any] | str] = {
        count: {"N.$": f"States.JsonToString({validation(count)})"} for count in LEDGER_COUNTS
    }
    counts |= {
        RESULT_FILE_REJECTED: {"BOOL": False},
        LEDGER_EXPIRES_AT: EXPIRES_AT,
        LEDGER_REJECTED_BY_RULE: VALIDATOR_RULES,
    }
    if counted_inline:
        counts |= {
            name: {"N.$": f"States.JsonToString({OUTCOMES}.{key})"}
            for name, key in LEDGER_OUTCOME_COUNTS.items()
        }
        counts[REJECTED_BY_REASON] = {
            "M.$": f"States.JsonMerge({VALIDATOR_REASONS}.M, {OUTCOMES}.reasons, false)"
        }
    return counts


def rejected_file() -> dict[str, dict[str, Any] | str]:
    """file_rejected true, the file reason and expires_at; no counts (a rejected file has none)."""
    return {
        RESULT_FILE_REJECTED: {"BOOL": True},
        RESULT_REASON: {"S.$": validation(RESULT_REASON)},
        LEDGER_EXPIRES_AT: EXPIRES_AT,
    }


def record_validation(*, catch: Catch) -> Task:
    """Large lane, before the batches: the validator's rejected_by_reason into the ledger item, so
    that each batch can add its conflicts to the map (CountBatch)."""
    return Task(
        names.RECORD_VALIDATION,
        resource=names.service("dynamodb:updateItem"),
        parameters={
            "TableName": names.sub(names.FILE_LEDGER_TABLE_NAME),
            "Key": {LEDGER_FILE_ID: {"S.$": "$.file.file_id"}},
            "UpdateExpression": f"SET #{REJECTED_BY_REASON} = :reasons",
            "ConditionExpression": CLAIM_OWNED,
            "ExpressionAttributeNames": {
                f"#{REJECTED_BY_REASON}": REJECTED_BY_REASON,
                "#execution_arn": LEDGER_EXECUTION_ARN,
            },
            "ExpressionAttributeValues": {
                ":reasons.$": VALIDATOR_REASONS,
                ":execution": {"S.$": "$$.Execution.Id"},
            },
        },
        result_path=None,
        retry=transient(DYNAMODB_TRANSIENT, max_attempts=LEDGER_ATTEMPTS),
        catch=catch,
    )
