"""Retry policies: throttling and transient service errors, capped exponential backoff with jitter."""

from __future__ import annotations

from workflow.sdk import Retry

# Error names as Step Functions reports them for each integration.
LAMBDA_TRANSIENT = [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
    "Lambda.ClientExecutionTimeoutException",
    # Raised by our handlers when S3/DynamoDB throttle or fail transiently (handlers/errors.py).
    "TransientError",
]
DYNAMODB_TRANSIENT = [
    "DynamoDB.ProvisionedThroughputExceededException",
    "DynamoDB.ThrottlingException",
    "DynamoDB.RequestLimitExceeded",
    "DynamoDB.InternalServerErrorException",
    "DynamoDB.SdkClientException",
]
SQS_TRANSIENT = [
    "SQS.SdkClientException",
    "SQS.RequestThrottledException",
    "SQS.KmsThrottledException",
    "SQS.ThrottlingException",
]
ITEM_READER_TRANSIENT = ["States.ItemReaderFailed"]


def transient(errors: list[str], *, max_attempts: int = 6) -> Retry:
    """Retry `errors` up to `max_attempts` times: 1 s, 2 s, 4 s ... capped at 20 s, full jitter."""
    return Retry(
        error_equals=list(errors),
        interval_seconds=1,
        backoff_rate=2.0,
        max_attempts=max_attempts,
        max_delay_seconds=20,
        jitter_strategy="FULL",
    )
