"""Logical IDs of the template: API (docs/CONTRACT.md); renaming one replaces the resource."""

from __future__ import annotations

INGEST_BUCKET = "IngestBucket"
INGEST_BUCKET_POLICY = "IngestBucketPolicy"
ORDERS_TABLE = "OrdersTable"
FILE_LEDGER_TABLE = "FileLedgerTable"
REVIEW_QUEUE = "ReviewQueue"
REVIEW_QUEUE_POLICY = "ReviewQueuePolicy"
RULE_DEAD_LETTER_QUEUE = "RuleDeadLetterQueue"
RULE_DEAD_LETTER_QUEUE_POLICY = "RuleDeadLetterQueuePolicy"
VALIDATOR_FUNCTION = "ValidatorFunction"
VALIDATOR_ROLE = "ValidatorRole"
VALIDATOR_LOG_GROUP = "ValidatorLogGroup"
STORE_LARGE_FUNCTION = "StoreLargeFunction"
STORE_LARGE_ROLE = "StoreLargeRole"
STORE_LARGE_LOG_GROUP = "StoreLargeLogGroup"
STATE_MACHINE = "StateMachine"
STATE_MACHINE_ROLE = "StateMachineRole"
STATE_MACHINE_LOG_GROUP = "StateMachineLogGroup"
# Attached to StateMachineRole after the state machine exists (a role that names its own state machine
# inline would be a circular reference).
STATE_MACHINE_EXECUTIONS_POLICY = "StateMachineExecutionsPolicy"
# The statements that AWS allows only with Resource "*" (log delivery, X-Ray), isolated in one policy.
STATE_MACHINE_DELIVERY_POLICY = "StateMachineDeliveryPolicy"
# The small-file lane (EXPRESS): its own state machine, role, log group, rule and alarm.
SMALL_FILE_STATE_MACHINE = "SmallFileStateMachine"
SMALL_FILE_STATE_MACHINE_ROLE = "SmallFileStateMachineRole"
SMALL_FILE_STATE_MACHINE_LOG_GROUP = "SmallFileStateMachineLogGroup"
SMALL_FILE_STATE_MACHINE_DELIVERY_POLICY = "SmallFileStateMachineDeliveryPolicy"
SMALL_FILE_RULE = "SmallFileRule"
SMALL_FILE_STATE_MACHINE_FAILED_ALARM = "SmallFileStateMachineFailedAlarm"
OBJECT_CREATED_RULE = "ObjectCreatedRule"
OBJECT_CREATED_RULE_ROLE = "ObjectCreatedRuleRole"
RULE_DEAD_LETTER_QUEUE_ALARM = "RuleDeadLetterQueueAlarm"
REVIEW_QUEUE_ALARM = "ReviewQueueAlarm"
STATE_MACHINE_FAILED_ALARM = "StateMachineFailedAlarm"
REJECTION_RATIO_ALARM = "RejectionRatioAlarm"
DASHBOARD = "PipelineDashboard"

# Parameters and conditions.
LOG_RETENTION_DAYS = "LogRetentionDays"
WORK_RETENTION_DAYS = "WorkRetentionDays"
CLAIM_RETENTION_DAYS = "ClaimRetentionDays"
VALIDATOR_MEMORY_SIZE = "ValidatorMemorySize"
VALIDATOR_RESERVED_CONCURRENCY = "ValidatorReservedConcurrency"
MAX_REJECTED_RECORDS = "MaxRejectedRecords"
MAX_FILE_BYTES = "MaxFileBytes"
LEDGER_RETENTION_DAYS = "LedgerRetentionDays"
ALARM_TOPIC_ARN = "AlarmTopicArn"
REJECTION_RATIO_ALARM_THRESHOLD = "RejectionRatioAlarmThreshold"
HAS_ALARM_TOPIC = "HasAlarmTopic"
REPLAY_WRITER_ARNS = "ReplayWriterArns"
HAS_REPLAY_WRITERS = "HasReplayWriters"

# Rule target Id (unique within the rule).
STATE_MACHINE_TARGET_ID = "StateMachine"
SMALL_FILE_STATE_MACHINE_TARGET_ID = "SmallFileStateMachine"
