"""Stack parameters: what a user sets at deploy time."""

from __future__ import annotations

from dataclasses import dataclass

from troposphere import Equals, Join, Not, Parameter, Ref

from handlers.seams.settings import (
    DEFAULT_LEDGER_RETENTION_DAYS,
    DEFAULT_MAX_FILE_BYTES,
    DEFAULT_MAX_REDRIVES,
    DEFAULT_MAX_REJECTED_RECORDS,
)
from resources import ids

# CloudWatch Logs accepts only these retention periods.
LOG_RETENTION_ALLOWED_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip
# Claim-check bodies must outlive the review messages that point at them (SQS keeps them 14 days).
REVIEW_RETENTION_DAYS = 14
# The validator's share of the account's concurrency: uploads beyond it queue (throttling retried).
DEFAULT_VALIDATOR_RESERVED_CONCURRENCY = 10
# X-Ray tracing of both state machines: off unless asked for ($5.00 per million traces recorded).
TRACING_OFF = "Off"
TRACING_ON = "On"
# Lambda's own log lines (JSON log format, resources/compute.py): WARN sends only warnings and errors;
# INFO adds platform.start and platform.report on every invocation; DEBUG adds platform.runtimeDone.
SYSTEM_LOG_LEVELS = ("WARN", "INFO", "DEBUG")
DEFAULT_SYSTEM_LOG_LEVEL = "WARN"
# The validator core's proven peak on any input within the per-file limits is under 512 MB
# (benchmarks/membound.py, docs/handlers-measurements.md "Memory bound"); boto3 and the manifest's
# upload buffers take the rest.
VALIDATOR_MIN_MEMORY_MB = 640
# Share of rejected records (over 5 minutes) above which RejectionRatioAlarm fires.
DEFAULT_REJECTION_RATIO_ALARM_THRESHOLD = "0.05"
# The age alarms fire when the oldest message of the review queue or the rule's dead-letter queue is
# this many days old: half of SQS's 14-day retention, so an operator has a week to act before a message
# (a rejected record, an undelivered upload event) expires.
DEFAULT_MESSAGE_AGE_ALARM_DAYS = "7"
MAX_MESSAGE_AGE_ALARM_DAYS = REVIEW_RETENTION_DAYS - 1
MAX_REDRIVES_LIMIT = 10


@dataclass(frozen=True)
class PipelineParameters:
    """The template's parameters, passed to the factories that use them."""

    log_retention_days: Parameter
    work_retention_days: Parameter
    claim_retention_days: Parameter
    validator_memory_size: Parameter
    validator_reserved_concurrency: Parameter
    max_rejected_records: Parameter
    max_file_bytes: Parameter
    ledger_retention_days: Parameter
    alarm_topic_arn: Parameter
    rejection_ratio_alarm_threshold: Parameter
    alarm_email: Parameter
    message_age_alarm_days: Parameter
    max_redrives: Parameter
    tracing: Parameter
    replay_writer_arns: Parameter
    lambda_system_log_level: Parameter

    def all(self) -> tuple[Parameter, ...]:
        return (
            self.log_retention_days,
            self.work_retention_days,
            self.claim_retention_days,
            self.validator_memory_size,
            self.validator_reserved_concurrency,
            self.max_rejected_records,
            self.max_file_bytes,
            self.ledger_retention_days,
            self.alarm_topic_arn,
            self.rejection_ratio_alarm_threshold,
            self.alarm_email,
            self.message_age_alarm_days,
            self.max_redrives,
            self.tracing,
            self.replay_writer_arns,
            self.lambda_system_log_level,
        )


