"""Per-record routing, run for every manifest entry inside a child: store, claim-check store, or review.

Iteration input: `{"record": <manifest entry>, "source": <source>}` (docs/CONTRACT.md).
Every terminal state outputs only the record index, so a child's Map result stays small.
"""

from __future__ import annotations

from typing import Any

from stepfunctions.steps.choice_rule import ChoiceRule

from handlers.contract import HASH_ATTRIBUTE, PUT_CONDITION, REVIEW_SCHEMA
from workflow import names
from workflow.retries import DYNAMODB_TRANSIENT, LAMBDA_TRANSIENT, SQS_TRANSIENT, transient
from workflow.sdk import Catch, Choice, Fail, Pass, Task

CONFLICT_MESSAGE = (
    "order_id is already stored with different content; the stored item was not changed"
)


def send_review(state_id: str, *, review_path: str, output_path: str | None = "$.record.index") -> Task:
    """SQS sendMessage of the review message at `review_path` (its reason also as an attribute)."""
    fields: dict[str, Any] = {"output_path": output_path} if output_path else {}
    return Task(
        state_id,
        resource=names.service("sqs:sendMessage"),
        parameters={
            "QueueUrl": names.sub(names.REVIEW_QUEUE_URL),
            "MessageBody.$": f"States.JsonToString({review_path})",
            "MessageAttributes": {
                "reason": {"DataType": "String", "StringValue.$": f"{review_path}.reason"}
            },
        },
        result_path=None,
        retry=transient(SQS_TRANSIENT),
        **fields,
    )


def _conflict_review(state_id: str, *, inline: bool) -> Pass:
    """Build the `conflict` review message for an inline item or a claim-checked record."""
    review: dict[str, Any] = {
        "schema": REVIEW_SCHEMA,
        "reason": "conflict",
        "message": CONFLICT_MESSAGE,
        "file_rejected": False,
        "source.$": "$.source",
        "record_index.$": "$.record.index",
        "line.$": "$.record.line",
        "order_id.$": "$.record.order_id",
        "record": None,
        "record_item": None,
        "record_pointer": None,
    }
    if inline:
        del review["record_item"]
        review["record_item.$"] = "$.record.item"
    else:
        del review["record_pointer"]
        review["record_pointer.$"] = "$.record.pointer"
    return Pass(
        state_id,
        parameters={"record": {"index.$": "$.record.index"}, "review": review},
    )


def build_record_processor() -> Choice:
    """The per-record graph; its start state is the returned Choice."""
    send_conflict = send_review(names.SEND_CONFLICT, review_path="$.review")
    send_rejection = send_review(names.SEND_REJECTION, review_path="$.record.review")

    describe_conflict = _conflict_review(names.DESCRIBE_CONFLICT, inline=True)
    describe_conflict.next(send_conflict)
    describe_large_conflict = _conflict_review(names.DESCRIBE_LARGE_CONFLICT, inline=False)
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
