"""The Lambda functions (code: the handlers/ folder, uploaded by `aws cloudformation package`)."""

from __future__ import annotations

from troposphere import GetAtt, Parameter, PropsDictType, Ref
from troposphere.awslambda import DeadLetterConfig, Environment, Function, LoggingConfig
from troposphere.dynamodb import Table
from troposphere.iam import Role
from troposphere.logs import LogGroup
from troposphere.sqs import Queue
from troposphere.stepfunctions import StateMachine

from handlers.seams.settings import (
    FILE_LEDGER_TABLE_ENV,
    LEDGER_RETENTION_DAYS_ENV,
    MAX_FILE_BYTES_ENV,
    MAX_REDRIVES_ENV,
    MAX_REJECTED_RECORDS_ENV,
    ORDERS_TABLE_ENV,
    REDRIVE_STATE_MACHINE_ENV,
)
from resources import ids
from resources.skips import checkov_skips

# Relative to output/template.json: `aws cloudformation package` zips this folder, uploads it and
# rewrites Code to its S3 location.
HANDLERS_CODE_PATH = "../handlers"
RUNTIME = "python3.12"
ARCHITECTURE = "arm64"
# Lambda's maximum: a 1 GB file is streamed in one invocation.
VALIDATOR_TIMEOUT_SECONDS = 900
# One claim-check body (at most an item's 400 KB) read and put. StoreLargeRecord gives an attempt 8 s
# (workflow/recordstates.py STORE_LARGE_ATTEMPT_SECONDS) and retries States.Timeout; the function's own
# timeout is just above it, so an attempt the state machine has given up on is billed at most 10 s
# (was 60 s), and the Task's timeout, which is retried, always fires first.
STORE_LARGE_TIMEOUT_SECONDS = 10
STORE_LARGE_MEMORY_MB = 256
LAMBDA_SKIPS = ("CKV_AWS_116", "CKV_AWS_117")
# JSON log format: Lambda's own lines can then be filtered by level (SystemLogLevel, a parameter), which
# the Text format cannot. The handlers' print()ed EMF documents are JSON already: Lambda passes them as
# they are ("Lambda doesn't double-encode any logs that are already JSON encoded") at level INFO (no
# "level" member), so ApplicationLogLevel must stay INFO or CloudWatch gets no metrics
# (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-logformat.html,
# https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html).
LOG_FORMAT = "JSON"
APPLICATION_LOG_LEVEL = "INFO"


class FunctionLoggingConfig(LoggingConfig):  # type: ignore[misc]
    """AWS::Lambda::Function LoggingConfig with LogFormat: troposphere 4.11 names two classes
    LoggingConfig and keeps the later one (a Web Function revision's), which lacks LogFormat."""

    props: PropsDictType = {**LoggingConfig.props, "LogFormat": (str, False)}  # noqa: RUF012 (troposphere's)


def logging_config(*, log_group: LogGroup, system_log_level: Parameter) -> FunctionLoggingConfig:
    """The functions' logs: their log group, JSON, application lines at INFO, Lambda's at the parameter."""
    return FunctionLoggingConfig(
        LogGroup=Ref(log_group),
        LogFormat=LOG_FORMAT,
        ApplicationLogLevel=APPLICATION_LOG_LEVEL,
        SystemLogLevel=Ref(system_log_level),
    )


def _function(
    title: str,
    *,
    handler: str,
    role: Role,
    log_group: LogGroup,
    system_log_level: Parameter,
    timeout: int,
    memory_size: object,
    extra_skips: tuple[str, ...] = (),
    base_skips: tuple[str, ...] = LAMBDA_SKIPS,
    **properties: object,
) -> Function:
    function = Function(
        title,
        Metadata={
            **checkov_skips(*base_skips, *extra_skips),
            # W3002 "may only work with 'package'": intended, Code is the folder `package` uploads.
            "cfn-lint": {"config": {"ignore_checks": ["W3002"]}},
        },
        Handler=handler,
        Runtime=RUNTIME,
        Architectures=[ARCHITECTURE],
        Role=GetAtt(role, "Arn"),
        Timeout=timeout,
        MemorySize=memory_size,
        LoggingConfig=logging_config(log_group=log_group, system_log_level=system_log_level),
        **properties,
    )
    # The one place validation is bypassed: troposphere's Code type rejects the local folder path that
    # `aws cloudformation package` expects (a string, rewritten to {S3Bucket, S3Key} on upload).
    function.properties["Code"] = HANDLERS_CODE_PATH
    return function


