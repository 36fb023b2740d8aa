"""Log groups, alarms and the dashboard."""

from __future__ import annotations

from troposphere import GetAtt, If, NoValue, Parameter, Ref, Sub
from troposphere.awslambda import Function
from troposphere.cloudwatch import Alarm, Dashboard, Metric, MetricDataQuery, MetricDimension, MetricStat
from troposphere.dynamodb import Table
from troposphere.logs import LogGroup
from troposphere.sqs import Queue
from troposphere.stepfunctions import StateMachine

from handlers import metrics
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


def queue_not_empty_alarm(title: str, *, queue: Queue, description: str, alarm_topic_arn: Parameter) -> Alarm:
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
        **_alarm_actions(alarm_topic_arn=alarm_topic_arn),
    )


def executions_failed_alarm(
    *, state_machine: StateMachine, alarm_topic_arn: Parameter, title: str = ids.STATE_MACHINE_FAILED_ALARM
) -> Alarm:
    """Alarm when any execution of the state machine fails (a permanent error ends in a Fail state)."""
    return Alarm(
        title,
        AlarmDescription="A pipeline execution failed: see the state machine's execution history.",
        Namespace="AWS/States",
        MetricName="ExecutionsFailed",
        Dimensions=[MetricDimension(Name="StateMachineArn", Value=Ref(state_machine))],
        Statistic="Sum",
        Period=ALARM_PERIOD_SECONDS,
        EvaluationPeriods=1,
        Threshold=0,
        ComparisonOperator="GreaterThanThreshold",
        TreatMissingData="notBreaching",
        **_alarm_actions(alarm_topic_arn=alarm_topic_arn),
    )


def rejection_ratio_alarm(*, validator: Function, threshold: Parameter, alarm_topic_arn: Parameter) -> Alarm:
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
        "dashboard's rejection reasons and `python -m review summary`.",
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
        **_alarm_actions(alarm_topic_arn=alarm_topic_arn),
    )


def pipeline_dashboard(
    *,
    validator: Function,
    orders_table: Table,
    review_queue: Queue,
    dead_letter_queue: Queue,
    state_machine: StateMachine,
) -> Dashboard:
    """The pipeline's health on one page (resources/dashboard.py); CloudFormation names it."""
    variables = {
        dashboard.VALIDATOR: Ref(validator),
        dashboard.ORDERS_TABLE: Ref(orders_table),
        dashboard.REVIEW_QUEUE: GetAtt(review_queue, "QueueName"),
        dashboard.DEAD_LETTER_QUEUE: GetAtt(dead_letter_queue, "QueueName"),
        dashboard.STATE_MACHINE: Ref(state_machine),
    }
    return Dashboard(ids.DASHBOARD, DashboardBody=Sub(dashboard.body_text(), **variables))


def _alarm_actions(*, alarm_topic_arn: Parameter) -> dict[str, object]:
    actions = If(ids.HAS_ALARM_TOPIC, [Ref(alarm_topic_arn)], NoValue)
    return {"AlarmActions": actions, "OKActions": actions}
