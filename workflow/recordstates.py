"""Per-record routing, run for every manifest entry inside a child: store, claim-check store, or review.

Iteration input: `{"record": <manifest entry>, "source": <exact source>, "review_source": <review
source>, "source_attribute": {"_pipeline_source": ...}}` (docs/seams.md); the item put is the
entry's item with that `_pipeline_source` (workflow/paths.py STORED_ITEM).
Every path ends with the record's outcome only, `{"outcome": "stored" | "duplicate"}` or `{"outcome":
"rejected", "reason": <code>}`, so a batch's Map result stays small and counts for the file ledger
(workflow/batches.py).
"""

from __future__ import annotations

from stepfunctions.steps.choice_rule import ChoiceRule

from handlers.seams.settings import HASH_ATTRIBUTE, KEY_ATTRIBUTE, PUT_CONDITION
from handlers.seams.shapes import (
    ENTRY_STATUSES,
    ERROR_ORDER_CONFLICT,
    EVENT_SOURCE,
    KEY_HASH,
    KEY_INDEX,
    KEY_ORDER_ID,
    KEY_OUTCOME,
    KEY_OUTCOME_REASON,
    KEY_POINTER,
    KEY_STATUS,
    OUTCOME_DUPLICATE,
    OUTCOME_REJECTED,
    OUTCOME_STORED,
    STATUS_INVALID,
    STATUS_LARGE,
    STATUS_VALID,
)
from workflow import names
from workflow.paths import SOURCE, STORED_ITEM, entry
from workflow.retries import (
    DYNAMODB_TRANSIENT,
    EXPRESS_LANE_ATTEMPTS,
    LAMBDA_TRANSIENT,
    TASK_TIMED_OUT,
    transient,
)
from workflow.reviewstates import (
    ERROR_PATH,
    RECORD_REVIEW,
    conflict_review,
    describe_minimal_review,
    send_review,
)
from workflow.sdk import Catch, Choice, Fail, Pass, Task

# Where a store keeps its outcome ({"outcome": ...}) before outputting only that.
OUTCOME_PATH = f"$.{KEY_OUTCOME}"
# Where ReadStoredHash keeps the stored item's hash (the next Pass replaces the whole state).
STORED_HASH_PATH = "$.stored_hash"
STORED_HASH_RETRIES = 2
# How long StoreLargeRecord waits for one attempt of the store-large Lambda (its own timeout is 10 s).
# One attempt is one ranged S3 GET and one conditional PutItem of at most a DynamoDB item (400 KB), and
# the record's decode and check: 31 ms of CPU for a dense 396 KB record on one core, ~0.2 s at the
# function's 256 MB (0.14 vCPU), ~3 s with a cold start's INIT at that share. 8 s is well above that;
# a slower attempt is a timeout (States.Timeout), retried like a transient error: the put is
# conditional, so an attempt that still lands after its timeout makes the retry a duplicate, never a
# second item. Every attempt counts in a batch child's worst case (output/worstcase.md: 5 waves of
# 3 x 8 s + 3 s of waits, a conflict review and a minimal review); 3 x 60 s would not fit one wave.
STORE_LARGE_ATTEMPT_SECONDS = 8


def _identical_or_conflict(describe_conflict: Pass) -> Task:
    """ReadStoredHash -> IsIdenticalRePut: an item was there (StoreRecord's condition failed); its hash
    equal to the record's is an identical re-put (`duplicate`, nothing written, the first
    `_pipeline_source` kept), another hash a conflict. The pipeline never deletes an order item."""
    duplicate = Pass(names.RECORD_DUPLICATE, parameters={KEY_OUTCOME: OUTCOME_DUPLICATE})
    identical = Choice(names.IS_IDENTICAL_RE_PUT)
    identical.add_choice(ChoiceRule.StringEqualsPath(f"{STORED_HASH_PATH}.hash", entry(KEY_HASH)), duplicate)
    identical.default_choice(describe_conflict)
    read = Task(
        names.READ_STORED_HASH,
        resource=names.service("dynamodb:getItem"),
        parameters={
            "TableName": names.sub(names.ORDERS_TABLE_NAME),
            "Key": {KEY_ATTRIBUTE: {"S.$": entry(KEY_ORDER_ID)}},
            "ProjectionExpression": "#hash",
            "ExpressionAttributeNames": {"#hash": HASH_ATTRIBUTE},
            "ConsistentRead": True,
        },
        result_selector={"hash.$": f"$.Item.{HASH_ATTRIBUTE}.S"},
        result_path=STORED_HASH_PATH,
        # Two retries (1 + 2 s): the small lane's worst case (every wait of a record's path, per wave)
        # must stay within its 5-minute limit (tests/unit/workflow/test_small_file_states.py).
        retry=transient(DYNAMODB_TRANSIENT, max_attempts=STORED_HASH_RETRIES),
    )
    read.next(identical)
    return read


