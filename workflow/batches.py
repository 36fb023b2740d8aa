"""One child execution (EXPRESS) per manifest batch: an inline Map over its records, then its counts.

Child input: `{"batch": k, "source": <exact source>, "review_source": <SQS-safe source>, "records":
[<entry>, ...], "ledger": {"file_id", "execution_arn"}}` (docs/seams.md): `source` goes into stored
items, `review_source` into reviews, `ledger` names the file's ledger item and the parent execution.
The child's output is only the batch number, so the parent's aggregated Map result stays tiny.

Counting: the Map's ResultSelector counts the records' outcomes (workflow/recordstates.py) with filters;
CountBatch adds them to the ledger item with one updateItem, conditional on the batch not being
counted yet (`counted_batches`, a number set) and on the item belonging to the parent execution. An
EXPRESS child runs at least once, and a retried updateItem may already have been applied: a second
count of the same batch fails the condition and ends in BatchAlreadyCounted, so the ADDs count each
batch once, with the outcomes of its first counted run.

Time: an EXPRESS child stops at 5 minutes without a Catch, so it fits by construction: at most
BATCH_MAX_RECORDS records in waves of RECORD_CONCURRENCY, every call retried at most
EXPRESS_LANE_ATTEMPTS times, StoreLargeRecord's attempts bounded by their TimeoutSeconds; build.py
refuses a definition whose worst case (workflow/budgets.py, output/worstcase.md) passes 300 s less a
60 s margin. A record whose retries run out fails the child before its limit: the Map run tolerates no
failure, the STANDARD parent's Catch marks the file FAILED and the watchdog re-drives it (every store
is conditional: a re-run stores what is missing and finds the rest identical).
"""

from __future__ import annotations

from typing import Any

from handlers.core.provenance import source_members
from handlers.seams.ledgeritem import (
    LEDGER_COUNTED_BATCHES,
    LEDGER_DUPLICATES,
    LEDGER_EXECUTION_ARN,
    LEDGER_FILE_ID,
    LEDGER_OPEN_SINCE,
    LEDGER_REJECTED,
    LEDGER_STATUS_FAILED,
    LEDGER_STORED,
)
from handlers.seams.settings import REASON_CONFLICT, SOURCE_ATTRIBUTE
from handlers.seams.shapes import (
    BATCH_ITEM_SOURCE,
    BATCH_LEDGER,
    BATCH_NUMBER,
    BATCH_RECORDS,
    BATCH_REVIEW_SOURCE,
    BATCH_SOURCE,
    CHILD_LEDGER_EXECUTION_ARN,
    CHILD_LEDGER_FILE_ID,
    KEY_INDEX,
    KEY_OUTCOME,
    KEY_OUTCOME_REASON,
    LEDGER_REJECTED_BY_REASON,
    OUTCOME_DUPLICATE,
    OUTCOME_REJECTED,
    OUTCOME_STORED,
    RESULT_MAX_CONFLICTS,
)
from handlers.seams.throughput import RECORD_CONCURRENCY
from workflow import names
from workflow.breaker import (
    ERROR_NAME,
    ERROR_TOO_MANY_CONFLICTS,
    TOO_MANY_CONFLICTS_CAUSE,
    conflicts_past_limit,
)
from workflow.paths import RECORD_KEY, SOURCE_ATTRIBUTE_KEY
from workflow.recordstates import build_record_processor
from workflow.retries import DYNAMODB_TRANSIENT, EXPRESS_LANE_ATTEMPTS, transient
from workflow.sdk import Catch, Fail, InlineMap, Pass, Task

# Where a record Map keeps its counts: {"stored", "duplicates", "rejected", "conflicts": n,
# "reasons": {"conflict": {"N": "n"}}} (the last as a DynamoDB map entry, merged into rejected_by_reason).
OUTCOMES = "$.outcomes"
# Ledger item counters (N, handlers/seams/ledgeritem.py) -> their key at OUTCOMES, written by every lane;
# `rejected_by_reason` (M) per reason code.
LEDGER_OUTCOME_COUNTS = {
    LEDGER_STORED: "stored",
    LEDGER_DUPLICATES: "duplicates",
    LEDGER_REJECTED: "rejected",
}
REJECTED_BY_REASON = LEDGER_REJECTED_BY_REASON
COUNTED_BATCHES = LEDGER_COUNTED_BATCHES
# Where CountBatch keeps the file's conflicts so far ({"conflicts": n}) for the conflict breaker.
FILE_CONFLICTS = "$.file_conflicts"
# TripConflictBreaker's retries: one, so the child's worst case keeps within its budget (234 s for
# the stores and the count, + 5 s for the trip: 239 s of 240 s; two retries made it 243 s, refused).
# A trip that still fails fails the child: the parent marks the file FAILED (re-driven, bounded).
TRIP_ATTEMPTS = 1