def pipeline_parameters() -> PipelineParameters:
    """Build every parameter with its default and bounds."""
    return PipelineParameters(
        log_retention_days=Parameter(
            ids.LOG_RETENTION_DAYS,
            Type="Number",
            Default="30",
            AllowedValues=[str(days) for days in LOG_RETENTION_ALLOWED_DAYS],
            Description="Days CloudWatch Logs keeps the functions' and the state machine's logs.",
        ),
        work_retention_days=Parameter(
            ids.WORK_RETENTION_DAYS,
            Type="Number",
            Default="7",
            MinValue=1,
            Description="Days the pipeline's batch manifests (_pipeline/work/) are kept.",
        ),
        claim_retention_days=Parameter(
            ids.CLAIM_RETENTION_DAYS,
            Type="Number",
            Default="30",
            MinValue=REVIEW_RETENTION_DAYS,
            Description=(
                "Days claim-check bodies (_pipeline/claims/) are kept; at least the review queue's "
                "14-day retention so every review message's pointer stays readable."
            ),
        ),
        validator_memory_size=Parameter(
            ids.VALIDATOR_MEMORY_SIZE,
            Type="Number",
            Default="1024",
            MinValue=VALIDATOR_MIN_MEMORY_MB,
            MaxValue=10240,
            Description=(
                "Validator Lambda memory in MB (CPU scales with it); at least the validator core's "
                "memory bound (512 MB, docs/handlers-measurements.md) plus boto3 and upload buffers."
            ),
        ),
        validator_reserved_concurrency=Parameter(
            ids.VALIDATOR_RESERVED_CONCURRENCY,
            Type="Number",
            Default=str(DEFAULT_VALIDATOR_RESERVED_CONCURRENCY),
            MinValue=1,
            Description=(
                "Validator invocations that may run at once (reserved concurrency); more uploads at "
                "once wait, retried with backoff. The account must keep at least 10 unreserved."
            ),
        ),
        max_rejected_records=Parameter(
            ids.MAX_REJECTED_RECORDS,
            Type="Number",
            Default=str(DEFAULT_MAX_REJECTED_RECORDS),
            MinValue=0,
            Description=(
                "Rejected records a file may have; past this the whole file is rejected with one "
                "summary review (too_many_rejections). 0: any rejected record rejects the file."
            ),
        ),
        max_file_bytes=Parameter(
            ids.MAX_FILE_BYTES,
            Type="Number",
            Default=str(DEFAULT_MAX_FILE_BYTES),
            MinValue=1,
            Description=(
                "Largest size of a file in bytes after gunzip; a larger file is rejected whole "
                "(file_too_large)."
            ),
        ),
        ledger_retention_days=Parameter(
            ids.LEDGER_RETENTION_DAYS,
            Type="Number",
            Default=str(DEFAULT_LEDGER_RETENTION_DAYS),
            MinValue=0,
            Description=(
                "Days the file ledger keeps a DONE file's item (DynamoDB TTL on expires_at, counted from "
                "validation); 0 keeps every item. FAILED items never expire."
            ),
        ),
        alarm_topic_arn=Parameter(
            ids.ALARM_TOPIC_ARN,
            Type="String",
            Default="",
            AllowedPattern=r"^$|^arn:[a-z-]+:sns:[a-z0-9-]+:[0-9]+:[A-Za-z0-9_-]+(\.fifo)?$",
            Description="Optional existing SNS topic ARN notified by every alarm (with AlarmEmail: both).",
        ),
        rejection_ratio_alarm_threshold=Parameter(
            ids.REJECTION_RATIO_ALARM_THRESHOLD,
            Type="Number",
            Default=DEFAULT_REJECTION_RATIO_ALARM_THRESHOLD,
            MinValue=0,
            MaxValue=1,
            Description=(
                "RejectionRatioAlarm fires when rejected records / records read over 5 minutes exceeds "
                "this share (0.05: more than 5 in 100 records rejected)."
            ),
        ),
        alarm_email=Parameter(
            ids.ALARM_EMAIL,
            Type="String",
            Default="",
            AllowedPattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$",
            Description=(
                "Optional email address notified by every alarm: creates an encrypted SNS topic with an "
                "email subscription (confirm it from the message AWS sends). Empty: no topic."
            ),
        ),
        message_age_alarm_days=Parameter(
            ids.MESSAGE_AGE_ALARM_DAYS,
            Type="Number",
            Default=DEFAULT_MESSAGE_AGE_ALARM_DAYS,
            MinValue=1,
            MaxValue=MAX_MESSAGE_AGE_ALARM_DAYS,
            Description=(
                "ReviewQueueAlarm and RuleDeadLetterQueueAgeAlarm fire when the queue's oldest message is "
                "this many days old (SQS drops messages after 14 days)."
            ),
        ),
        max_redrives=Parameter(
            ids.MAX_REDRIVES,
            Type="Number",
            Default=str(DEFAULT_MAX_REDRIVES),
            MinValue=0,
            MaxValue=MAX_REDRIVES_LIMIT,
            Description=(
                "Times the watchdog re-drives a file whose run failed or got stuck before "
                "RedrivesExhaustedAlarm fires and the file is left FAILED (0: mark and alarm only)."
            ),
        ),
        tracing=Parameter(
            ids.TRACING,
            Type="String",
            Default=TRACING_OFF,
            AllowedValues=[TRACING_OFF, TRACING_ON],
            Description=(
                "X-Ray tracing of both state machines. On: AWS X-Ray bills $5.00 per million traces "
                "recorded (first 100,000 a month free; default sampling 1 request/s + 5 %), which at a "
                "trickle of small files roughly doubles their cost. Off by default."
            ),
        ),
        replay_writer_arns=Parameter(
            ids.REPLAY_WRITER_ARNS,
            Type="CommaDelimitedList",
            Default="",
            Description=(
                "IAM role or user ARNs allowed to write under replay/ (review replay): a replay line "
                "sets a stored record's origin, so the bucket policy denies everyone else. Empty (the "
                "default): only the account's root user, so no role or user can until one is named."
            ),
        ),
        lambda_system_log_level=Parameter(
            ids.LAMBDA_SYSTEM_LOG_LEVEL,
            Type="String",
            Default=DEFAULT_SYSTEM_LOG_LEVEL,
            AllowedValues=list(SYSTEM_LOG_LEVELS),
            Description=(
                "Lambda's own log lines in the functions' logs. WARN (default): only warnings and errors. "
                "INFO: also a start and a report line (duration, memory used, init time) per invocation, "
                "~0.38 KB more CloudWatch Logs each (~$0.19 per million one-order files). The AWS/Lambda "
                "metrics (Duration, Errors, Throttles) are published either way."
            ),
        ),
    )


def tracing_enabled(*, parameters: PipelineParameters) -> object:
    """Condition expression: X-Ray tracing was asked for."""
    return Equals(Ref(parameters.tracing), TRACING_ON)


def has_replay_writers(*, parameters: PipelineParameters) -> object:
    """Condition expression: at least one replay writer was named."""
    return Not(Equals(Join("", Ref(parameters.replay_writer_arns)), ""))


def has_alarm_topic(*, parameters: PipelineParameters) -> object:
    """Condition expression: an alarm topic was given."""
    return Not(Equals(Ref(parameters.alarm_topic_arn), ""))


def has_alarm_email(*, parameters: PipelineParameters) -> object:
    """Condition expression: an alarm email was given (the stack creates AlarmTopic for it)."""
    return Not(Equals(Ref(parameters.alarm_email), ""))
