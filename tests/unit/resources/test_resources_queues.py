"""ReviewQueue and its TLS-only policy, RuleDeadLetterQueue and the policy that lets only the rule send."""

from __future__ import annotations

from typing import Any

from cfn_helpers import arn_of, props, ref


def test_queues_are_encrypted_and_keep_messages_fourteen_days(resources: dict[str, Any]) -> None:
    # GIVEN both queues
    for name in ("ReviewQueue", "RuleDeadLetterQueue"):
        queue = props(resources, name)
        # THEN each uses SQS managed SSE, SQS's maximum retention, and no fixed name
        assert queue["SqsManagedSseEnabled"] is True
        assert queue["MessageRetentionPeriod"] == 1209600
        assert "QueueName" not in queue


def test_only_the_stacks_rules_may_send_dead_letters(resources: dict[str, Any]) -> None:
    # GIVEN the dead-letter queue's policy
    policy = props(resources, "RuleDeadLetterQueuePolicy")
    # THEN it is attached to the dead-letter queue
    assert policy["Queues"] == [ref("RuleDeadLetterQueue")]
    # AND its one statement lets EventBridge send, only on behalf of the two object-created rules and
    # the watchdog's two rules (its schedule and the STANDARD executions' status changes)
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Action"] == ["sqs:SendMessage"]
    assert statement["Resource"] == [arn_of("RuleDeadLetterQueue")]
    assert statement["Condition"] == {
        "ArnEquals": {
            "aws:SourceArn": [
                arn_of("ObjectCreatedRule"),
                arn_of("SmallFileRule"),
                arn_of("WatchdogScheduleRule"),
                arn_of("ExecutionEndedRule"),
            ]
        }
    }


def test_review_queue_refuses_every_request_without_tls(resources: dict[str, Any]) -> None:
    # GIVEN the review queue's policy
    policy = props(resources, "ReviewQueuePolicy")
    # THEN it is attached to the review queue
    assert policy["Queues"] == [ref("ReviewQueue")]
    # AND its one statement denies every action on it without TLS (review bodies hold record content)
    assert policy["PolicyDocument"]["Statement"] == [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": ["sqs:*"],
            "Resource": [arn_of("ReviewQueue")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]
