"""The parent (STANDARD) execution for one S3 object: claim, validate, then store or reject.

Its state data holds only pointers and counts (no record content: Standard history keeps inputs for
90 days and the payload limit is 256 KB). Per-record work happens in Distributed Map children.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stepfunctions.steps.choice_rule import ChoiceRule

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
from handlers.seams.rangekeys import CHECKPOINT, RANGES
from handlers.seams.settings import MANIFEST_NAME, WORKING_PREFIX
from handlers.seams.shapes import (
    BATCH_ITEM_SOURCE,
    BATCH_LEDGER,
    BATCH_NUMBER,
    BATCH_RECORDS,
    BATCH_REVIEW_SOURCE,
    BATCH_SOURCE,
    CHILD_LEDGER_EXECUTION_ARN,
    CHILD_LEDGER_FILE_ID,
    LEDGER_EXPIRES_AT,
    LEDGER_REJECTED_BY_REASON,
    LEDGER_REJECTED_BY_RULE,
    LOCATION_BUCKET,
    LOCATION_KEY,
    LOCATION_VERSION_ID,
    RESULT_BATCHES,
    RESULT_COUNTS,
    RESULT_FILE_REJECTED,
    RESULT_LEDGER,
    RESULT_MAX_CONFLICTS,
    RESULT_REASON,
    SOURCE_ETAG,
)
from handlers.seams.throughput import BATCH_CONCURRENCY
from workflow import names
from workflow.batches import (
    LEDGER_OUTCOME_COUNTS,
    OUTCOMES,
    REJECTED_BY_REASON,
    build_batch_processor,
)
from workflow.breaker import ERROR_NAME, ERROR_TOO_MANY_CONFLICTS, TOO_MANY_CONFLICTS_CAUSE
from workflow.paths import VALIDATION, manifest, validation
from workflow.ranges import build_split_validation, route_split_file
from workflow.retries import (
    DYNAMODB_TRANSIENT,
    ITEM_READER_TRANSIENT,
    LAMBDA_TRANSIENT,
    throttled_then_transient,
    transient,
)
from workflow.reviews import ERROR_PATH, describe_minimal_file_review, send_review
from workflow.sdk import Catch, Choice, DistributedMap, Fail, Pass, Succeed, Task
from workflow.turns import (
    ERROR_TOO_MANY_CONTINUATIONS,
    TOO_MANY_CONTINUATIONS_CAUSE,
    build_continuation,
)

_OBJECT = "$.detail.object"
# A member name with punctuation other than `_` needs bracket notation in a Step Functions path
# (the paths documentation); dot notation would rely on a lenient parser.
_VERSION_ID = f"{_OBJECT}['version-id']"
# The validator's counts that the ledger keeps for an accepted file (simulate.py reconciles them).
LEDGER_COUNTS = RESULT_COUNTS
MINIMAL_FILE_REVIEW = "$.minimal_review"
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


def _describe_file(state_id: str, *, versioned: bool) -> Pass:
    """Pick the object's identity from the S3 event: its version id, or its etag when unversioned.

    Plain paths only: the hyphenated key (`version-id`) is not used inside an intrinsic function.
    """
    identity = _VERSION_ID if versioned else f"{_OBJECT}.etag"
    source: dict[str, Any] = {
        "bucket.$": "$.detail.bucket.name",
        "key.$": f"{_OBJECT}.key",
        "identity.$": identity,
    }
    if versioned:
        source["version_id.$"] = identity
        source["etag"] = None
    else:
        source["version_id"] = None
        source["etag.$"] = identity
    return Pass(state_id, parameters={"object": source})


def _identify_file() -> Pass:
    """Reduce the state to `{"file": {bucket, key, version_id, etag, file_id}}` (the ledger key)."""
    return Pass(
        names.IDENTIFY_FILE,
        parameters={
            "file": {
                "bucket.$": "$.object.bucket",
                "key.$": "$.object.key",
                "version_id.$": "$.object.version_id",
                "etag.$": "$.object.etag",
                "file_id.$": "States.Format('{}/{}#{}', $.object.bucket, $.object.key, $.object.identity)",
            }
        },
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


def _accepted_counts(*, counted_inline: bool) -> dict[str, dict[str, Any] | str]:
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


def _rejected_file() -> dict[str, dict[str, Any] | str]:
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


@dataclass(frozen=True)
class FileEnds:
    """The states every lane ends a file with: marked DONE (accepted or rejected) or FAILED."""

    catch_all_to_fail: Catch
    catch_all_to_mark_failed: Catch
    mark_failed: Task
    mark_done: Task
    send_file_rejection: Task
    # The conflict breaker tripped: FAILED with the counts, out of the watchdog's index -> TooManyConflicts.
    mark_conflicted: Task


def file_ends(
    *,
    ledger_attempts: int = LEDGER_ATTEMPTS,
    counted_inline: bool = False,
    review_attempts: int = LEDGER_ATTEMPTS,
) -> FileEnds:
    """MarkFileDone, MarkFileRejected (after SendFileRejection, with its minimal-review fallback),
    MarkFileFailed -> PipelineFailed: one definition for both lanes. `ledger_attempts`: retries of
    the ledger writes (the small lane keeps them short: an EXPRESS execution has 5 minutes);
    `counted_inline`: MarkFileDone also writes the outcome counts at OUTCOMES (small lane);
    `review_attempts`: retries of the file review sends (the small lane's budget too)."""
    pipeline_failed = Fail(
        names.PIPELINE_FAILED,
        error="PipelineFailed",
        cause="A step failed permanently after its retries; the file ledger marks the file FAILED "
        "and a new delivery of the same event processes it again",
    )
    catch_all_to_fail = Catch(error_equals=["States.ALL"], next_step=pipeline_failed, result_path="$.error")

    # Never over a conflict breaker's mark (a child's TripConflictBreaker): that file stays out of the
    # watchdog's index, FAILED with TooManyConflicts; the execution still fails (PipelineFailed).
    mark_failed = ledger_update(
        names.MARK_FILE_FAILED,
        status=STATUS_FAILED,
        error_path="$.error.Error",
        max_attempts=ledger_attempts,
        unless_error=ERROR_TOO_MANY_CONFLICTS,
    )
    mark_failed.add_catch(catch_all_to_fail)
    mark_failed.next(pipeline_failed)
    catch_all_to_mark_failed = Catch(
        error_equals=["States.ALL"], next_step=mark_failed, result_path="$.error"
    )

    too_many_conflicts = Fail(
        names.TOO_MANY_CONFLICTS, error=ERROR_TOO_MANY_CONFLICTS, cause=TOO_MANY_CONFLICTS_CAUSE
    )
    mark_conflicted = ledger_update(
        names.MARK_FILE_CONFLICTED,
        status=STATUS_FAILED,
        attributes={
            **_accepted_counts(counted_inline=counted_inline),
            ERROR_NAME: {"S": ERROR_TOO_MANY_CONFLICTS},
        },
        max_attempts=ledger_attempts,
        watched=False,
    )
    mark_conflicted.add_catch(catch_all_to_fail)
    mark_conflicted.next(too_many_conflicts)

    file_processed = Succeed(names.FILE_PROCESSED)
    mark_done = ledger_update(
        names.MARK_FILE_DONE,
        status=STATUS_DONE,
        attributes=_accepted_counts(counted_inline=counted_inline),
        max_attempts=ledger_attempts,
    )
    mark_done.add_catch(catch_all_to_fail)
    mark_done.next(file_processed)
    mark_rejected = ledger_update(
        names.MARK_FILE_REJECTED,
        status=STATUS_DONE,
        attributes=_rejected_file(),
        max_attempts=ledger_attempts,
    )
    mark_rejected.add_catch(catch_all_to_fail)
    mark_rejected.next(file_processed)

    # A file review that cannot be sent after its retries becomes a minimal review; if that cannot
    # be sent either, the file is marked FAILED, as before.
    send_minimal_file_review = send_review(
        names.SEND_MINIMAL_FILE_REVIEW,
        review_path=MINIMAL_FILE_REVIEW,
        output_path=None,
        max_attempts=review_attempts,
    )
    send_minimal_file_review.add_catch(catch_all_to_mark_failed)
    send_minimal_file_review.next(mark_rejected)
    describe_minimal_file = describe_minimal_file_review(
        review_path="$.validation.review", result_path=MINIMAL_FILE_REVIEW
    )
    describe_minimal_file.next(send_minimal_file_review)

    send_file_rejection = send_review(
        names.SEND_FILE_REJECTION,
        review_path="$.validation.review",
        output_path=None,
        max_attempts=review_attempts,
    )
    send_file_rejection.add_catch(
        Catch(error_equals=["States.ALL"], next_step=describe_minimal_file, result_path=ERROR_PATH)
    )
    send_file_rejection.next(mark_rejected)
    return FileEnds(
        catch_all_to_fail=catch_all_to_fail,
        catch_all_to_mark_failed=catch_all_to_mark_failed,
        mark_failed=mark_failed,
        mark_done=mark_done,
        send_file_rejection=send_file_rejection,
        mark_conflicted=mark_conflicted,
    )


def _mark_too_many_continuations(catch_all_to_fail: Catch) -> Task:
    """MarkFileTooManyContinuations -> TooManyContinuations: the file needed more validator turns than
    the loop allows (workflow/turns.py); FAILED with that error name, out of the watchdog's index (a
    re-drive would need as many turns again), as a conflict-broken file is."""
    too_many = Fail(
        names.TOO_MANY_CONTINUATIONS, error=ERROR_TOO_MANY_CONTINUATIONS, cause=TOO_MANY_CONTINUATIONS_CAUSE
    )
    mark = ledger_update(
        names.MARK_FILE_TOO_MANY_CONTINUATIONS,
        status=STATUS_FAILED,
        attributes={ERROR_NAME: {"S": ERROR_TOO_MANY_CONTINUATIONS}},
        watched=False,
    )
    mark.add_catch(catch_all_to_fail)
    mark.next(too_many)
    return mark


def build_file_workflow() -> Choice:
    """The parent graph (large-file lane); its start state is the returned Choice."""
    ends = file_ends()
    catch_all_to_mark_failed = ends.catch_all_to_mark_failed
    mark_done, send_file_rejection = ends.mark_done, ends.send_file_rejection

    process_batches = DistributedMap(
        names.PROCESS_BATCHES,
        item_reader={
            "Resource": names.service("s3:getObject"),
            "ReaderConfig": {"InputType": "JSON"},
            "Parameters": {
                "Bucket.$": manifest(LOCATION_BUCKET),
                "Key.$": manifest(LOCATION_KEY),
                # The exact version the validator wrote: a later overwrite of the key is not read.
                "VersionId.$": manifest(LOCATION_VERSION_ID),
            },
        },
        # The batch as the manifest holds it, plus the ledger item and the parent execution (CountBatch).
        item_selector={
            **{
                f"{key}.$": f"$$.Map.Item.Value.{key}"
                for key in (BATCH_NUMBER, BATCH_SOURCE, BATCH_REVIEW_SOURCE, BATCH_ITEM_SOURCE, BATCH_RECORDS)
            },
            BATCH_LEDGER: {
                f"{CHILD_LEDGER_FILE_ID}.$": "$.file.file_id",
                f"{CHILD_LEDGER_EXECUTION_ARN}.$": "$$.Execution.Id",
            },
            # The file's conflict budget: the batch that passes it trips the breaker (workflow/breaker.py).
            f"{RESULT_MAX_CONFLICTS}.$": validation(RESULT_MAX_CONFLICTS),
        },
        max_concurrency=BATCH_CONCURRENCY,
        tolerated_failure_percentage=0,
        label=names.PROCESS_BATCHES,
        result_path=None,
        retry=transient(ITEM_READER_TRANSIENT, max_attempts=3),
        catch=catch_all_to_mark_failed,
    )
    process_batches.attach_processor(build_batch_processor())
    process_batches.next(mark_done)

    route_file = Choice(names.ROUTE_FILE)
    record_reasons = record_validation(catch=catch_all_to_mark_failed)
    record_reasons.next(process_batches)
    route_file.add_choice(
        ChoiceRule.BooleanEquals(validation(RESULT_FILE_REJECTED), True), send_file_rejection
    )
    route_file.add_choice(ChoiceRule.NumericGreaterThan(validation(RESULT_BATCHES), 0), record_reasons)
    # A file the validator split into ranges (workflow/ranges.py) rejoins here as one validation
    # (its plan has batches 0: the rules above are false for it).
    route_split = route_split_file(rejected=send_file_rejection, stored=record_reasons, done=mark_done)
    route_file.add_choice(
        ChoiceRule.IsPresent(validation(RANGES), True),
        build_split_validation(catch=catch_all_to_mark_failed, route=route_split),
    )
    # A file whose first turn stopped at a checkpoint (workflow/turns.py) is continued, then rejoins
    # as a split file does.
    route_file.add_choice(
        ChoiceRule.IsPresent(validation(CHECKPOINT), True),
        build_continuation(
            catch=catch_all_to_mark_failed,
            too_many=_mark_too_many_continuations(ends.catch_all_to_fail),
            route=route_split,
        ),
    )
    route_file.default_choice(mark_done)

    validate_file = Task(
        names.VALIDATE_FILE,
        resource=names.sub(names.VALIDATOR_FUNCTION_ARN),
        # The validator's event (handlers.seams.shapes.ValidatorEvent), from the file's identity.
        parameters={
            f"{name}.$": f"$.file.{name}"
            for name in (LOCATION_BUCKET, LOCATION_KEY, LOCATION_VERSION_ID, SOURCE_ETAG)
        },
        result_path=VALIDATION,
        retry=throttled_then_transient(LAMBDA_TRANSIENT),
        catch=catch_all_to_mark_failed,
    )
    validate_file.next(route_file)

    claim = claim_file(
        lane=LANE_STANDARD,
        claimable=(STATUS_FAILED, STATUS_HANDED_OFF),
        catch_all_to_fail=ends.catch_all_to_fail,
    )
    claim.next(validate_file)
    return file_entry(claim)


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


def file_entry(claim: Task) -> Choice:
    """CheckObject -> Describe(Un)versionedFile -> IdentifyFile -> `claim`: shared by both lanes."""
    identify_file = _identify_file()
    identify_file.next(claim)
    describe_versioned = _describe_file(names.DESCRIBE_VERSIONED_FILE, versioned=True)
    describe_versioned.next(identify_file)
    describe_unversioned = _describe_file(names.DESCRIBE_UNVERSIONED_FILE, versioned=False)
    describe_unversioned.next(identify_file)

    ignore_own = Succeed(names.IGNORE_PIPELINE_OBJECT, comment="The pipeline's own working object")
    not_recognized = Fail(
        names.EVENT_NOT_RECOGNIZED,
        error="EventNotRecognized",
        cause="The input is not an S3 Object Created event with a version id or an etag",
    )
    check_object = Choice(names.CHECK_OBJECT)
    check_object.add_choice(
        ChoiceRule.And(
            [
                ChoiceRule.IsPresent(f"{_OBJECT}.key", True),
                ChoiceRule.StringMatches(f"{_OBJECT}.key", WORKING_PREFIX + "*"),
            ]
        ),
        ignore_own,
    )
    check_object.add_choice(ChoiceRule.IsPresent(_VERSION_ID, True), describe_versioned)
    check_object.add_choice(ChoiceRule.IsPresent(f"{_OBJECT}.etag", True), describe_unversioned)
    check_object.default_choice(not_recognized)
    return check_object


__all__ = ["BATCH_CONCURRENCY", "MANIFEST_NAME", "build_file_workflow"]