def _count(key: str, value: str) -> str:
    """The number of outcomes in the Map result (`$`, an array) whose `key` equals `value`."""
    return f"States.ArrayLength($[?(@.{key} == '{value}')])"


def outcome_counts() -> dict[str, Any]:
    """The ResultSelector of a record Map: its outcomes counted (no record content)."""
    conflicts = _count(KEY_OUTCOME_REASON, REASON_CONFLICT)
    return {
        "stored.$": _count(KEY_OUTCOME, OUTCOME_STORED),
        "duplicates.$": _count(KEY_OUTCOME, OUTCOME_DUPLICATE),
        "rejected.$": _count(KEY_OUTCOME, OUTCOME_REJECTED),
        "conflicts.$": conflicts,
        "reasons": {REASON_CONFLICT: {"N.$": f"States.JsonToString({conflicts})"}},
    }


def source_attribute(batch_path: str) -> dict[str, Any]:
    """One record's `{"_pipeline_source": {"M": ...}}`: the batch's item_source members, each by path,
    and the entry's index as record_index (the item as the validator sized it, one copy per batch)."""
    shared = source_members({"bucket": "", "key": "", "version_id": None, "etag": None})
    members: dict[str, Any] = {f"{name}.$": f"{batch_path}.{BATCH_ITEM_SOURCE}.{name}" for name in shared}
    members["record_index"] = {"N.$": f"States.JsonToString($$.Map.Item.Value.{KEY_INDEX})"}
    return {SOURCE_ATTRIBUTE: {"M": members}}


def record_map(
    state_id: str,
    *,
    batch_path: str,
    max_concurrency: int = RECORD_CONCURRENCY,
    max_attempts: int = EXPRESS_LANE_ATTEMPTS,
    large_records: bool = True,
) -> InlineMap:
    """An inline Map routing every entry of the manifest batch at `batch_path` with the one per-record
    graph (workflow/recordstates.py), its outcome counts at OUTCOMES: used by the batch children and by the
    small-file lane alike (which passes its own concurrency and retry budget)."""
    store = InlineMap(
        state_id,
        items_path=f"{batch_path}.{BATCH_RECORDS}",
        item_selector={
            f"{RECORD_KEY}.$": "$$.Map.Item.Value",
            f"{BATCH_SOURCE}.$": f"{batch_path}.{BATCH_SOURCE}",
            f"{BATCH_REVIEW_SOURCE}.$": f"{batch_path}.{BATCH_REVIEW_SOURCE}",
            SOURCE_ATTRIBUTE_KEY: source_attribute(batch_path),
        },
        max_concurrency=max_concurrency,
        result_selector=outcome_counts(),
        result_path=OUTCOMES,
    )
    store.attach_processor(build_record_processor(max_attempts=max_attempts, large_records=large_records))
    return store


