"""The review queue and the rule target's dead-letter queue."""

from __future__ import annotations

from awacs.aws import Allow, Condition, PolicyDocument, Principal, Statement
from awacs.aws import ArnEquals as ArnEqualsCondition
from awacs.sqs import SendMessage
from troposphere import GetAtt, Ref
from troposphere.events import Rule
from troposphere.sqs import Queue, QueuePolicy

from resources import ids
from resources.policies import deny_insecure_transport
from resources.skips import checkov_skips

# SQS's maximum: a reviewer has 14 days to act on a message.
RETENTION_SECONDS = 14 * 24 * 60 * 60


def _encrypted_queue(logical_id: str) -> Queue:
    """SQS-managed encryption, the maximum retention, deleted with the stack."""
    return Queue(
        logical_id,
        DeletionPolicy="Delete",
        UpdateReplacePolicy="Delete",
        Metadata=checkov_skips("CKV_AWS_27"),
        SqsManagedSseEnabled=True,
        MessageRetentionPeriod=RETENTION_SECONDS,
    )


def review_queue() -> Queue:
    """Rejected records and files, one JSON review message each (docs/reference.md "Review messages")."""
    return _encrypted_queue(ids.REVIEW_QUEUE)


def review_queue_policy(*, queue: Queue) -> QueuePolicy:
    """Deny every request to the review queue that does not use TLS (review bodies hold record content)."""
    return QueuePolicy(
        ids.REVIEW_QUEUE_POLICY,
        Queues=[Ref(queue)],
        PolicyDocument=PolicyDocument(
            Version="2012-10-17",
            Statement=[deny_insecure_transport("sqs", [GetAtt(queue, "Arn")])],
        ),
    )


def rule_dead_letter_queue() -> Queue:
    """Events the rule could not deliver to the state machine after its retry policy."""
    return _encrypted_queue(ids.RULE_DEAD_LETTER_QUEUE)


def rule_dead_letter_queue_policy(*, queue: Queue, rules: list[Rule]) -> QueuePolicy:
    """Let EventBridge send to the dead-letter queue, for these rules only."""
    return QueuePolicy(
        ids.RULE_DEAD_LETTER_QUEUE_POLICY,
        Queues=[Ref(queue)],
        PolicyDocument=PolicyDocument(
            Version="2012-10-17",
            Statement=[
                Statement(
                    Sid="AllowObjectCreatedRuleDeadLetters",
                    Effect=Allow,
                    Principal=Principal("Service", "events.amazonaws.com"),
                    Action=[SendMessage],
                    Resource=[GetAtt(queue, "Arn")],
                    Condition=Condition(
                        ArnEqualsCondition("aws:SourceArn", [GetAtt(rule, "Arn") for rule in rules])
                    ),
                )
            ],
        ),
    )
