"""Where the alarms go: an existing topic (AlarmTopicArn), and/or a topic the stack creates for AlarmEmail.

The created topic is encrypted with its own KMS key: CloudWatch cannot publish to a topic encrypted with
the AWS managed key aws/sns (its key policy cannot grant CloudWatch), so the key policy grants
cloudwatch.amazonaws.com exactly what publishing needs, for this account's alarms only.
"""

from __future__ import annotations

from awacs import kms
from awacs.aws import Allow, Condition, PolicyDocument, Principal, Statement, StringEquals
from troposphere import AWSHelperFn, If, NoValue, Ref, Sub
from troposphere.kms import Key
from troposphere.sns import SubscriptionResource, Topic

from resources import ids
from resources.parameters import PipelineParameters

POLICY_VERSION = "2012-10-17"


def alarm_topic_key() -> Key:
    """The alarm topic's key: the account administers it (AWS's default key policy statement, without
    which no IAM policy could grant the key), CloudWatch alarms of this account encrypt with it."""
    account_root = Principal("AWS", Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root"))
    return Key(
        ids.ALARM_TOPIC_KEY,
        Condition=ids.HAS_ALARM_EMAIL,
        Description="Encrypts the sales pipeline's alarm notifications (AlarmTopic).",
        EnableKeyRotation=True,
        DeletionPolicy="Delete",
        UpdateReplacePolicy="Delete",
        PendingWindowInDays=7,
        KeyPolicy=PolicyDocument(
            Version=POLICY_VERSION,
            Statement=[
                Statement(
                    Sid="AccountAdministersKey",
                    Effect=Allow,
                    Principal=account_root,
                    Action=[kms.Action("*")],
                    Resource=["*"],
                ),
                Statement(
                    Sid="CloudWatchAlarmsPublish",
                    Effect=Allow,
                    Principal=Principal("Service", "cloudwatch.amazonaws.com"),
                    Action=[kms.Decrypt, kms.GenerateDataKey],
                    Resource=["*"],
                    Condition=Condition(StringEquals("aws:SourceAccount", Ref("AWS::AccountId"))),
                ),
            ],
        ),
    )


def alarm_topic(*, key: Key) -> Topic:
    """The topic every alarm notifies when AlarmEmail is set; CloudFormation names it."""
    return Topic(
        ids.ALARM_TOPIC,
        Condition=ids.HAS_ALARM_EMAIL,
        DisplayName="Sales pipeline alarms",
        KmsMasterKeyId=Ref(key),
    )


def alarm_email_subscription(*, topic: Topic, parameters: PipelineParameters) -> SubscriptionResource:
    """AlarmEmail subscribed to the topic (AWS mails a confirmation link first)."""
    return SubscriptionResource(
        ids.ALARM_EMAIL_SUBSCRIPTION,
        Condition=ids.HAS_ALARM_EMAIL,
        Protocol="email",
        Endpoint=Ref(parameters.alarm_email),
        TopicArn=Ref(topic),
    )


def alarm_actions(*, topic: Topic, parameters: PipelineParameters) -> AWSHelperFn:
    """An alarm's AlarmActions/OKActions: the given topic, the created topic, both, or none."""
    given, created = Ref(parameters.alarm_topic_arn), Ref(topic)
    return If(
        ids.HAS_ALARM_TOPIC,
        If(ids.HAS_ALARM_EMAIL, [given, created], [given]),
        If(ids.HAS_ALARM_EMAIL, [created], NoValue),
    )
