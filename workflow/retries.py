"""Retry policies: throttling and transient service errors, capped exponential backoff with jitter."""

from __future__ import annotations

from handlers.seams.shapes import ERROR_TRANSIENT
from workflow.sdk import Retry

# Error names as Step Functions reports them for each integration.
LAMBDA_TRANSIENT = [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
    "Lambda.ClientExecutionTimeoutException",
    # Raised by our handlers when S3/DynamoDB throttle or fail transiently (handlers/seams/errors.py).
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


# Retries of every call in an EXPRESS execution, the small-file lane and the large lane's batch children
# (ProcessBatches): 1 s, 2 s. An EXPRESS execution stops at 5 minutes without a Catch; each lane's worst
# case (output/worstcase.md) is built from this budget. A call still failing after it fails the
# execution before its limit: the small lane marks the file FAILED or hands it off, a batch child fails
# its Map run and the STANDARD parent marks the file FAILED (re-driven by the watchdog); never stranded.
EXPRESS_LANE_ATTEMPTS = 2
# Retries of a call in the large lane's STANDARD parent (no 5-minute limit).
DEFAULT_ATTEMPTS = 6
# Errors of StoreLargeRecord retried besides LAMBDA_TRANSIENT: its attempt is bounded by TimeoutSeconds
# (workflow/recordstates.py), and a timed-out attempt may be retried: the store is a conditional put.
TASK_TIMED_OUT = "States.Timeout"


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
