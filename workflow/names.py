"""State names and `${...}` substitution names: API, pinned by tests, renamed only on purpose."""

from __future__ import annotations

import re
from typing import Final

# DefinitionSubstitutions keys, filled by the template (docs/seams.md).
VALIDATOR_FUNCTION_ARN: Final = "ValidatorFunctionArn"
STORE_LARGE_FUNCTION_ARN: Final = "StoreLargeFunctionArn"
ORDERS_TABLE_NAME: Final = "OrdersTableName"
FILE_LEDGER_TABLE_NAME: Final = "FileLedgerTableName"
REVIEW_QUEUE_URL: Final = "ReviewQueueUrl"
# The small-file lane starts the large-file (STANDARD) state machine when it hands a file off.
LARGE_FILE_STATE_MACHINE_ARN: Final = "LargeFileStateMachineArn"


def sub(name: str) -> str:
    """A `${Name}` placeholder that CloudFormation replaces from DefinitionSubstitutions."""
    return "${" + name + "}"


def integration_key(integration: str) -> str:
    """The substitution that names an integration's ARN (alphanumeric, as a substitution key must be).

    `dynamodb:putItem` -> `DynamodbPutItemArn`; an AWS SDK integration `aws-sdk:s3:getObject` ->
    `AwsSdkS3GetObjectArn`; a pattern suffix is kept, `states:startExecution.sync:2` ->
    `StatesStartExecutionSync2Arn`. Each word keeps its inner capitals; only its first letter is raised.
    """
    words = [word for word in re.split(r"[^A-Za-z0-9]+", integration) if word]
    if len(integration.split(":")) < 2 or len(words) < 2:
        raise ValueError(f"{integration!r} is not a service:action integration")
    return "".join(word[0].upper() + word[1:] for word in words) + "Arn"


def service(integration: str) -> str:
    """A service integration's `Resource`: one whole `${...}` that the template fills with
    `arn:${AWS::Partition}:states:::<integration>` (no `arn:aws:` literal in output/; cfn-lint accepts a
    Task Resource only as a literal ARN or a single placeholder)."""
    return sub(integration_key(integration))


# Parent (STANDARD) states.
CHECK_OBJECT: Final = "CheckObject"
IGNORE_PIPELINE_OBJECT: Final = "IgnorePipelineObject"
EVENT_NOT_RECOGNIZED: Final = "EventNotRecognized"
DESCRIBE_VERSIONED_FILE: Final = "DescribeVersionedFile"
DESCRIBE_UNVERSIONED_FILE: Final = "DescribeUnversionedFile"
IDENTIFY_FILE: Final = "IdentifyFile"
CLAIM_FILE: Final = "ClaimFile"
ALREADY_PROCESSED: Final = "AlreadyProcessed"
VALIDATE_FILE: Final = "ValidateFile"
ROUTE_FILE: Final = "RouteFile"
SEND_FILE_REJECTION: Final = "SendFileRejection"
PROCESS_BATCHES: Final = "ProcessBatches"
# Large lane, before the batches: the validator's rejected_by_reason into the ledger item.
RECORD_VALIDATION: Final = "RecordValidation"
MARK_FILE_DONE: Final = "MarkFileDone"
MARK_FILE_REJECTED: Final = "MarkFileRejected"
FILE_PROCESSED: Final = "FileProcessed"
MARK_FILE_FAILED: Final = "MarkFileFailed"
PIPELINE_FAILED: Final = "PipelineFailed"
# The conflict breaker (both lanes): conflicts with other files' records past the file's budget.
CHECK_CONFLICTS: Final = "CheckConflicts"
MARK_FILE_CONFLICTED: Final = "MarkFileConflicted"
TOO_MANY_CONFLICTS: Final = "TooManyConflicts"
# Fallback when SendFileRejection fails after its retries: a minimal review (docs/reference.md, "Review
# messages").
DESCRIBE_MINIMAL_FILE_REVIEW: Final = "DescribeMinimalFileReview"
SEND_MINIMAL_FILE_REVIEW: Final = "SendMinimalFileReview"

