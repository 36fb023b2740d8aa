"""The small-file lane: one EXPRESS execution validates a small file and routes its records itself.

CheckObject ... ClaimFile are the large lane's states (workflow/filestates.py `file_entry`); ValidateFile
invokes the validator with `"inline": true` (handlers/flows/inline.py), which returns the file's one
manifest batch in the result instead of writing a manifest. StoreRecords routes those entries with
the one per-record graph (workflow/recordstates.py) in an inline Map, and the file ends with the same
MarkFileDone / SendFileRejection / MarkFileRejected / MarkFileFailed as the large lane.

A file that does not fit (more than one batch, the inline byte budgets, gzip inflation), or whose
validator call is throttled, timed out or failing transiently, is handed off: MarkFileHandedOff sets
the ledger item HANDED_OFF (a status only the large lane's ClaimFile accepts), then HandOff starts the
large-file (STANDARD) state machine with this execution's own input, the original S3 event. The mark
comes first so the large lane can always claim what it is handed.

EXPRESS is at-least-once: a second run of the same event finds the ledger item IN_PROGRESS, DONE or
HANDED_OFF and ends in AlreadyProcessed; the orders table's conditional put makes a repeated record
write harmless. Time: an EXPRESS execution stops after 5 minutes without running a Catch, so the lane
fits by construction: every call retries at most LANE_ATTEMPTS times (1 s, 2 s), ValidateFile is
bounded by VALIDATE_TIMEOUT_SECONDS, and StoreRecords runs at most INLINE_MAX_RECORDS records (the
validator hands off a file with more, or with a claim-checked record) in waves of
SMALL_FILE_RECORD_CONCURRENCY. The worst case is computed from the rendered ASL (workflow/budgets.py,
output/worstcase.md) and build.py refuses a definition past the lane's budget.
"""

from __future__ import annotations

from stepfunctions.steps.choice_rule import ChoiceRule

from handlers.seams.ledgeritem import LEDGER_HANDOFF_REASON
from handlers.seams.shapes import (
    EVENT_INLINE,
    LOCATION_BUCKET,
    LOCATION_KEY,
    LOCATION_VERSION_ID,
    RESULT_BATCH,
    RESULT_BATCHES,
    RESULT_FILE_REJECTED,
    RESULT_HANDOFF,
    RESULT_HANDOFF_REASON,
    RESULT_MAX_CONFLICTS,
    RESULT_RECORDS,
    SOURCE_ETAG,
)
from handlers.seams.throughput import SMALL_FILE_RECORD_CONCURRENCY
from workflow import names
from workflow.batches import OUTCOMES, record_map
from workflow.breaker import conflicts_past_limit
from workflow.filestates import FileEnds, file_ends, file_entry
from workflow.ledgerwrites import LANE_EXPRESS, STATUS_FAILED, STATUS_HANDED_OFF, claim_file, ledger_update
from workflow.paths import VALIDATION, validation
from workflow.retries import (
    EXPRESS_LANE_ATTEMPTS,
    LAMBDA_THROTTLED,
    LAMBDA_TRANSIENT,
    STATES_TRANSIENT,
    transient,
)
from workflow.reviewstates import ERROR_PATH
from workflow.sdk import Catch, Choice, Pass, Succeed, Task

# Every call of the lane (ledger writes, reviews, record stores, the hand-off) retries 1 s, 2 s (at
# most ~3 s of waiting), as the batch children do, instead of the STANDARD parent's ~51 s.
LANE_ATTEMPTS = EXPRESS_LANE_ATTEMPTS
# The validator reads at most a few MiB here (handlers/flows/inline.py): seconds, even cold.
VALIDATE_TIMEOUT_SECONDS = 30
# Errors of ValidateFile that hand the file to the large lane, whose retries are patient (throttling:
# up to ~2 h) where an EXPRESS execution cannot be.
HANDOFF_ERRORS = ["States.Timeout", *LAMBDA_TRANSIENT]
HANDOFF_REASON = validation(RESULT_HANDOFF_REASON)


