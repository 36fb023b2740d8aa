"""The built definition, executed by moto's ASL interpreter: minimal-review fallback and the ledger.

Parts of the real definition run as their own state machines (the per-batch child; the parent from
RouteFile on), against an in-process moto whose review queue refuses bodies over 1,024 bytes, so a
full review fails to send exactly as an unsendable one would on AWS. The one change to the
definition is retry timing (MaxDelaySeconds 1), so the retries run out in seconds.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws

from emulator.patches import sfn_indefinite_paths
from emulator.patches.asl_grammar import moto_compatible_definition
from handlers.core.provenance import source_members
from handlers.seams.settings import REVIEW_SCHEMA
from workflow.definition import build_definition
from workflow.graph_check import check_graph
from workflow.reviewstates import MINIMAL_MESSAGE

REGION = "us-east-1"
# SQS's smallest allowed MaximumMessageSize: a full review over it fails, a minimal review fits.
SMALL_QUEUE_BYTES = 1024
SOURCE = {"bucket": "in", "key": "orders.json", "version_id": "v1", "etag": None}
REVIEW_SOURCE = {**SOURCE, "key": "orders-for-review.json"}
MINIMAL_FIELDS = {
    "schema", "reason", "message", "file_rejected", "source", "record_index", "line", "record_pointer",
    "send_error", "minimal",
}  # fmt: skip


@dataclass
class Aws:
    sqs: Any
    dynamodb: Any
    sfn: Any
    queue_url: str

    def run(
        self, definition: dict[str, Any], payload: dict[str, Any], *, claimed: str | None = None
    ) -> dict[str, Any]:
        """Create `definition` as a state machine, run it on `payload`, wait for the end. `claimed`: a
        file_id the run holds the ledger claim of (IN_PROGRESS, its execution ARN), as ClaimFile leaves
        it: the ledger writes after the claim change only the claim their execution owns."""
        text = json.dumps(moto_compatible_definition(_fast_retries(definition)))
        for name, value in self._substitutions().items():
            text = text.replace("${" + name + "}", value)
        name = f"m{time.monotonic_ns()}"
        machine = self.sfn.create_state_machine(
            name=name, definition=text, roleArn=f"arn:aws:iam::{'1' * 12}:role/r"
        )["stateMachineArn"]
        if claimed is not None:
            execution_arn = machine.replace(":stateMachine:", ":execution:") + ":" + name
            self.dynamodb.put_item(
                TableName="ledger",
                Item={
                    "file_id": {"S": claimed},
                    "status": {"S": "IN_PROGRESS"},
                    "execution_arn": {"S": execution_arn},
                },
            )
        execution = self.sfn.start_execution(stateMachineArn=machine, name=name, input=json.dumps(payload))
        for _ in range(600):
            described: dict[str, Any] = self.sfn.describe_execution(executionArn=execution["executionArn"])
            if described["status"] != "RUNNING":
                return described
            time.sleep(0.1)
        raise AssertionError("execution still running")

    def reviews(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while messages := self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
        ).get("Messages", []):
            for message in messages:
                body = json.loads(message["Body"])
                assert message["MessageAttributes"]["reason"]["StringValue"] == body["reason"]
                found.append(body)
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return sorted(found, key=lambda review: (review.get("record_index") or 0, review["minimal"]))

    def ledger(self, file_id: str) -> dict[str, Any]:
        item: dict[str, Any] = self.dynamodb.get_item(
            TableName="ledger", Key={"file_id": {"S": file_id}}, ConsistentRead=True
        )["Item"]
        return item

    def _substitutions(self) -> dict[str, str]:
        integrations = {
            "SqsSendMessageArn": "sqs:sendMessage",
            "DynamodbPutItemArn": "dynamodb:putItem",
            "DynamodbGetItemArn": "dynamodb:getItem",
            "DynamodbUpdateItemArn": "dynamodb:updateItem",
            "S3GetObjectArn": "s3:getObject",
        }
        return {
            **{key: f"arn:aws:states:::{integration}" for key, integration in integrations.items()},
            "ReviewQueueUrl": self.queue_url,
            "OrdersTableName": "orders",
            "FileLedgerTableName": "ledger",
            "StoreLargeFunctionArn": f"arn:aws:lambda:{REGION}:{'1' * 12}:function:store-large",
            "ValidatorFunctionArn": f"arn:aws:lambda:{REGION}:{'1' * 12}:function:validator",
        }


def _fast_retries(definition: dict[str, Any]) -> dict[str, Any]:
    """The definition with every retrier capped at 1 s (timing only: errors and attempts unchanged)."""
    fast = copy.deepcopy(definition)

    def visit(value: Any) -> None:
        if isinstance(value, dict):
            for retrier in value.get("Retry", []):
                retrier.update(IntervalSeconds=1, MaxDelaySeconds=1)
            for child in value.values():
                visit(child)
        elif isinstance(value, list):
            for child in value:
                visit(child)

    visit(fast)
    return fast


@pytest.fixture(scope="module")
def aws() -> Iterator[Aws]:
    # The one emulator patch these runs need: filters that match nothing are [] (each batch's counts).
    sfn_indefinite_paths.install()
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):  # type: ignore[arg-type]
        sqs = boto3.client("sqs", region_name=REGION)
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        for table, key in (("orders", "order_id"), ("ledger", "file_id")):
            dynamodb.create_table(
                TableName=table,
                KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
        queue_url = sqs.create_queue(
            QueueName="review", Attributes={"MaximumMessageSize": str(SMALL_QUEUE_BYTES)}
        )["QueueUrl"]
        yield Aws(sqs, dynamodb, boto3.client("stepfunctions", region_name=REGION), queue_url)


def _child(definition: dict[str, Any]) -> dict[str, Any]:
    processor = definition["States"]["ProcessBatches"]["ItemProcessor"]
    return {key: value for key, value in processor.items() if key != "ProcessorConfig"}


def _parent_from(definition: dict[str, Any], start: str) -> dict[str, Any]:
    """The parent's states reachable from `start` (moto is not asked to parse the rest)."""
    states = definition["States"]
    keep: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if name in keep:
            continue
        keep.add(name)
        state = states[name]
        todo += [state[k] for k in ("Next", "Default") if k in state]
        todo += [c["Next"] for c in state.get("Choices", []) + state.get("Catch", [])]
    sub = {"StartAt": start, "States": {name: states[name] for name in keep}}
    assert check_graph(sub) == []
    return sub