def _count_batch() -> Task:
    """ADD the batch's counts to the ledger item, once per batch of this parent execution."""
    counts = ", ".join(f"#{name} :{name}" for name in LEDGER_OUTCOME_COUNTS)
    values: dict[str, Any] = {
        f":{name}": {"N.$": f"States.JsonToString({OUTCOMES}.{key})"}
        for name, key in LEDGER_OUTCOME_COUNTS.items()
    }
    values |= {
        ":conflicts": {"N.$": f"States.JsonToString({OUTCOMES}.conflicts)"},
        ":zero": {"N": "0"},
        ":batch": {"N.$": f"States.JsonToString($.{BATCH_NUMBER})"},
        ":batches": {"NS.$": f"States.Array(States.JsonToString($.{BATCH_NUMBER}))"},
        ":execution": {"S.$": f"$.{BATCH_LEDGER}.{CHILD_LEDGER_EXECUTION_ARN}"},
    }
    conflict = f"#{REJECTED_BY_REASON}.#{REASON_CONFLICT}"
    # A Pass, not a Succeed: cfn-lint's schema refuses OutputPath on a Succeed state.
    already_counted = Pass(names.BATCH_ALREADY_COUNTED, output_path=f"$.{BATCH_NUMBER}")
    count = Task(
        names.COUNT_BATCH,
        resource=names.service("dynamodb:updateItem"),
        parameters={
            "TableName": names.sub(names.FILE_LEDGER_TABLE_NAME),
            "Key": {LEDGER_FILE_ID: {"S.$": f"$.{BATCH_LEDGER}.{CHILD_LEDGER_FILE_ID}"}},
            "UpdateExpression": f"ADD {counts}, #{COUNTED_BATCHES} :batches "
            f"SET {conflict} = if_not_exists({conflict}, :zero) + :conflicts",
            "ConditionExpression": "#execution_arn = :execution "
            f"AND NOT contains(#{COUNTED_BATCHES}, :batch)",
            "ExpressionAttributeNames": {
                **{f"#{name}": name for name in LEDGER_OUTCOME_COUNTS},
                f"#{COUNTED_BATCHES}": COUNTED_BATCHES,
                f"#{REJECTED_BY_REASON}": REJECTED_BY_REASON,
                f"#{REASON_CONFLICT}": REASON_CONFLICT,
                "#execution_arn": LEDGER_EXECUTION_ARN,
            },
            "ExpressionAttributeValues": values,
            # The file's conflicts so far, this batch's included: the conflict breaker's count (the whole
            # item: UPDATED_NEW may leave out an attribute the update left at its value, e.g. 0 + 0).
            "ReturnValues": "ALL_NEW",
        },
        result_selector={
            "conflicts.$": f"States.StringToJson($.Attributes.{REJECTED_BY_REASON}.M.{REASON_CONFLICT}.N)"
        },
        result_path=FILE_CONFLICTS,
        retry=transient(DYNAMODB_TRANSIENT, max_attempts=EXPRESS_LANE_ATTEMPTS),
        catch=Catch(
            error_equals=["DynamoDB.ConditionalCheckFailedException"],
            next_step=already_counted,
            result_path=None,
        ),
    )
    count.next(
        conflicts_past_limit(
            f"{FILE_CONFLICTS}.conflicts",
            f"$.{RESULT_MAX_CONFLICTS}",
            state_id=names.CHECK_BATCH_CONFLICTS,
            tripped=_trip_breaker(),
            default=Pass(names.BATCH_COUNTED, output_path=f"$.{BATCH_NUMBER}"),
        )
    )
    return count


def _trip_breaker() -> Task:
    """The conflict breaker, tripped by the batch whose count took the file past its budget: the
    ledger item FAILED with error_name TooManyConflicts and out of the watchdog's index (a re-drive
    would send the same conflicts to review again), then the child fails, and with it the
    Distributed Map (ToleratedFailurePercentage 0): no further batch starts. MarkFileFailed leaves
    this mark as it is (its condition)."""
    tripped = Fail(
        names.BATCH_TOO_MANY_CONFLICTS, error=ERROR_TOO_MANY_CONFLICTS, cause=TOO_MANY_CONFLICTS_CAUSE
    )
    trip = Task(
        names.TRIP_CONFLICT_BREAKER,
        resource=names.service("dynamodb:updateItem"),
        parameters={
            "TableName": names.sub(names.FILE_LEDGER_TABLE_NAME),
            "Key": {"file_id": {"S.$": f"$.{BATCH_LEDGER}.file_id"}},
            "UpdateExpression": "SET #status = :failed, finished_at = :now, #error_name = :error "
            "REMOVE #open_since",
            "ConditionExpression": "#execution_arn = :execution",
            "ExpressionAttributeNames": {
                "#status": "status",
                "#error_name": ERROR_NAME,
                "#open_since": LEDGER_OPEN_SINCE,
                "#execution_arn": "execution_arn",
            },
            "ExpressionAttributeValues": {
                ":failed": {"S": LEDGER_STATUS_FAILED},
                ":now": {"S.$": "$$.State.EnteredTime"},
                ":error": {"S": ERROR_TOO_MANY_CONFLICTS},
                ":execution": {"S.$": f"$.{BATCH_LEDGER}.execution_arn"},
            },
        },
        result_path=None,
        # Few retries: the child is EXPRESS (5 minutes); the Fail follows whatever this write does.
        retry=transient(DYNAMODB_TRANSIENT, max_attempts=TRIP_ATTEMPTS),
        catch=Catch(error_equals=["States.ALL"], next_step=tripped, result_path=None),
    )
    trip.next(tripped)
    return trip


def build_batch_processor() -> InlineMap:
    """The child graph: an inline Map whose iterations route one record each, then CountBatch."""
    store = record_map(names.STORE_BATCH, batch_path="$")
    store.next(_count_batch())
    return store
