"""The state machine's states, pinned as literal dicts: names and shapes are API."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from workflow.definition import build_definition

MINIMAL_MESSAGE = (
    "The full review message could not be sent to the review queue; this minimal review keeps its "
    "reason, its provenance and its claim-check pointer (if any)"
)

SQS_RETRY = {
    "BackoffRate": 2.0,
    "ErrorEquals": [
        "SQS.SdkClientException",
        "SQS.RequestThrottledException",
        "SQS.KmsThrottledException",
        "SQS.ThrottlingException",
    ],
    "IntervalSeconds": 1,
    "JitterStrategy": "FULL",
    "MaxAttempts": 6,
    "MaxDelaySeconds": 20,
}
DYNAMODB_RETRY = {
    "BackoffRate": 2.0,
    "ErrorEquals": [
        "DynamoDB.ProvisionedThroughputExceededException",
        "DynamoDB.ThrottlingException",
        "DynamoDB.RequestLimitExceeded",
        "DynamoDB.InternalServerErrorException",
        "DynamoDB.SdkClientException",
    ],
    "IntervalSeconds": 1,
    "JitterStrategy": "FULL",
    "MaxAttempts": 6,
    "MaxDelaySeconds": 20,
}
LAMBDA_NOT_THROTTLED = [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.ClientExecutionTimeoutException",
    "TransientError",
]
# A throttled validator (reserved concurrency) waits for a burst to drain: ~2 h at most.
THROTTLE_RETRY = {
    "BackoffRate": 2.0,
    "ErrorEquals": ["Lambda.TooManyRequestsException"],
    "IntervalSeconds": 2,
    "JitterStrategy": "FULL",
    "MaxAttempts": 30,
    "MaxDelaySeconds": 300,
}
LAMBDA_RETRY = {
    "BackoffRate": 2.0,
    "ErrorEquals": [
        "Lambda.ServiceException",
        "Lambda.AWSLambdaException",
        "Lambda.SdkClientException",
        "Lambda.TooManyRequestsException",
        "Lambda.ClientExecutionTimeoutException",
        "TransientError",
    ],
    "IntervalSeconds": 1,
    "JitterStrategy": "FULL",
    "MaxAttempts": 6,
    "MaxDelaySeconds": 20,
}
# Inside a batch child (EXPRESS, 5 minutes) every call retries twice, 1 s and 2 s (the batch child's time
# bound: the child
# fits its limit by construction, output/worstcase.md); the STANDARD parent's calls retry 6 times.
CHILD_RETRY = {"MaxAttempts": 2}
TO_MARK_FAILED = {"ErrorEquals": ["States.ALL"], "Next": "MarkFileFailed", "ResultPath": "$.error"}
TO_PIPELINE_FAILED = {"ErrorEquals": ["States.ALL"], "Next": "PipelineFailed", "ResultPath": "$.error"}


# The attribute names of a ledger write that ends the file's claim (only this execution's: F11).
CLAIM_NAMES = {"#status": "status", "#execution_arn": "execution_arn", "#open_since": "open_since"}


@pytest.fixture(scope="module")
def definition() -> dict[str, Any]:
    return build_definition()


@pytest.fixture(scope="module")
def parent(definition: dict[str, Any]) -> dict[str, Any]:
    states: dict[str, Any] = definition["States"]
    return states


@pytest.fixture(scope="module")
def child(parent: dict[str, Any]) -> dict[str, Any]:
    processor: dict[str, Any] = parent["ProcessBatches"]["ItemProcessor"]
    return processor


@pytest.fixture(scope="module")
def records(child: dict[str, Any]) -> dict[str, Any]:
    states: dict[str, Any] = child["States"]["StoreBatch"]["ItemProcessor"]["States"]
    return states


def test_parent_starts_by_checking_the_object_and_skips_the_working_prefix(
    definition: dict[str, Any], parent: dict[str, Any]
) -> None:
    assert definition["StartAt"] == "CheckObject"
    assert parent["CheckObject"] == {
        "Type": "Choice",
        "Choices": [
            {
                "And": [
                    {"IsPresent": True, "Variable": "$.detail.object.key"},
                    {"StringMatches": "_pipeline/*", "Variable": "$.detail.object.key"},
                ],
                "Next": "IgnorePipelineObject",
            },
            {"IsPresent": True, "Next": "DescribeVersionedFile", "Variable": "$.detail.object['version-id']"},
            {"IsPresent": True, "Next": "DescribeUnversionedFile", "Variable": "$.detail.object.etag"},
        ],
        "Default": "EventNotRecognized",
    }
    assert parent["EventNotRecognized"]["Type"] == "Fail"


def test_versioned_file_is_identified_by_bucket_key_and_version(parent: dict[str, Any]) -> None:
    assert parent["DescribeVersionedFile"] == {
        "Type": "Pass",
        "Parameters": {
            "object": {
                "bucket.$": "$.detail.bucket.name",
                "key.$": "$.detail.object.key",
                "identity.$": "$.detail.object['version-id']",
                "version_id.$": "$.detail.object['version-id']",
                "etag": None,
            }
        },
        "Next": "IdentifyFile",
    }
    assert parent["DescribeUnversionedFile"]["Parameters"]["object"]["identity.$"] == "$.detail.object.etag"
    assert parent["IdentifyFile"] == {
        "Type": "Pass",
        "Parameters": {
            "file": {
                "bucket.$": "$.object.bucket",
                "key.$": "$.object.key",
                "version_id.$": "$.object.version_id",
                "etag.$": "$.object.etag",
                "file_id.$": "States.Format('{}/{}#{}', $.object.bucket, $.object.key, $.object.identity)",
            }
        },
        "Next": "ClaimFile",
    }


def test_claim_file_dedupes_duplicate_deliveries_through_the_ledger(parent: dict[str, Any]) -> None:
    assert parent["ClaimFile"] == {
        "Type": "Task",
        "Resource": "${DynamodbPutItemArn}",
        "Parameters": {
            "TableName": "${FileLedgerTableName}",
            "Item": {
                "file_id": {"S.$": "$.file.file_id"},
                "status": {"S": "IN_PROGRESS"},
                "lane": {"S": "standard"},
                "execution_arn": {"S.$": "$$.Execution.Id"},
                "started_at": {"S.$": "$$.Execution.StartTime"},
                # the watchdog's: open from the claim, and the identity a re-drive is rebuilt from
                "open_since": {"S.$": "$$.State.EnteredTime"},
                "s3_object": {"S.$": "States.JsonToString($.file)"},
                # the reconciliation's counters, from zero at every claim (the batches add to them)
                "stored": {"N": "0"},
                "duplicates": {"N": "0"},
                "rejected": {"N": "0"},
                "rejected_by_reason": {"M": {}},
            },
            # A file the small-file lane HANDED_OFF is claimed here (and only here).
            "ConditionExpression": (
                "attribute_not_exists(file_id) OR #status = :failed OR #status = :handed_off"
            ),
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {":failed": {"S": "FAILED"}, ":handed_off": {"S": "HANDED_OFF"}},
        },
        "ResultPath": None,
        "Retry": [DYNAMODB_RETRY],
        "Catch": [
            {
                "ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"],
                "Next": "AlreadyProcessed",
                "ResultPath": None,
            },
            TO_PIPELINE_FAILED,
        ],
        "Next": "ValidateFile",
    }
    assert parent["AlreadyProcessed"]["Type"] == "Succeed"


def test_validator_gets_a_pointer_not_content(parent: dict[str, Any]) -> None:
    assert parent["ValidateFile"] == {
        "Type": "Task",
        "Resource": "${ValidatorFunctionArn}",
        "Parameters": {
            "bucket.$": "$.file.bucket",
            "key.$": "$.file.key",
            "version_id.$": "$.file.version_id",
            "etag.$": "$.file.etag",
        },
        "ResultPath": "$.validation",
        "Retry": [THROTTLE_RETRY, {**LAMBDA_RETRY, "ErrorEquals": LAMBDA_NOT_THROTTLED}],
        "Catch": [TO_MARK_FAILED],
        "Next": "RouteFile",
    }


def test_route_file_separates_rejected_files_empty_files_and_batches(parent: dict[str, Any]) -> None:
    assert parent["RouteFile"] == {
        "Type": "Choice",
        "Choices": [
            {"BooleanEquals": True, "Next": "SendFileRejection", "Variable": "$.validation.file_rejected"},
            {"NumericGreaterThan": 0, "Next": "RecordValidation", "Variable": "$.validation.batches"},
            # A split file's plan (batches 0, its ranges): validated range by range.
            {"IsPresent": True, "Next": "CountRanges", "Variable": "$.validation.ranges"},
            # A first turn that stopped at a checkpoint: continued (the continuation loop, workflow/turns.py).
            {"IsPresent": True, "Next": "StartContinuations", "Variable": "$.validation.checkpoint"},
        ],
        "Default": "MarkFileDone",
    }


def test_a_rejected_file_is_one_review_message(parent: dict[str, Any]) -> None:
    assert parent["SendFileRejection"] == {
        "Type": "Task",
        "Resource": "${SqsSendMessageArn}",
        "Parameters": {
            "QueueUrl": "${ReviewQueueUrl}",
            "MessageBody.$": "States.JsonToString($.validation.review)",
            "MessageAttributes": {
                "reason": {"DataType": "String", "StringValue.$": "$.validation.review.reason"}
            },
        },
        "ResultPath": None,
        "Retry": [SQS_RETRY],
        "Catch": [
            {"ErrorEquals": ["States.ALL"], "Next": "DescribeMinimalFileReview", "ResultPath": "$.error"}
        ],
        "Next": "MarkFileRejected",
    }


def test_an_unsendable_file_review_falls_back_to_a_minimal_review(parent: dict[str, Any]) -> None:
    # The minimal review is added beside the parent's state (the ledger still needs $.file, $.validation).
    assert parent["DescribeMinimalFileReview"] == {
        "Type": "Pass",
        "Parameters": {
            "schema": "sales-pipeline.review/3",
            "reason.$": "$.validation.review.reason",
            "message": MINIMAL_MESSAGE,
            "file_rejected": True,
            "source.$": "$.validation.review.source",
            "record_index": None,
            "line": None,
            "record_pointer": None,
            "send_error.$": "$.error.Error",
            "minimal": True,
        },
        "ResultPath": "$.minimal_review",
        "Next": "SendMinimalFileReview",
    }
    # AND if even the minimal review cannot be sent, the file is marked FAILED as before
    assert parent["SendMinimalFileReview"] == {
        "Type": "Task",
        "Resource": "${SqsSendMessageArn}",
        "Parameters": {
            "QueueUrl": "${ReviewQueueUrl}",
            "MessageBody.$": "States.JsonToString($.minimal_review)",
            "MessageAttributes": {
                "reason": {"DataType": "String", "StringValue.$": "$.minimal_review.reason"}
            },
        },
        "ResultPath": None,
        "Retry": [SQS_RETRY],
        "Catch": [TO_MARK_FAILED],
        "Next": "MarkFileRejected",
    }


def test_batches_run_as_express_children_read_from_the_manifest(parent: dict[str, Any]) -> None:
    process = dict(parent["ProcessBatches"])
    processor = process.pop("ItemProcessor")
    assert process == {
        "Type": "Map",
        "Label": "ProcessBatches",
        "ItemReader": {
            "Resource": "${S3GetObjectArn}",
            "ReaderConfig": {"InputType": "JSON"},
            "Parameters": {
                "Bucket.$": "$.validation.manifest.bucket",
                "Key.$": "$.validation.manifest.key",
                "VersionId.$": "$.validation.manifest.version_id",
            },
        },
        # each child gets its batch, the ledger item and the parent execution (CountBatch)
        "ItemSelector": {
            "batch.$": "$$.Map.Item.Value.batch",
            "source.$": "$$.Map.Item.Value.source",
            "review_source.$": "$$.Map.Item.Value.review_source",
            "item_source.$": "$$.Map.Item.Value.item_source",
            "records.$": "$$.Map.Item.Value.records",
            "ledger": {"file_id.$": "$.file.file_id", "execution_arn.$": "$$.Execution.Id"},
            # the file's conflict budget (the conflict breaker: workflow/breaker.py)
            "max_conflicts.$": "$.validation.max_conflicts",
        },
        "MaxConcurrency": 12,
        "ToleratedFailurePercentage": 0,
        "ResultPath": None,
        "Retry": [{**DYNAMODB_RETRY, "ErrorEquals": ["States.ItemReaderFailed"], "MaxAttempts": 3}],
        "Catch": [TO_MARK_FAILED],
        "Next": "MarkFileDone",
    }
    assert processor["ProcessorConfig"] == {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}


def test_a_child_maps_its_records_inline_and_outputs_only_the_batch_number(child: dict[str, Any]) -> None:
    assert child["StartAt"] == "StoreBatch"
    store_batch = dict(child["States"]["StoreBatch"])
    processor = store_batch.pop("ItemProcessor")
    assert store_batch == {
        "Type": "Map",
        "ItemsPath": "$.records",
        # each record: its entry, the batch's sources, and its own `_pipeline_source` (batch members +
        # the entry's index: the manifest carries the source once per batch since the cost cuts)
        "ItemSelector": {
            "record.$": "$$.Map.Item.Value",
            "source.$": "$.source",
            "review_source.$": "$.review_source",
            "source_attribute": {
                "_pipeline_source": {
                    "M": {
                        "bucket.$": "$.item_source.bucket",
                        "key.$": "$.item_source.key",
                        "version_id.$": "$.item_source.version_id",
                        "record_index": {"N.$": "States.JsonToString($$.Map.Item.Value.index)"},
                    }
                }
            },
        },
        "MaxConcurrency": 40,
        # the outcomes counted (tests/unit/workflow/test_ledger_states.py), then CountBatch
        "ResultSelector": store_batch["ResultSelector"],
        "ResultPath": "$.outcomes",
        "Next": "CountBatch",
    }
    # the output is the batch number only, counted (or already counted) with the breaker held
    assert child["States"]["BatchCounted"] == {"Type": "Pass", "OutputPath": "$.batch", "End": True}
    assert child["States"]["BatchAlreadyCounted"]["OutputPath"] == "$.batch"
    assert child["States"]["CountBatch"]["Retry"] == [{**DYNAMODB_RETRY, **CHILD_RETRY}]
    assert processor["ProcessorConfig"] == {"Mode": "INLINE"}
    assert processor["StartAt"] == "RouteRecord"


def test_route_record_by_status(records: dict[str, Any]) -> None:
    assert records["RouteRecord"] == {
        "Type": "Choice",
        "Choices": [
            {"StringEquals": "valid", "Next": "StoreRecord", "Variable": "$.record.status"},
            {"StringEquals": "large", "Next": "StoreLargeRecord", "Variable": "$.record.status"},
            {"StringEquals": "invalid", "Next": "SendRejection", "Variable": "$.record.status"},
        ],
        "Default": "UnknownEntry",
    }


def test_store_record_is_a_conditional_put_whose_failure_is_a_conflict(records: dict[str, Any]) -> None:
    """F5 (fails before this change: the condition `... OR #hash = :hash` let an identical re-put
    replace the item, and with it the first `_pipeline_source`): a put never replaces an item."""
    assert records["StoreRecord"] == {
        "Type": "Task",
        "Resource": "${DynamodbPutItemArn}",
        "Parameters": {
            "TableName": "${OrdersTableName}",
            # the entry's item with its `_pipeline_source` (a replayed entry's own source wins)
            "Item.$": "States.JsonMerge($.source_attribute, $.record.item, false)",
            "ConditionExpression": "attribute_not_exists(order_id)",
        },
        "ResultSelector": {"outcome": "stored"},
        "ResultPath": "$.outcome",
        "OutputPath": "$.outcome",
        "Retry": [{**DYNAMODB_RETRY, **CHILD_RETRY}],
        "Catch": [
            {
                "ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"],
                "Next": "ReadStoredHash",
                "ResultPath": None,
            }
        ],
        "End": True,
    }


def test_a_failed_put_reads_the_stored_hash_identical_is_a_duplicate_else_a_conflict(
    records: dict[str, Any],
) -> None:
    """F5: an identical re-put writes nothing and counts as a duplicate; another content is a conflict."""
    assert records["ReadStoredHash"] == {
        "Type": "Task",
        "Resource": "${DynamodbGetItemArn}",
        "Parameters": {
            "TableName": "${OrdersTableName}",
            "Key": {"order_id": {"S.$": "$.record.order_id"}},
            "ProjectionExpression": "#hash",
            "ExpressionAttributeNames": {"#hash": "_pipeline_hash"},
            "ConsistentRead": True,
        },
        "ResultSelector": {"hash.$": "$.Item._pipeline_hash.S"},
        "ResultPath": "$.stored_hash",
        "Retry": [{**DYNAMODB_RETRY, "MaxAttempts": 2}],
        "Next": "IsIdenticalRePut",
    }
    assert records["IsIdenticalRePut"] == {
        "Type": "Choice",
        "Choices": [
            {"Variable": "$.stored_hash.hash", "StringEqualsPath": "$.record.hash", "Next": "RecordDuplicate"}
        ],
        "Default": "DescribeConflict",
    }
    assert records["RecordDuplicate"] == {"Type": "Pass", "Parameters": {"outcome": "duplicate"}, "End": True}


def test_large_records_are_stored_from_their_claim_check(records: dict[str, Any]) -> None:
    assert records["StoreLargeRecord"] == {
        "Type": "Task",
        "Resource": "${StoreLargeFunctionArn}",
        "Parameters": {
            "pointer.$": "$.record.pointer",
            "hash.$": "$.record.hash",
            "index.$": "$.record.index",
            "source.$": "$.source",
        },
        "ResultSelector": {"outcome.$": "$.outcome"},
        "ResultPath": "$.outcome",
        "OutputPath": "$.outcome",
        # an attempt is bounded well under the function's 60 s (workflow/recordstates.py says why), and a
        # timed-out attempt is retried: the store is a conditional put
        "TimeoutSeconds": 8,
        "Retry": [
            {**LAMBDA_RETRY, **CHILD_RETRY, "ErrorEquals": [*LAMBDA_RETRY["ErrorEquals"], "States.Timeout"]}
        ],
        "Catch": [{"ErrorEquals": ["OrderConflict"], "Next": "DescribeLargeConflict", "ResultPath": None}],
        "End": True,
    }


def test_conflicts_become_review_messages_with_the_record_and_provenance(records: dict[str, Any]) -> None:
    # GIVEN the two conflict reviews / THEN each is a full review/3 from the batch's review source,
    # kept at $.record.review like a rejected record's review (one fallback path serves both)
    describe = copy.deepcopy(records["DescribeConflict"])
    review = describe["Parameters"]["record"].pop("review")
    assert describe == {
        "Type": "Pass",
        "Parameters": {"record": {"index.$": "$.record.index"}},
        "Next": "SendConflict",
    }
    assert review == {
        "schema": "sales-pipeline.review/3",
        "reason": "conflict",
        "message": "order_id is already stored with different content; the stored item was not changed",
        "file_rejected": False,
        "source.$": "$.review_source",
        "record_index.$": "$.record.index",
        "line.$": "$.record.line",
        "order_id.$": "$.record.order_id",
        "record": None,
        "record_item.$": "States.JsonMerge($.source_attribute, $.record.item, false)",
        "record_pointer": None,
        "rejections": None,
        "minimal": False,
        "violations": [
            {
                "path": "/order-info/order_id",
                "rule": "conflict",
                "message": (
                    "order_id is already stored with different content; the stored item was not changed"
                ),
            }
        ],
        "violations_omitted": 0,
        "rules": [],  # a record review's rules (handlers/core/reviewmessages.py): a conflict breaks none
    }
    large = records["DescribeLargeConflict"]["Parameters"]["record"]["review"]
    assert large == {
        **{k: v for k, v in review.items() if k not in ("record_item.$", "record_pointer")},
        "record_item": None,
        "record_pointer.$": "$.record.pointer",
    }
    assert records["DescribeLargeConflict"]["Next"] == "SendConflict"


@pytest.mark.parametrize("state", ["SendRejection", "SendConflict", "SendMinimalReview"])
def test_review_messages_carry_the_reason_as_an_attribute(records: dict[str, Any], state: str) -> None:
    expected = {
        "Type": "Task",
        "Resource": "${SqsSendMessageArn}",
        "Parameters": {
            "QueueUrl": "${ReviewQueueUrl}",
            "MessageBody.$": "States.JsonToString($.record.review)",
            "MessageAttributes": {
                "reason": {"DataType": "String", "StringValue.$": "$.record.review.reason"}
            },
        },
        "ResultPath": None,
        "Retry": [{**SQS_RETRY, **CHILD_RETRY}],
        # every review path ends in the rejected outcome (its reason) that the batch counts
        "Next": "RecordRejected",
    }
    if state != "SendMinimalReview":
        # After the retries, any failure sends a minimal review instead; a failing minimal send fails
        # the child (and so the file), as any failure did before.
        expected["Catch"] = [
            {"ErrorEquals": ["States.ALL"], "Next": "DescribeMinimalReview", "ResultPath": "$.error"}
        ]
    assert records[state] == expected


def test_the_minimal_record_review_keeps_reason_provenance_and_pointer(records: dict[str, Any]) -> None:
    assert records["DescribeMinimalReview"] == {
        "Type": "Pass",
        "Parameters": {
            "record": {
                "index.$": "$.record.index",
                "review": {
                    "schema": "sales-pipeline.review/3",
                    "reason.$": "$.record.review.reason",
                    "message": MINIMAL_MESSAGE,
                    "file_rejected": False,
                    "source.$": "$.record.review.source",
                    "record_index.$": "$.record.review.record_index",
                    "line.$": "$.record.review.line",
                    "record_pointer.$": "$.record.review.record_pointer",
                    "send_error.$": "$.error.Error",
                    "minimal": True,
                },
            }
        },
        "Next": "SendMinimalReview",
    }


def test_permanent_failures_mark_the_ledger_then_end_in_a_named_fail(parent: dict[str, Any]) -> None:
    mark_failed = parent["MarkFileFailed"]
    assert mark_failed["Parameters"] == {
        "TableName": "${FileLedgerTableName}",
        "Key": {"file_id": {"S.$": "$.file.file_id"}},
        # FAILED stays open (the watchdog re-drives it), and only this execution's claim is changed,
        # unless a child's conflict breaker marked it (FAILED TooManyConflicts, never re-driven)
        "UpdateExpression": "SET #status = :status, finished_at = :now, #open_since = :now, "
        "error_name = :error",
        "ConditionExpression": "#execution_arn = :execution AND "
        "(attribute_not_exists(#error_name) OR #error_name <> :unless_error)",
        "ExpressionAttributeNames": {**CLAIM_NAMES, "#error_name": "error_name"},
        "ExpressionAttributeValues": {
            ":status": {"S": "FAILED"},
            ":now": {"S.$": "$$.State.EnteredTime"},
            ":execution": {"S.$": "$$.Execution.Id"},
            ":error": {"S.$": "$.error.Error"},
            ":unless_error": {"S": "TooManyConflicts"},
        },
    }
    assert mark_failed["Next"] == "PipelineFailed"
    assert mark_failed["Catch"] == [TO_PIPELINE_FAILED]
    assert parent["PipelineFailed"]["Type"] == "Fail"
    assert parent["PipelineFailed"]["Error"] == "PipelineFailed"


def test_an_accepted_file_keeps_the_validators_counts_in_the_ledger(parent: dict[str, Any]) -> None:
    # simulate.py reconciles these counts against the table and the queue.
    assert parent["MarkFileDone"]["Parameters"] == {
        "TableName": "${FileLedgerTableName}",
        "Key": {"file_id": {"S.$": "$.file.file_id"}},
        "UpdateExpression": "SET #status = :status, finished_at = :now, #records = :records, "
        "#valid = :valid, #large = :large, #invalid = :invalid, #file_rejected = :file_rejected, "
        "#expires_at = :expires_at, #rejected_by_rule = :rejected_by_rule REMOVE #open_since",
        "ConditionExpression": "#execution_arn = :execution",
        "ExpressionAttributeNames": {
            **CLAIM_NAMES,
            "#records": "records",
            "#valid": "valid",
            "#large": "large",
            "#invalid": "invalid",
            "#file_rejected": "file_rejected",
            "#expires_at": "expires_at",
            "#rejected_by_rule": "rejected_by_rule",
        },
        "ExpressionAttributeValues": {
            ":status": {"S": "DONE"},
            ":now": {"S.$": "$$.State.EnteredTime"},
            ":execution": {"S.$": "$$.Execution.Id"},
            ":records": {"N.$": "States.JsonToString($.validation.records)"},
            ":valid": {"N.$": "States.JsonToString($.validation.valid)"},
            ":large": {"N.$": "States.JsonToString($.validation.large)"},
            ":invalid": {"N.$": "States.JsonToString($.validation.invalid)"},
            ":file_rejected": {"BOOL": False},
            # the validator's time to live (LedgerRetentionDays), N or NULL
            ":expires_at.$": "$.validation.ledger.expires_at",
            # the validator's counts per contract rule (a DynamoDB map, top 50 + other)
            ":rejected_by_rule.$": "$.validation.ledger.rejected_by_rule",
        },
    }
    assert parent["MarkFileDone"]["Next"] == "FileProcessed"
    assert parent["MarkFileDone"]["Catch"] == [TO_PIPELINE_FAILED]


def test_a_rejected_file_is_done_with_its_reason_and_no_counts(parent: dict[str, Any]) -> None:
    assert parent["MarkFileRejected"] == {
        "Type": "Task",
        "Resource": "${DynamodbUpdateItemArn}",
        "Parameters": {
            "TableName": "${FileLedgerTableName}",
            "Key": {"file_id": {"S.$": "$.file.file_id"}},
            "UpdateExpression": "SET #status = :status, finished_at = :now, "
            "#file_rejected = :file_rejected, #reason = :reason, #expires_at = :expires_at "
            "REMOVE #open_since",
            "ConditionExpression": "#execution_arn = :execution",
            "ExpressionAttributeNames": {
                **CLAIM_NAMES,
                "#file_rejected": "file_rejected",
                "#reason": "reason",
                "#expires_at": "expires_at",
            },
            "ExpressionAttributeValues": {
                ":status": {"S": "DONE"},
                ":now": {"S.$": "$$.State.EnteredTime"},
                ":execution": {"S.$": "$$.Execution.Id"},
                ":file_rejected": {"BOOL": True},
                ":reason": {"S.$": "$.validation.reason"},
                ":expires_at.$": "$.validation.ledger.expires_at",
            },
        },
        "ResultPath": None,
        "Retry": [DYNAMODB_RETRY],
        "Catch": [TO_PIPELINE_FAILED],
        "Next": "FileProcessed",
    }


# A path as the Step Functions paths documentation allows it: dot segments use JsonPath's member-name
# shorthand (letters, digits, `_`); any other name is bracketed, `['version-id']`.
PATH = re.compile(r"\$\$?((?:\.[^.\[\s,)']*|\['[^']*'\]|\[\d+\])*)")
SHORTHAND = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\*")
PATH_FIELDS = {"Variable", "ItemsPath", "InputPath", "OutputPath", "ResultPath"}


def _path_problems(value: Any, field: str = "") -> list[str]:
    if isinstance(value, dict):
        return [p for key, child in value.items() for p in _path_problems(child, key)]
    if isinstance(value, list):
        return [p for child in value for p in _path_problems(child, field)]
    if not isinstance(value, str) or not (field.endswith(".$") or field in PATH_FIELDS):
        return []
    problems = []
    for match in PATH.finditer(value):
        for segment in re.split(r"\['[^']*'\]|\[\d+\]", match.group(1)):
            # `..` is JsonPath's deep scan (an indefinite path), not an empty member name
            for name in segment.replace("..", ".").split(".")[1:]:
                if not SHORTHAND.fullmatch(name):
                    problems.append(f"{field}: {value!r} needs bracket notation for {name!r}")
    return problems


def test_path_rule_finds_a_dotted_hyphenated_name() -> None:
    # GIVEN the dot form the documentation rules out / THEN the check names it; brackets pass
    assert _path_problems({"Variable": "$.detail.object.version-id"}) == [
        "Variable: '$.detail.object.version-id' needs bracket notation for 'version-id'"
    ]
    assert (
        _path_problems({"x.$": "States.Format('{}', $.detail.object['version-id'], $$.Map.Item.Value)"}) == []
    )


def test_every_path_follows_the_documented_notation(definition: dict[str, Any]) -> None:
    # GIVEN every path of the definition / THEN none reads a non-shorthand name with a dot
    assert _path_problems(definition) == []
    assert "$.detail.object['version-id']" in str(definition)


def test_every_task_retries_transient_errors(definition: dict[str, Any]) -> None:
    def tasks(states: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        found = []
        for name, state in states.items():
            if state["Type"] == "Task":
                found.append((name, state))
            if "ItemProcessor" in state:
                found.extend(tasks(state["ItemProcessor"]["States"]))
        return found

    all_tasks = [(n, s) for n, s in tasks(definition["States"]) if s["Type"] == "Task"]
    assert len(all_tasks) >= 8
    for name, state in all_tasks:
        assert state.get("Retry"), f"{name} has no Retry"
        for retrier in state["Retry"]:
            # Short capped backoff, except the validator's throttling (it waits for a burst to drain).
            assert retrier in (
                THROTTLE_RETRY,
                {**retrier, "JitterStrategy": "FULL", "MaxDelaySeconds": 20},
            ), name