def _hand_off(ends: FileEnds) -> Task:
    """MarkFileHandedOff -> HandOff (start the large lane with the original event) -> FileHandedOff."""
    to_mark_failed = ends.catch_all_to_mark_failed
    hand_off = Task(
        names.HAND_OFF,
        resource=names.service("states:startExecution"),
        parameters={
            "StateMachineArn": names.sub(names.LARGE_FILE_STATE_MACHINE_ARN),
            # The S3 event exactly as this execution received it.
            "Input.$": "$$.Execution.Input",
        },
        result_path=None,
        retry=transient(STATES_TRANSIENT, max_attempts=LANE_ATTEMPTS),
        catch=to_mark_failed,
    )
    hand_off.next(Succeed(names.FILE_HANDED_OFF, comment="The large-file lane processes this file"))
    mark = ledger_update(
        names.MARK_FILE_HANDED_OFF,
        status=STATUS_HANDED_OFF,
        attributes={LEDGER_HANDOFF_REASON: {"S.$": HANDOFF_REASON}},
        max_attempts=LANE_ATTEMPTS,
    )
    mark.add_catch(to_mark_failed)
    mark.next(hand_off)
    return mark


def build_small_file_workflow() -> Choice:
    """The small-file machine's graph; its start state is the returned Choice."""
    ends = file_ends(ledger_attempts=LANE_ATTEMPTS, counted_inline=True, review_attempts=LANE_ATTEMPTS)
    mark_handed_off = _hand_off(ends)
    describe_handoff = Pass(
        names.DESCRIBE_HANDOFF,
        parameters={
            RESULT_FILE_REJECTED: False,
            RESULT_HANDOFF: True,
            # The error's name only (its Cause may quote the validator's message).
            f"{RESULT_HANDOFF_REASON}.$": f"{ERROR_PATH}.Error",
            RESULT_RECORDS: None,
        },
        result_path=VALIDATION,
    )
    describe_handoff.next(mark_handed_off)

    store_records = record_map(
        names.STORE_RECORDS,
        batch_path=validation(RESULT_BATCH),
        max_concurrency=SMALL_FILE_RECORD_CONCURRENCY,
        max_attempts=LANE_ATTEMPTS,
        large_records=False,
    )
    store_records.add_catch(ends.catch_all_to_mark_failed)
    # The conflict breaker: the lane's one batch is stored by now (at most INLINE_MAX_RECORDS reviews),
    # so past the budget the file only ends FAILED, loudly, with its counts.
    store_records.next(
        conflicts_past_limit(
            f"{OUTCOMES}.conflicts",
            f"$.validation.{RESULT_MAX_CONFLICTS}",
            state_id=names.CHECK_CONFLICTS,
            tripped=ends.mark_conflicted,
            default=ends.mark_done,
        )
    )
    # No batch (a file without records): zero counts, so MarkFileDone reads the same paths.
    no_records = Pass(
        names.NO_RECORDS,
        result={"stored": 0, "duplicates": 0, "rejected": 0, "conflicts": 0, "reasons": {}},
        result_path=OUTCOMES,
    )
    no_records.next(ends.mark_done)

    route_file = Choice(names.ROUTE_FILE)
    route_file.add_choice(
        ChoiceRule.BooleanEquals(validation(RESULT_FILE_REJECTED), True), ends.send_file_rejection
    )
    route_file.add_choice(ChoiceRule.BooleanEquals(validation(RESULT_HANDOFF), True), mark_handed_off)
    route_file.add_choice(ChoiceRule.NumericGreaterThan(validation(RESULT_BATCHES), 0), store_records)
    route_file.default_choice(no_records)

    validate_file = Task(
        names.VALIDATE_FILE,
        resource=names.sub(names.VALIDATOR_FUNCTION_ARN),
        # The validator's event (handlers.seams.shapes.InlineEvent), from the file's identity.
        parameters={
            **{
                f"{name}.$": f"$.file.{name}"
                for name in (LOCATION_BUCKET, LOCATION_KEY, LOCATION_VERSION_ID, SOURCE_ETAG)
            },
            EVENT_INLINE: True,
        },
        result_path=VALIDATION,
        timeout_seconds=VALIDATE_TIMEOUT_SECONDS,
        # One quick retry of a transient error; throttling is not retried here (hand-off at once).
        retry=transient([e for e in LAMBDA_TRANSIENT if e != LAMBDA_THROTTLED], max_attempts=1),
        catch=[
            Catch(error_equals=HANDOFF_ERRORS, next_step=describe_handoff, result_path=ERROR_PATH),
            ends.catch_all_to_mark_failed,
        ],
    )
    validate_file.next(route_file)

    claim = claim_file(
        lane=LANE_EXPRESS,
        claimable=(STATUS_FAILED,),
        catch_all_to_fail=ends.catch_all_to_fail,
        max_attempts=LANE_ATTEMPTS,
    )
    claim.next(validate_file)
    return file_entry(claim)
