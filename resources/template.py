"""The one composition of the template: every resource, parameter and output, wired by object.

Over 300 lines: the one composition of every resource, parameter and output, wired by object; the pieces are
built in the other resources/ modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from troposphere import AWSHelperFn, Output, Ref, Template
from troposphere.awslambda import Function
from troposphere.cloudwatch import Alarm
from troposphere.iam import PolicyType, Role
from troposphere.logs import LogGroup
from troposphere.sqs import Queue
from troposphere.stepfunctions import StateMachine

from resources import (
    alerts,
    compute,
    events,
    iam,
    ids,
    monitoring,
    orchestration,
    outputs,
    queues,
    references,
    storage,
    watchdog,
)
from resources.parameters import (
    PipelineParameters,
    has_alarm_email,
    has_alarm_topic,
    has_replay_writers,
    pipeline_parameters,
    tracing_enabled,
)
from workflow.definition import build_small_file_definition

DESCRIPTION = (
    "Sales-order ingestion pipeline: S3 upload -> EventBridge rule -> Step Functions -> "
    "Lambda validator -> DynamoDB orders table / SQS review queue."
)


def build_template(
    *, definition: dict[str, Any], small_file_definition: dict[str, Any] | None = None
) -> Template:
    """The pipeline's CloudFormation template around the state machines' ASL definitions: the large-file
    (STANDARD) `definition` and the small-file lane's (EXPRESS) `small_file_definition` (by default the
    one workflow/ builds).

    Each definition refers to stack resources only through the `${...}` placeholders of
    docs/seams.md; it is embedded as a Definition object with DefinitionSubstitutions.
    """
    if small_file_definition is None:
        small_file_definition = build_small_file_definition()
    template = Template(Description=DESCRIPTION)
    params = pipeline_parameters()
    for parameter in params.all():
        template.add_parameter(parameter)
    template.add_condition(ids.HAS_ALARM_TOPIC, has_alarm_topic(parameters=params))
    template.add_condition(ids.HAS_ALARM_EMAIL, has_alarm_email(parameters=params))
    template.add_mapping(monitoring.CONSOLE_MAPPING, monitoring.CONSOLE_DOMAINS)
    alarm_key = alerts.alarm_topic_key()
    alarm_topic = alerts.alarm_topic(key=alarm_key)
    notify = alerts.alarm_actions(topic=alarm_topic, parameters=params)
    template.add_condition(ids.TRACING_ENABLED, tracing_enabled(parameters=params))
    template.add_condition(ids.HAS_REPLAY_WRITERS, has_replay_writers(parameters=params))

    bucket = storage.ingest_bucket(
        work_retention_days=params.work_retention_days, claim_retention_days=params.claim_retention_days
    )
    orders_table = storage.orders_table()
    file_ledger_table = storage.file_ledger_table()
    review_queue = queues.review_queue()
    dead_letter_queue = queues.rule_dead_letter_queue()

    validator_logs = monitoring.log_group(ids.VALIDATOR_LOG_GROUP, retention_days=params.log_retention_days)
    validator_role = iam.validator_role(bucket=bucket, log_group=validator_logs)
    validator = compute.validator_function(
        role=validator_role,
        log_group=validator_logs,
        system_log_level=params.lambda_system_log_level,
        memory_size=params.validator_memory_size,
        reserved_concurrency=params.validator_reserved_concurrency,
        max_rejected_records=params.max_rejected_records,
        max_file_bytes=params.max_file_bytes,
        ledger_retention_days=params.ledger_retention_days,
    )
    store_large_logs = monitoring.log_group(
        ids.STORE_LARGE_LOG_GROUP, retention_days=params.log_retention_days
    )
    store_large_role = iam.store_large_role(
        bucket=bucket, orders_table=orders_table, log_group=store_large_logs
    )
    store_large = compute.store_large_function(
        role=store_large_role,
        log_group=store_large_logs,
        system_log_level=params.lambda_system_log_level,
        orders_table=orders_table,
    )

    machine_logs = monitoring.state_machine_log_group(retention_days=params.log_retention_days)
    # Each ${Placeholder}: its value and its grant, declared once; substitutions and role from it.
    machine_references = references.state_machine_references(
        validator=validator,
        store_large=store_large,
        orders_table=orders_table,
        file_ledger_table=file_ledger_table,
        review_queue=review_queue,
        bucket=bucket,
    )
    machine_role = iam.state_machine_role(grants=references.grants(machine_references, definition))
    delivery_policy = iam.state_machine_delivery_policy(role=machine_role)
    machine = orchestration.state_machine(
        definition=definition,
        substitutions=references.substitutions(machine_references, definition),
        role=machine_role,
        log_group=machine_logs,
        depends_on=[delivery_policy],
    )
    executions_policy = iam.state_machine_executions_policy(role=machine_role, state_machine=machine)

    small = _small_file_lane(
        definition=small_file_definition,
        retention_days=params.log_retention_days,
        machine_references=machine_references,
        large_file_machine=machine,
    )

    rule_role = iam.object_created_rule_role(state_machines=[machine, small.machine])
    rule = events.object_created_rule(
        bucket=bucket,
        state_machine=machine,
        role=rule_role,
        dead_letter_queue=dead_letter_queue,
        depends_on=[delivery_policy, executions_policy],
        lane=events.LANE_LARGE,
    )
    small_rule = events.object_created_rule(
        bucket=bucket,
        state_machine=small.machine,
        role=rule_role,
        dead_letter_queue=dead_letter_queue,
        # A small file may be handed off at once: the large machine's policies must be attached too.
        depends_on=[small.delivery_policy, delivery_policy, executions_policy],
        lane=events.LANE_SMALL,
    )

    watchdog_logs = monitoring.log_group(ids.WATCHDOG_LOG_GROUP, retention_days=params.log_retention_days)
    watchdog_role = watchdog.watchdog_role(
        file_ledger_table=file_ledger_table,
        redrive_state_machine=machine,
        dead_letter_queue=dead_letter_queue,
        log_group=watchdog_logs,
    )
    watchdog_function = compute.watchdog_function(
        role=watchdog_role,
        log_group=watchdog_logs,
        system_log_level=params.lambda_system_log_level,
        file_ledger_table=file_ledger_table,
        redrive_state_machine=machine,
        max_redrives=params.max_redrives,
        dead_letter_queue=dead_letter_queue,
    )
    schedule = watchdog.schedule_rule(watchdog=watchdog_function, dead_letter_queue=dead_letter_queue)
    execution_ended = watchdog.execution_ended_rule(
        watchdog=watchdog_function, state_machine=machine, dead_letter_queue=dead_letter_queue
    )
    dashboard = monitoring.pipeline_dashboard(
        validator=validator,
        orders_table=orders_table,
        review_queue=review_queue,
        dead_letter_queue=dead_letter_queue,
        state_machine=machine,
        small_file_state_machine=small.machine,
        watchdog=watchdog_function,
    )

    template.add_resource(
        [
            bucket,
            storage.ingest_bucket_policy(
                bucket=bucket, validator_role=validator_role, replay_writer_arns=params.replay_writer_arns
            ),
            orders_table,
            file_ledger_table,
            review_queue,
            queues.review_queue_policy(queue=review_queue),
            dead_letter_queue,
            queues.rule_dead_letter_queue_policy(
                queue=dead_letter_queue, rules=[rule, small_rule, schedule, execution_ended]
            ),
            validator_logs,
            validator_role,
            validator,
            store_large_logs,
            store_large_role,
            store_large,
            machine_logs,
            machine_role,
            delivery_policy,
            machine,
            executions_policy,
            small.log_group,
            small.role,
            small.delivery_policy,
            small.machine,
            rule_role,
            rule,
            small_rule,
            watchdog_logs,
            watchdog_role,
            watchdog_function,
            schedule,
            watchdog.invoke_permission(
                ids.WATCHDOG_SCHEDULE_PERMISSION, watchdog=watchdog_function, rule=schedule
            ),
            execution_ended,
            watchdog.invoke_permission(
                ids.EXECUTION_ENDED_PERMISSION, watchdog=watchdog_function, rule=execution_ended
            ),
            alarm_key,
            alarm_topic,
            alerts.alarm_email_subscription(topic=alarm_topic, parameters=params),
            *_alarms(
                notify=notify,
                params=params,
                dead_letter_queue=dead_letter_queue,
                review_queue=review_queue,
                machine=machine,
                small_machine=small.machine,
                validator=validator,
                watchdog_function=watchdog_function,
            ),
            dashboard,
        ]
    )
    _add_outputs(
        template,
        {
            outputs.BUCKET_NAME: (Ref(bucket), "Upload order files here."),
            outputs.ORDERS_TABLE_NAME: (Ref(orders_table), "Valid orders, keyed by order_id."),
            outputs.FILE_LEDGER_TABLE_NAME: (Ref(file_ledger_table), "One item per processed file version."),
            outputs.REVIEW_QUEUE_URL: (Ref(review_queue), "Rejected records and files, one message each."),
            outputs.STATE_MACHINE_ARN: (Ref(machine), "The pipeline's (large-file) state machine."),
            outputs.SMALL_FILE_STATE_MACHINE_ARN: (
                Ref(small.machine),
                "The small-file lane's state machine.",
            ),
            outputs.RULE_DEAD_LETTER_QUEUE_URL: (
                Ref(dead_letter_queue),
                "Events that could not start the pipeline.",
            ),
            outputs.DASHBOARD_URL: (
                monitoring.dashboard_url(dashboard),
                "The pipeline's CloudWatch dashboard.",
            ),
        },
    )
    return template


def _alarms(
    *,
    notify: AWSHelperFn,
    params: PipelineParameters,
    dead_letter_queue: Queue,
    review_queue: Queue,
    machine: StateMachine,
    small_machine: StateMachine,
    validator: Function,
    watchdog_function: Function,
) -> list[Alarm]:
    """Every alarm; each notifies `notify` (resources/alerts.py)."""
    age_days = params.message_age_alarm_days
    found = [
        monitoring.queue_not_empty_alarm(
            ids.RULE_DEAD_LETTER_QUEUE_ALARM,
            queue=dead_letter_queue,
            description="Events were not delivered: EventBridge could not start the pipeline (or run the "
            "watchdog). Inspect RuleDeadLetterQueue and re-drive.",
            actions=notify,
        ),
        monitoring.queue_age_alarm(
            ids.RULE_DEAD_LETTER_QUEUE_AGE_ALARM,
            queue=dead_letter_queue,
            days=age_days,
            description="An undelivered upload event has waited MessageAgeAlarmDays in RuleDeadLetterQueue; "
            "SQS drops it at 14 days: re-drive it now.",
            actions=notify,
        ),
        monitoring.queue_age_alarm(
            ids.REVIEW_QUEUE_ALARM,
            queue=review_queue,
            days=age_days,
            description="A rejected record or file has waited MessageAgeAlarmDays for review; SQS drops it "
            "at 14 days: `sales-pipeline review export` it now.",
            actions=notify,
        ),
        monitoring.rejection_ratio_alarm(
            validator=validator, threshold=params.rejection_ratio_alarm_threshold, actions=notify
        ),
        monitoring.function_alarm(
            ids.VALIDATOR_ERRORS_ALARM,
            function=validator,
            metric="Errors",
            description="The validator raised an error (its file is retried, handed off or marked FAILED): "
            "see ValidatorLogGroup.",
            actions=notify,
        ),
        monitoring.function_alarm(
            ids.VALIDATOR_THROTTLES_ALARM,
            function=validator,
            metric="Throttles",
            description="The validator was throttled for 15 minutes in a row: uploads arrive faster than "
            "ValidatorReservedConcurrency lets them be validated (files wait, retried for up to ~2 h).",
            actions=notify,
            periods=VALIDATOR_THROTTLE_PERIODS,
        ),
        monitoring.function_alarm(
            ids.WATCHDOG_ERRORS_ALARM,
            function=watchdog_function,
            metric="Errors",
            description="The watchdog failed: stuck files are not being marked or re-driven. See "
            "WatchdogLogGroup.",
            actions=notify,
        ),
        monitoring.redrives_exhausted_alarm(watchdog=watchdog_function, actions=notify),
    ]
    lanes = (
        (
            machine,
            ids.STATE_MACHINE_FAILED_ALARM,
            ids.STATE_MACHINE_TIMED_OUT_ALARM,
            ids.STATE_MACHINE_ABORTED_ALARM,
        ),
        (
            small_machine,
            ids.SMALL_FILE_STATE_MACHINE_FAILED_ALARM,
            ids.SMALL_FILE_STATE_MACHINE_TIMED_OUT_ALARM,
            ids.SMALL_FILE_STATE_MACHINE_ABORTED_ALARM,
        ),
    )
    for state_machine, *titles in lanes:
        for title, metric in zip(
            titles, ("ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"), strict=True
        ):
            found.append(
                monitoring.execution_alarm(title, state_machine=state_machine, metric=metric, actions=notify)
            )
    return found


# ValidatorThrottlesAlarm: throttling in this many consecutive 5-minute periods (a burst is retried).
VALIDATOR_THROTTLE_PERIODS = 3


def _add_outputs(template: Template, outputs: dict[str, tuple[Any, str]]) -> None:
    for title, (value, description) in outputs.items():
        template.add_output(Output(title, Value=value, Description=description))


@dataclass(frozen=True)
class _SmallFileLane:
    log_group: LogGroup
    role: Role
    delivery_policy: PolicyType
    machine: StateMachine


def _small_file_lane(
    *,
    definition: dict[str, Any],
    retention_days: Any,
    machine_references: tuple[references.Reference, ...],
    large_file_machine: StateMachine,
) -> _SmallFileLane:
    """The EXPRESS state machine of the small-file lane, its role, log group and delivery policy."""
    log_group = monitoring.state_machine_log_group(
        retention_days=retention_days,
        title=ids.SMALL_FILE_STATE_MACHINE_LOG_GROUP,
        machine=ids.SMALL_FILE_STATE_MACHINE,
    )
    # The same declared references as the large-file machine, plus the hand-off target.
    lane_references = (*machine_references, references.hand_off(large_file_machine))
    role = iam.state_machine_role(
        grants=references.grants(lane_references, definition),
        title=ids.SMALL_FILE_STATE_MACHINE_ROLE,
        policy_name="SmallFileStateMachine",
    )
    delivery_policy = iam.state_machine_delivery_policy(
        role=role, title=ids.SMALL_FILE_STATE_MACHINE_DELIVERY_POLICY
    )
    machine = orchestration.state_machine(
        definition=definition,
        substitutions=references.substitutions(lane_references, definition),
        role=role,
        log_group=log_group,
        depends_on=[delivery_policy],
        title=ids.SMALL_FILE_STATE_MACHINE,
        machine_type="EXPRESS",
    )
    return _SmallFileLane(log_group=log_group, role=role, delivery_policy=delivery_policy, machine=machine)