def _invalid_entry(index: int, record: str) -> dict[str, Any]:
    review = {
        "schema": REVIEW_SCHEMA, "reason": "missing_order_id", "message": "m", "file_rejected": False,
        "source": REVIEW_SOURCE, "record_index": index, "line": index + 1, "order_id": None,
        "record": {"note": record}, "record_item": None, "record_pointer": None, "rejections": None,
        "minimal": False,
    }  # fmt: skip
    return {"status": "invalid", "index": index, "line": index + 1, "review": review}


def _valid_entry(index: int, order_id: str, note: str) -> dict[str, Any]:
    item = {"order_id": {"S": order_id}, "note": {"S": note}, "_pipeline_hash": {"S": "new"}}
    return {
        "status": "valid",
        "index": index,
        "line": None,
        "order_id": order_id,
        "hash": "new",
        "item": item,
    }


def test_unsendable_record_reviews_fall_back_to_minimal_reviews(aws: Aws) -> None:
    # GIVEN a batch: a rejection that fits the queue, one that does not, and a conflict that does not
    aws.dynamodb.put_item(
        TableName="orders", Item={"order_id": {"S": "A-1"}, "_pipeline_hash": {"S": "stored"}}
    )
    batch = {
        "batch": 0,
        "source": SOURCE,
        "review_source": REVIEW_SOURCE,
        # the items' shared `_pipeline_source` members, once per batch
        "item_source": source_members(SOURCE),
        "records": [
            _invalid_entry(0, "small"),
            _invalid_entry(1, "x" * 2000),
            _valid_entry(2, "A-1", "y" * 2000),
        ],
        "ledger": {"file_id": "in/orders.json#fallback", "execution_arn": "arn:parent"},
        # the file's conflict budget (the parent's ItemSelector: the validator's max_conflicts)
        "max_conflicts": 1000,
    }
    aws.dynamodb.put_item(
        TableName="ledger",
        # as ClaimFile leaves it (rejected_by_reason {}: CountBatch adds `conflict` into the map)
        Item={
            "file_id": {"S": "in/orders.json#fallback"},
            "execution_arn": {"S": "arn:parent"},
            "rejected_by_reason": {"M": {}},
        },
    )
    # WHEN the child runs it
    result = aws.run(_child(build_definition()), batch)
    # THEN the child succeeds: no review failed the batch
    assert result["status"] == "SUCCEEDED", result
    # AND it counted its three records as rejected (minimal reviews included), the conflict by reason
    ledger = aws.ledger("in/orders.json#fallback")
    assert {k: ledger[k] for k in ("stored", "duplicates", "rejected", "counted_batches")} == {
        "stored": {"N": "0"},
        "duplicates": {"N": "0"},
        "rejected": {"N": "3"},
        "counted_batches": {"NS": ["0"]},
    }
    assert ledger["rejected_by_reason"] == {"M": {"conflict": {"N": "1"}}}
    small, big, conflict = aws.reviews()
    # AND the review that fits is sent whole
    assert small == batch["records"][0]["review"]
    # AND each review that did not fit became a minimal review: reason, provenance, the error's name
    for minimal, reason, line in ((big, "missing_order_id", 2), (conflict, "conflict", None)):
        assert set(minimal) == MINIMAL_FIELDS
        assert minimal["send_error"].startswith("SQS.")
        assert {k: v for k, v in minimal.items() if k != "send_error"} == {
            "schema": REVIEW_SCHEMA,
            "reason": reason,
            "message": MINIMAL_MESSAGE,
            "file_rejected": False,
            # the conflict review's source is the batch's review source, not the exact source
            "source": REVIEW_SOURCE,
            "record_index": minimal["record_index"],
            "line": line,
            "record_pointer": None,
            "minimal": True,
        }
    assert (big["record_index"], conflict["record_index"]) == (1, 2)
    # AND the stored order was not changed
    stored = aws.dynamodb.get_item(TableName="orders", Key={"order_id": {"S": "A-1"}})["Item"]
    assert stored["_pipeline_hash"] == {"S": "stored"}