def build_record_processor(
    *, max_attempts: int = EXPRESS_LANE_ATTEMPTS, large_records: bool = True
) -> Choice:
    """The per-record graph; its start state is the returned Choice.

    `max_attempts`: retries of each call; both callers run it in an EXPRESS execution (5 minutes), the
    small-file lane and the batch children, with EXPRESS_LANE_ATTEMPTS. A record whose call still fails
    fails its execution, and with it the file (FAILED in the ledger, re-driven): never lost.
    `large_records`: route claim-checked entries to StoreLargeRecord; the small-file lane, whose
    validator hands off a file with any large record (handlers/flows/inline.py), routes none (an entry of
    that status would be an UnknownEntry), so its worst case holds no Lambda timeout per record.
    """
    statuses = ENTRY_STATUSES if large_records else tuple(s for s in ENTRY_STATUSES if s != STATUS_LARGE)
    # A review whose sendMessage still fails after the retries becomes a minimal review; if that
    # fails too, the child fails (and with it the file), as before.
    record_rejected = Pass(
        names.RECORD_REJECTED,
        parameters={KEY_OUTCOME: OUTCOME_REJECTED, f"{KEY_OUTCOME_REASON}.$": f"{RECORD_REVIEW}.reason"},
    )
    send_minimal = send_review(
        names.SEND_MINIMAL_REVIEW, review_path=RECORD_REVIEW, output_path=None, max_attempts=max_attempts
    )
    send_minimal.next(record_rejected)
    describe_minimal = describe_minimal_review()
    describe_minimal.next(send_minimal)
    to_minimal = Catch(error_equals=["States.ALL"], next_step=describe_minimal, result_path=ERROR_PATH)

    send_conflict = send_review(
        names.SEND_CONFLICT, review_path=RECORD_REVIEW, output_path=None, max_attempts=max_attempts
    )
    send_conflict.add_catch(to_minimal)
    send_conflict.next(record_rejected)
    send_rejection = send_review(
        names.SEND_REJECTION, review_path=RECORD_REVIEW, output_path=None, max_attempts=max_attempts
    )
    send_rejection.add_catch(to_minimal)
    send_rejection.next(record_rejected)

    describe_conflict = conflict_review(names.DESCRIBE_CONFLICT, inline=True)
    describe_conflict.next(send_conflict)
    describe_large_conflict = conflict_review(names.DESCRIBE_LARGE_CONFLICT, inline=False)
    describe_large_conflict.next(send_conflict)

    store_record = Task(
        names.STORE_RECORD,
        resource=names.service("dynamodb:putItem"),
        parameters={
            "TableName": names.sub(names.ORDERS_TABLE_NAME),
            "Item.$": STORED_ITEM,
            "ConditionExpression": PUT_CONDITION,
        },
        result_selector={KEY_OUTCOME: OUTCOME_STORED},
        result_path=OUTCOME_PATH,
        output_path=OUTCOME_PATH,
        retry=transient(DYNAMODB_TRANSIENT, max_attempts=max_attempts),
        catch=Catch(
            error_equals=["DynamoDB.ConditionalCheckFailedException"],
            next_step=_identical_or_conflict(describe_conflict),
            result_path=None,
        ),
    )

    store_large_record = Task(
        names.STORE_LARGE_RECORD,
        resource=names.sub(names.STORE_LARGE_FUNCTION_ARN),
        # The store-large event (handlers.seams.shapes.StoreLargeEvent): the entry's claim check and the
        # source.
        parameters={
            f"{KEY_POINTER}.$": entry(KEY_POINTER),
            f"{KEY_HASH}.$": entry(KEY_HASH),
            f"{KEY_INDEX}.$": entry(KEY_INDEX),
            f"{EVENT_SOURCE}.$": SOURCE,
        },
        # The Lambda's {"stored": true, "outcome": "stored" | "duplicate"} (its own conditional put).
        result_selector={f"{KEY_OUTCOME}.$": f"$.{KEY_OUTCOME}"},
        result_path=OUTCOME_PATH,
        output_path=OUTCOME_PATH,
        timeout_seconds=STORE_LARGE_ATTEMPT_SECONDS,
        retry=transient([*LAMBDA_TRANSIENT, TASK_TIMED_OUT], max_attempts=max_attempts),
        catch=Catch(error_equals=[ERROR_ORDER_CONFLICT], next_step=describe_large_conflict, result_path=None),
    )

    unknown_entry = Fail(
        names.UNKNOWN_ENTRY,
        error="UnknownManifestEntry",
        cause="A manifest entry has a status other than " + f"{', '.join(statuses[:-1])} or {statuses[-1]}",
    )

    route = Choice(names.ROUTE_RECORD)
    route.add_choice(ChoiceRule.StringEquals(entry(KEY_STATUS), STATUS_VALID), store_record)
    if large_records:
        route.add_choice(ChoiceRule.StringEquals(entry(KEY_STATUS), STATUS_LARGE), store_large_record)
    route.add_choice(ChoiceRule.StringEquals(entry(KEY_STATUS), STATUS_INVALID), send_rejection)
    route.default_choice(unknown_entry)
    return route
