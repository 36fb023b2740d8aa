"""The large-file lane, the parent (STANDARD) execution for one S3 object: claim, validate, then store
or reject.

Its state data holds only pointers and counts (no record content: Standard history keeps inputs for
90 days and the payload limit is 256 KB). Per-record work happens in Distributed Map children.
"""

from __future__ import annotations

from stepfunctions.steps.choice_rule import ChoiceRule

from handlers.seams.rangekeys import CHECKPOINT, RANGES
from handlers.seams.shapes import (
    BATCH_ITEM_SOURCE,
    BATCH_LEDGER,
    BATCH_NUMBER,
    BATCH_RECORDS,
    BATCH_REVIEW_SOURCE,
    BATCH_SOURCE,
    CHILD_LEDGER_EXECUTION_ARN,
    CHILD_LEDGER_FILE_ID,
    LOCATION_BUCKET,
    LOCATION_KEY,
    LOCATION_VERSION_ID,
    RESULT_BATCHES,
    RESULT_FILE_REJECTED,
    RESULT_MAX_CONFLICTS,
    SOURCE_ETAG,
)
from handlers.seams.throughput import BATCH_CONCURRENCY
from workflow import names
from workflow.batches import build_batch_processor
from workflow.breaker import ERROR_NAME
from workflow.filestates import file_ends, file_entry
from workflow.ledgerwrites import (
    LANE_STANDARD,
    STATUS_FAILED,
    STATUS_HANDED_OFF,
    claim_file,
    ledger_update,
    record_validation,
)
from workflow.paths import VALIDATION, manifest, validation
from workflow.ranges import build_split_validation, route_split_file
from workflow.retries import ITEM_READER_TRANSIENT, LAMBDA_TRANSIENT, throttled_then_transient, transient
from workflow.sdk import Catch, Choice, DistributedMap, Fail, Task
from workflow.turns import (
    ERROR_TOO_MANY_CONTINUATIONS,
    TOO_MANY_CONTINUATIONS_CAUSE,
    build_continuation,
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


__all__ = ["BATCH_CONCURRENCY", "build_file_workflow"]
