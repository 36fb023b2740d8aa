"""Retry policies: throttling and transient service errors, capped exponential backoff with jitter."""

from __future__ import annotations

from handlers.shapes import ERROR_TRANSIENT
from workflow.sdk import Retry

# Error names as Step Functions reports them for each integration.
LAMBDA_TRANSIENT = [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
    "Lambda.ClientExecutionTimeoutException",
    # Raised by our handlers when S3/DynamoDB throttle or fail transiently (handlers/errors.py).
    ERROR_TRANSIENT,
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
# states:startExecution (the small-file lane's hand-off): throttling and service-side failures.
STATES_TRANSIENT = [
    "StepFunctions.SdkClientException",
    "StepFunctions.ThrottlingException",
    "StepFunctions.AWSStepFunctionsException",
]


# Retries of every call in the small-file (EXPRESS) lane: 1 s, 2 s. An EXPRESS execution stops at 5
# minutes without a Catch; the lane's worst case (output/worstcase.md) is built from this budget, and a
# file the lane cannot finish within it fails the file or is handed to the large lane, never stranded.
EXPRESS_LANE_ATTEMPTS = 2
# Retries of a call in the large lane (STANDARD parent and its batch children).
DEFAULT_ATTEMPTS = 6


def transient(errors: list[str], *, max_attempts: int = DEFAULT_ATTEMPTS) -> Retry:
    """Retry `errors` up to `max_attempts` times: 1 s, 2 s, 4 s ... capped at 20 s, full jitter."""
    return Retry(
        error_equals=list(errors),
        interval_seconds=1,
        backoff_rate=2.0,
        max_attempts=max_attempts,
        max_delay_seconds=20,
        jitter_strategy="FULL",
    )


# The validator has reserved concurrency (ValidatorReservedConcurrency): a burst of uploads beyond it
# is throttled, not failed. A throttled file waits its turn with long, jittered backoff instead of
# failing after a minute: 2 s, 4 s ... capped at 300 s, 30 attempts (at most ~2 h, ~1 h expected with
# full jitter). A file that is still throttled after that ends FAILED in the ledger (re-deliverable).
LAMBDA_THROTTLED = "Lambda.TooManyRequestsException"
THROTTLE_MAX_ATTEMPTS = 30
THROTTLE_MAX_DELAY_SECONDS = 300


def throttled_then_transient(errors: list[str]) -> list[Retry]:
    """Retriers for a throttled Lambda: throttling first (long backoff), then the other `errors`."""
    throttle = Retry(
        error_equals=[LAMBDA_THROTTLED],
        interval_seconds=2,
        backoff_rate=2.0,
        max_attempts=THROTTLE_MAX_ATTEMPTS,
        max_delay_seconds=THROTTLE_MAX_DELAY_SECONDS,
        jitter_strategy="FULL",
    )
    # The first retrier that names an error is the one used: keep throttling out of the second.
    return [throttle, transient([error for error in errors if error != LAMBDA_THROTTLED])]
