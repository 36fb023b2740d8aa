"""Per-record routing, run for every manifest entry inside a child: store, claim-check store, or review.

Iteration input: `{"record": <manifest entry>, "source": <exact source>, "review_source": <review
source>}` (docs/CONTRACT.md).
Every terminal state outputs only the record index, so a child's Map result stays small.
"""

from __future__ import annotations

from stepfunctions.steps.choice_rule import ChoiceRule

from handlers.contract import HASH_ATTRIBUTE, PUT_CONDITION
from workflow import names
from workflow.retries import DYNAMODB_TRANSIENT, LAMBDA_TRANSIENT, transient
from workflow.reviews import (
    ERROR_PATH,
    RECORD_REVIEW,
    conflict_review,
    describe_minimal_review,
    send_review,
)
from workflow.sdk import Catch, Choice, Fail, Task


def build_record_processor() -> Choice:
    """The per-record graph; its start state is the returned Choice."""
    # A review whose sendMessage still fails after the retries becomes a minimal review; if that
    # fails too, the child fails (and with it the file), as before.
    send_minimal = send_review(names.SEND_MINIMAL_REVIEW, review_path=RECORD_REVIEW)
    describe_minimal = describe_minimal_review()
    describe_minimal.next(send_minimal)
    to_minimal = Catch(error_equals=["States.ALL"], next_step=describe_minimal, result_path=ERROR_PATH)

    send_conflict = send_review(names.SEND_CONFLICT, review_path=RECORD_REVIEW)
    send_conflict.add_catch(to_minimal)
    send_rejection = send_review(names.SEND_REJECTION, review_path=RECORD_REVIEW)
    send_rejection.add_catch(to_minimal)

    describe_conflict = conflict_review(names.DESCRIBE_CONFLICT, inline=True)
    describe_conflict.next(send_conflict)
    describe_large_conflict = conflict_review(names.DESCRIBE_LARGE_CONFLICT, inline=False)
    describe_large_conflict.next(send_conflict)

    store_record = Task(
        names.STORE_RECORD,
        resource=names.service("dynamodb:putItem"),
        parameters={
            "TableName": names.sub(names.ORDERS_TABLE_NAME),
            "Item.$": "$.record.item",
            "ConditionExpression": PUT_CONDITION,
            "ExpressionAttributeNames": {"#hash": HASH_ATTRIBUTE},
            "ExpressionAttributeValues": {":hash": {"S.$": "$.record.hash"}},
        },
        result_path=None,
        output_path="$.record.index",
        retry=transient(DYNAMODB_TRANSIENT),
        catch=Catch(
            error_equals=["DynamoDB.ConditionalCheckFailedException"],
            next_step=describe_conflict,
            result_path=None,
        ),
    )

    store_large_record = Task(
        names.STORE_LARGE_RECORD,
        resource=names.sub(names.STORE_LARGE_FUNCTION_ARN),
        parameters={
            "pointer.$": "$.record.pointer",
            "hash.$": "$.record.hash",
            "index.$": "$.record.index",
            "source.$": "$.source",
        },
        result_path=None,
        output_path="$.record.index",
        retry=transient(LAMBDA_TRANSIENT),
        catch=Catch(error_equals=["OrderConflict"], next_step=describe_large_conflict, result_path=None),
    )

    unknown_entry = Fail(
        names.UNKNOWN_ENTRY,
        error="UnknownManifestEntry",
        cause="A manifest entry has a status other than valid, large or invalid",
    )

    route = Choice(names.ROUTE_RECORD)
    route.add_choice(ChoiceRule.StringEquals("$.record.status", "valid"), store_record)
    route.add_choice(ChoiceRule.StringEquals("$.record.status", "large"), store_large_record)
    route.add_choice(ChoiceRule.StringEquals("$.record.status", "invalid"), send_rejection)
    route.default_choice(unknown_entry)
    return route