# Small-file lane (EXPRESS top-level machine, workflow/express.py); it also uses the parent's
# CheckObject ... ClaimFile, ValidateFile, RouteFile and the Mark*/Send*File* states above.
STORE_RECORDS: Final = "StoreRecords"
# A small file without records: zero outcome counts for MarkFileDone.
NO_RECORDS: Final = "NoRecords"
DESCRIBE_HANDOFF: Final = "DescribeHandOff"
MARK_FILE_HANDED_OFF: Final = "MarkFileHandedOff"
HAND_OFF: Final = "HandOff"
FILE_HANDED_OFF: Final = "FileHandedOff"

# Child (EXPRESS, one per batch) states.
STORE_BATCH: Final = "StoreBatch"
# The batch's outcome counts added to the file's ledger item, once per batch (workflow/batches.py).
COUNT_BATCH: Final = "CountBatch"
BATCH_ALREADY_COUNTED: Final = "BatchAlreadyCounted"
# The conflict breaker in a child (workflow/breaker.py): the file's conflicts so far past its budget.
CHECK_BATCH_CONFLICTS: Final = "CheckBatchConflicts"
BATCH_COUNTED: Final = "BatchCounted"
TRIP_CONFLICT_BREAKER: Final = "TripConflictBreaker"
BATCH_TOO_MANY_CONFLICTS: Final = "BatchTooManyConflicts"

# Per-record states (inline Map inside a child).
ROUTE_RECORD: Final = "RouteRecord"
STORE_RECORD: Final = "StoreRecord"
# After StoreRecord's condition failed: the stored item's hash tells an identical re-put from a conflict.
READ_STORED_HASH: Final = "ReadStoredHash"
IS_IDENTICAL_RE_PUT: Final = "IsIdenticalRePut"
RECORD_DUPLICATE: Final = "RecordDuplicate"
STORE_LARGE_RECORD: Final = "StoreLargeRecord"
SEND_REJECTION: Final = "SendRejection"
DESCRIBE_CONFLICT: Final = "DescribeConflict"
DESCRIBE_LARGE_CONFLICT: Final = "DescribeLargeConflict"
SEND_CONFLICT: Final = "SendConflict"
UNKNOWN_ENTRY: Final = "UnknownEntry"
# Every review path (SendRejection, SendConflict, SendMinimalReview) ends here: the rejected outcome.
RECORD_REJECTED: Final = "RecordRejected"
# Fallback shared by SendRejection and SendConflict when their sendMessage fails after its retries.
DESCRIBE_MINIMAL_REVIEW: Final = "DescribeMinimalReview"
SEND_MINIMAL_REVIEW: Final = "SendMinimalReview"

# Large lane, a split file (workflow/ranges.py, handlers/flows/ranges.py): count the ranges' records and
# newlines, validate each range from the counts' prefix sums, combine the parts, route the result.
COUNT_RANGES: Final = "CountRanges"
COUNT_RANGE: Final = "CountRange"
VALIDATE_RANGES: Final = "ValidateRanges"
VALIDATE_RANGE: Final = "ValidateRange"
COMBINE_RANGES: Final = "CombineRanges"
ROUTE_SPLIT_FILE: Final = "RouteSplitFile"

# Large lane, a file validated by continuation (workflow/turns.py, handlers/flows/turns.py): a bounded loop
# of validator turns from each checkpoint, then the turns' parts combined and routed as a split file's.
START_CONTINUATIONS: Final = "StartContinuations"
CAN_CONTINUE: Final = "CanContinue"
CONTINUE_VALIDATION: Final = "ContinueValidation"
ROUTE_CONTINUATION: Final = "RouteContinuation"
COUNT_CONTINUATION: Final = "CountContinuation"
COMBINE_TURNS: Final = "CombineTurns"
MARK_FILE_TOO_MANY_CONTINUATIONS: Final = "MarkFileTooManyContinuations"
TOO_MANY_CONTINUATIONS: Final = "TooManyContinuations"