def validator_function(
    *,
    role: Role,
    log_group: LogGroup,
    system_log_level: Parameter,
    memory_size: Parameter,
    reserved_concurrency: Parameter,
    max_rejected_records: Parameter,
    max_file_bytes: Parameter,
    ledger_retention_days: Parameter,
) -> Function:
    """Streams an uploaded file and writes its batch manifest (handlers/validator.py).

    Reserved concurrency bounds the validators running across all uploads (memory, S3 and the
    account's concurrency); the state machine retries a throttled invocation with long backoff.
    """
    return _function(
        ids.VALIDATOR_FUNCTION,
        handler="validator.handler",
        role=role,
        log_group=log_group,
        system_log_level=system_log_level,
        timeout=VALIDATOR_TIMEOUT_SECONDS,
        memory_size=Ref(memory_size),
        extra_skips=("CKV_AWS_173",),
        ReservedConcurrentExecutions=Ref(reserved_concurrency),
        Environment=Environment(
            Variables={
                MAX_REJECTED_RECORDS_ENV: Ref(max_rejected_records),
                MAX_FILE_BYTES_ENV: Ref(max_file_bytes),
                # The validator returns the ledger item's expires_at (handlers/flows/ledger.py).
                LEDGER_RETENTION_DAYS_ENV: Ref(ledger_retention_days),
            }
        ),
    )


def store_large_function(
    *, role: Role, log_group: LogGroup, system_log_level: Parameter, orders_table: Table
) -> Function:
    """Puts a claim-checked record too large for state data (handlers/store_large.py)."""
    return _function(
        ids.STORE_LARGE_FUNCTION,
        handler="store_large.handler",
        role=role,
        log_group=log_group,
        system_log_level=system_log_level,
        timeout=STORE_LARGE_TIMEOUT_SECONDS,
        memory_size=STORE_LARGE_MEMORY_MB,
        extra_skips=("CKV_AWS_115", "CKV_AWS_173"),
        Environment=Environment(Variables={ORDERS_TABLE_ENV: Ref(orders_table)}),
    )


# One sweep: a query per open status and a conditional write (+ a start) per stuck file; the sweep stops
# taking files 20 s before this (handlers/flows/sweep.py TIME_RESERVE_MS).
WATCHDOG_TIMEOUT_SECONDS = 120
WATCHDOG_MEMORY_MB = 256


def watchdog_function(
    *,
    role: Role,
    log_group: LogGroup,
    system_log_level: Parameter,
    file_ledger_table: Table,
    redrive_state_machine: StateMachine,
    max_redrives: Parameter,
    dead_letter_queue: Queue,
) -> Function:
    """Marks stuck files FAILED and re-drives them (handlers/watchdog.py), run by EventBridge.

    Reserved concurrency 1: one sweep at a time (the writes are conditional anyway); an invocation
    EventBridge cannot hand over, or that fails its asynchronous retries, goes to the dead-letter queue.
    """
    return _function(
        ids.WATCHDOG_FUNCTION,
        handler="watchdog.handler",
        role=role,
        log_group=log_group,
        system_log_level=system_log_level,
        timeout=WATCHDOG_TIMEOUT_SECONDS,
        memory_size=WATCHDOG_MEMORY_MB,
        # Invoked asynchronously (EventBridge): it has a dead-letter queue, so only the VPC skip applies.
        base_skips=("CKV_AWS_117",),
        extra_skips=("CKV_AWS_173",),
        ReservedConcurrentExecutions=1,
        DeadLetterConfig=DeadLetterConfig(TargetArn=GetAtt(dead_letter_queue, "Arn")),
        Environment=Environment(
            Variables={
                FILE_LEDGER_TABLE_ENV: Ref(file_ledger_table),
                REDRIVE_STATE_MACHINE_ENV: Ref(redrive_state_machine),
                MAX_REDRIVES_ENV: Ref(max_redrives),
            }
        ),
    )
