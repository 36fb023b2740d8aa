"""Log groups, alarms and the dashboard."""

from __future__ import annotations

from troposphere import AWSHelperFn, FindInMap, GetAtt, Parameter, Ref, Sub
from troposphere.awslambda import Function
from troposphere.cloudwatch import Alarm, Dashboard, Metric, MetricDataQuery, MetricDimension, MetricStat
from troposphere.dynamodb import Table
from troposphere.logs import LogGroup
from troposphere.sqs import Queue
from troposphere.stepfunctions import StateMachine

from handlers.adapters import metrics
from handlers.seams.settings import SECONDS_PER_DAY
from handlers.seams.watchdogsignals import REDRIVES_EXHAUSTED
from resources import dashboard, ids
from resources.skips import checkov_skips

ALARM_PERIOD_SECONDS = 300


def log_group(title: str, *, retention_days: Parameter) -> LogGroup:
    """A log group with the stack's retention; CloudFormation names it (no collision across stacks)."""
    return LogGroup(
        title,
        DeletionPolicy="Delete",
        UpdateReplacePolicy="Delete",
        Metadata=checkov_skips("CKV_AWS_158"),
        RetentionInDays=Ref(retention_days),
    )


def state_machine_log_group(
    *, retention_days: Parameter, title: str = ids.STATE_MACHINE_LOG_GROUP, machine: str = ids.STATE_MACHINE
) -> LogGroup:
    """The state machine's log group, under /aws/vendedlogs/ as AWS recommends for Step Functions.

    The prefix keeps CloudWatch Logs' resource policy under its size limit when many state machines log;
    the stack name keeps the name unique per deployment.
    """
    return LogGroup(
        title,
        DeletionPolicy="Delete",
        UpdateReplacePolicy="Delete",
        Metadata=checkov_skips("CKV_AWS_158"),
        LogGroupName=Sub("/aws/vendedlogs/states/${AWS::StackName}-" + machine),
        RetentionInDays=Ref(retention_days),
    )


def queue_not_empty_alarm(title: str, *, queue: Queue, description: str, actions: AWSHelperFn) -> Alarm:
    """Alarm while the queue holds at least one visible message."""
    return Alarm(
        title,
        AlarmDescription=description,
        Namespace="AWS/SQS",
        MetricName="ApproximateNumberOfMessagesVisible",
        Dimensions=[MetricDimension(Name="QueueName", Value=GetAtt(queue, "QueueName"))],
        Statistic="Maximum",
        Period=ALARM_PERIOD_SECONDS,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        TreatMissingData="notBreaching",
        **_notify(actions),
    )


def queue_age_alarm(
    title: str, *, queue: Queue, days: Parameter, description: str, actions: AWSHelperFn
) -> Alarm:
    """Alarm when the queue's oldest message is `days` old (ApproximateAgeOfOldestMessage, in days by
    metric math so the threshold is the parameter itself), long before SQS's 14-day retention drops it.
    An empty queue publishes no age: not breaching."""
    age = MetricStat(
        Metric=Metric(
            Namespace="AWS/SQS",
            MetricName="ApproximateAgeOfOldestMessage",
            Dimensions=[MetricDimension(Name="QueueName", Value=GetAtt(queue, "QueueName"))],
        ),
        Period=ALARM_PERIOD_SECONDS,
        Stat="Maximum",
    )
    return Alarm(
        title,
        AlarmDescription=description,
        Metrics=[
            MetricDataQuery(Id="age", MetricStat=age, ReturnData=False),
            MetricDataQuery(
                Id="days",
                Expression=f"age / {SECONDS_PER_DAY}",
                Label="age of the oldest message (days)",
                ReturnData=True,
            ),
        ],
        EvaluationPeriods=1,
        Threshold=Ref(days),
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        TreatMissingData="notBreaching",
        **_notify(actions),
    )


# What an execution metric of AWS/States means for the files, per alarm (ExecutionsTimedOut: an
# EXPRESS run stopped at 5 minutes without its Catch; ExecutionsAborted: stopped by hand).
EXECUTION_METRICS = {
    "ExecutionsFailed": "A pipeline execution failed: see the state machine's execution history.",
    "ExecutionsTimedOut": "A pipeline execution timed out (no Catch ran): the watchdog marks its file "
    "FAILED and re-drives it; see the state machine's executions.",
    "ExecutionsAborted": "A pipeline execution was stopped: the watchdog marks its file FAILED and "
    "re-drives it.",
}


def execution_alarm(title: str, *, state_machine: StateMachine, metric: str, actions: AWSHelperFn) -> Alarm:
    """Alarm when any execution of the state machine ends as `metric` says (a key of EXECUTION_METRICS)."""
    return Alarm(
        title,
        AlarmDescription=EXECUTION_METRICS[metric],
        Namespace="AWS/States",
        MetricName=metric,
        Dimensions=[MetricDimension(Name="StateMachineArn", Value=Ref(state_machine))],
        Statistic="Sum",
        Period=ALARM_PERIOD_SECONDS,
        EvaluationPeriods=1,
        Threshold=0,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="notBreaching",
        **_notify(actions),
    )


