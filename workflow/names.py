"""State names and `${...}` substitution names: API, pinned by tests, renamed only on purpose."""

from __future__ import annotations

from typing import Final

# DefinitionSubstitutions keys, filled by the template (docs/CONTRACT.md).
VALIDATOR_FUNCTION_ARN: Final = "ValidatorFunctionArn"
STORE_LARGE_FUNCTION_ARN: Final = "StoreLargeFunctionArn"
ORDERS_TABLE_NAME: Final = "OrdersTableName"
FILE_LEDGER_TABLE_NAME: Final = "FileLedgerTableName"
REVIEW_QUEUE_URL: Final = "ReviewQueueUrl"
PARTITION: Final = "Partition"

SUBSTITUTIONS: Final = (
    VALIDATOR_FUNCTION_ARN,
    STORE_LARGE_FUNCTION_ARN,
    ORDERS_TABLE_NAME,
    FILE_LEDGER_TABLE_NAME,
    REVIEW_QUEUE_URL,
    PARTITION,
)


def sub(name: str) -> str:
    """A `${Name}` placeholder that CloudFormation replaces from DefinitionSubstitutions."""
    return "${" + name + "}"


def service(integration: str) -> str:
    """A Step Functions service integration ARN in the deploying partition (no `arn:aws:` literal)."""
    return f"arn:{sub(PARTITION)}:states:::{integration}"


# Parent (STANDARD) states.
CHECK_OBJECT: Final = "CheckObject"
IGNORE_PIPELINE_OBJECT: Final = "IgnorePipelineObject"
EVENT_NOT_RECOGNIZED: Final = "EventNotRecognized"
DESCRIBE_VERSIONED_FILE: Final = "DescribeVersionedFile"
DESCRIBE_UNVERSIONED_FILE: Final = "DescribeUnversionedFile"
CLAIM_FILE: Final = "ClaimFile"
ALREADY_PROCESSED: Final = "AlreadyProcessed"
VALIDATE_FILE: Final = "ValidateFile"
ROUTE_FILE: Final = "RouteFile"
SEND_FILE_REJECTION: Final = "SendFileRejection"
PROCESS_BATCHES: Final = "ProcessBatches"
MARK_FILE_DONE: Final = "MarkFileDone"
FILE_PROCESSED: Final = "FileProcessed"
MARK_FILE_FAILED: Final = "MarkFileFailed"
PIPELINE_FAILED: Final = "PipelineFailed"

# Child (EXPRESS, one per batch) states.
STORE_BATCH: Final = "StoreBatch"

# Per-record states (inline Map inside a child).
ROUTE_RECORD: Final = "RouteRecord"
STORE_RECORD: Final = "StoreRecord"
STORE_LARGE_RECORD: Final = "StoreLargeRecord"
SEND_REJECTION: Final = "SendRejection"
DESCRIBE_CONFLICT: Final = "DescribeConflict"
DESCRIBE_LARGE_CONFLICT: Final = "DescribeLargeConflict"
SEND_CONFLICT: Final = "SendConflict"
UNKNOWN_ENTRY: Final = "UnknownEntry"