def _claimed(file_id: str) -> dict[str, Any]:
    """The state of a run that claimed `file_id` (Aws.run(..., claimed=file_id) writes the claim)."""
    return {"file": {**SOURCE, "file_id": file_id}}


def _file_review(message: str) -> dict[str, Any]:
    return {
        "schema": REVIEW_SCHEMA, "reason": "not_json", "message": message, "file_rejected": True,
        "source": REVIEW_SOURCE, "record_index": None, "line": None, "order_id": None, "record": None,
        "record_item": None, "record_pointer": None, "rejections": None, "minimal": False,
    }  # fmt: skip


@pytest.mark.parametrize("message_bytes", [10, 2000])
def test_a_rejected_file_is_reviewed_and_recorded_as_rejected_in_the_ledger(
    aws: Aws, message_bytes: int
) -> None:
    # GIVEN a rejected file whose review fits the queue, or does not
    state = _claimed(f"in/orders.json#{message_bytes}")
    review = _file_review("m" * message_bytes)
    state["validation"] = {"file_rejected": True, "records": None, "reason": "not_json", "review": review}
    state["validation"]["ledger"] = {"expires_at": {"N": "1900000000"}}
    # WHEN the parent routes it
    result = aws.run(_parent_from(build_definition(), "RouteFile"), state, claimed=state["file"]["file_id"])
    # THEN the file is processed: one review message, whole or minimal
    assert result["status"] == "SUCCEEDED", result
    (sent,) = aws.reviews()
    if message_bytes < SMALL_QUEUE_BYTES:
        assert sent == review
    else:
        assert set(sent) == MINIMAL_FIELDS
        assert (sent["reason"], sent["file_rejected"], sent["source"], sent["minimal"]) == (
            "not_json", True, REVIEW_SOURCE, True,
        )  # fmt: skip
    # AND the ledger says DONE, rejected, with the reason and no counts
    ledger = aws.ledger(state["file"]["file_id"])
    assert (ledger["status"], ledger["file_rejected"], ledger["reason"]) == (
        {"S": "DONE"}, {"BOOL": True}, {"S": "not_json"},
    )  # fmt: skip
    assert "records" not in ledger
    # AND it expires when the validator said (LedgerRetentionDays)
    assert ledger["expires_at"] == {"N": "1900000000"}


def test_an_accepted_file_records_the_validators_counts_in_the_ledger(aws: Aws) -> None:
    # GIVEN an accepted file with no batch to run (0 batches goes straight to MarkFileDone); the ASL
    # does not check the counts, so distinct values show that each lands in its own attribute
    state = _claimed("in/orders.json#counts")
    state["validation"] = {
        "file_rejected": False, "records": 9, "valid": 5, "large": 1, "invalid": 3, "batches": 0,
        "manifest": {"bucket": "in", "key": "_pipeline/work/x/batches.manifest", "version_id": "m1"},
        "ledger": {"expires_at": {"NULL": True}, "rejected_by_reason": {"M": {}},
                   "rejected_by_rule": {"M": {"/a type": {"N": "2"}}}},  # the validator's map
    }  # fmt: skip
    # WHEN the parent routes it
    result = aws.run(_parent_from(build_definition(), "RouteFile"), state, claimed=state["file"]["file_id"])
    # THEN the ledger holds the counts as numbers and file_rejected false
    assert result["status"] == "SUCCEEDED", result
    ledger = aws.ledger(state["file"]["file_id"])
    assert {k: ledger[k] for k in ("status", "records", "valid", "large", "invalid", "file_rejected")} == {
        "status": {"S": "DONE"},
        "records": {"N": "9"},
        "valid": {"N": "5"},
        "large": {"N": "1"},
        "invalid": {"N": "3"},
        "file_rejected": {"BOOL": False},
    }
    # AND the validator's counts per contract rule, copied as they are
    assert ledger["rejected_by_rule"] == {"M": {"/a type": {"N": "2"}}}