def function_alarm(
    title: str,
    *,
    function: Function,
    metric: str,
    description: str,
    actions: AWSHelperFn,
    periods: int = 1,
) -> Alarm:
    """Alarm when the function's AWS/Lambda `metric` (Errors, Throttles) is above 0 in each of `periods`
    consecutive 5-minute periods."""
    return Alarm(
        title,
        AlarmDescription=description,
        Namespace="AWS/Lambda",
        MetricName=metric,
        Dimensions=[MetricDimension(Name="FunctionName", Value=Ref(function))],
        Statistic="Sum",
        Period=ALARM_PERIOD_SECONDS,
        EvaluationPeriods=periods,
        DatapointsToAlarm=periods,
        Threshold=0,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="notBreaching",
        **_notify(actions),
    )


def redrives_exhausted_alarm(*, watchdog: Function, actions: AWSHelperFn) -> Alarm:
    """Alarm when the watchdog gives up on a file (its EMF metric RedrivesExhausted)."""
    return Alarm(
        ids.REDRIVES_EXHAUSTED_ALARM,
        AlarmDescription="A file failed after MaxRedrives re-drives and is left FAILED: see its ledger "
        "item's error_name, fix the cause, then re-send its event.",
        Namespace=metrics.NAMESPACE,
        MetricName=REDRIVES_EXHAUSTED,
        Dimensions=[MetricDimension(Name=metrics.FUNCTION_DIMENSION, Value=Ref(watchdog))],
        Statistic="Sum",
        Period=ALARM_PERIOD_SECONDS,
        EvaluationPeriods=1,
        Threshold=0,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="notBreaching",
        **_notify(actions),
    )


def rejection_ratio_alarm(*, validator: Function, threshold: Parameter, actions: AWSHelperFn) -> Alarm:
    """Alarm when the share of rejected records (validator's EMF: rejected / records) passes the threshold.

    Periods without records count as 0, so a quiet pipeline does not alarm.
    """

    def own(query_id: str, metric_name: str) -> MetricDataQuery:
        metric = Metric(
            Namespace=metrics.NAMESPACE,
            MetricName=metric_name,
            Dimensions=[MetricDimension(Name=metrics.FUNCTION_DIMENSION, Value=Ref(validator))],
        )
        stat = MetricStat(Metric=metric, Period=ALARM_PERIOD_SECONDS, Stat="Sum")
        return MetricDataQuery(Id=query_id, MetricStat=stat, ReturnData=False)

    return Alarm(
        ids.REJECTION_RATIO_ALARM,
        AlarmDescription="The share of rejected records passed RejectionRatioAlarmThreshold: see the "
        "dashboard's rejection reasons and `sales-pipeline review summary`.",
        Metrics=[
            own("records", metrics.RECORDS),
            own("rejected", metrics.REJECTED_RECORDS),
            MetricDataQuery(
                Id="ratio",
                Expression="IF(FILL(records, 0) > 0, FILL(rejected, 0) / FILL(records, 0), 0)",
                Label="rejected / records",
                ReturnData=True,
            ),
        ],
        EvaluationPeriods=1,
        Threshold=Ref(threshold),
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="notBreaching",
        **_notify(actions),
    )


def pipeline_dashboard(
    *,
    validator: Function,
    orders_table: Table,
    review_queue: Queue,
    dead_letter_queue: Queue,
    state_machine: StateMachine,
    small_file_state_machine: StateMachine,
    watchdog: Function,
) -> Dashboard:
    """The pipeline's health on one page (resources/dashboard.py); CloudFormation names it."""
    variables = {
        dashboard.VALIDATOR: Ref(validator),
        dashboard.ORDERS_TABLE: Ref(orders_table),
        dashboard.REVIEW_QUEUE: GetAtt(review_queue, "QueueName"),
        dashboard.DEAD_LETTER_QUEUE: GetAtt(dead_letter_queue, "QueueName"),
        dashboard.STATE_MACHINE: Ref(state_machine),
        dashboard.SMALL_FILE_STATE_MACHINE: Ref(small_file_state_machine),
        dashboard.WATCHDOG: Ref(watchdog),
    }
    return Dashboard(ids.DASHBOARD, DashboardBody=Sub(dashboard.body_text(), **variables))


def dashboard_url(dashboard_resource: Dashboard) -> Sub:
    """The dashboard's console address in the stack's partition and region."""
    return Sub(
        "https://${Console}/cloudwatch/home?region=${AWS::Region}#dashboards/dashboard/${Dashboard}",
        Console=FindInMap(CONSOLE_MAPPING, Ref("AWS::Partition"), CONSOLE_DOMAIN),
        Dashboard=Ref(dashboard_resource),
    )


# The AWS Management Console's domain per partition (Mappings: nothing partition-specific literal
# in a value the stack computes for one partition).
CONSOLE_MAPPING = "PartitionConsole"
CONSOLE_DOMAIN = "Domain"
CONSOLE_DOMAINS = {
    "aws": {CONSOLE_DOMAIN: "console.aws.amazon.com"},
    "aws-cn": {CONSOLE_DOMAIN: "console.amazonaws.cn"},
    "aws-us-gov": {CONSOLE_DOMAIN: "console.amazonaws-us-gov.com"},
}


def _notify(actions: AWSHelperFn) -> dict[str, object]:
    # OKActions too: whoever was told of the alarm learns that it cleared.
    return {"AlarmActions": actions, "OKActions": actions}
