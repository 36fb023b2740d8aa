"""The EventBridge rule that starts the state machine for each uploaded file."""

from __future__ import annotations

from troposphere import GetAtt, Ref
from troposphere.events import DeadLetterConfig, RetryPolicy, Rule, Target
from troposphere.iam import PolicyType, Role
from troposphere.s3 import Bucket
from troposphere.sqs import Queue
from troposphere.stepfunctions import StateMachine

from handlers.contract import ACCEPTED_SUFFIXES
from resources import ids

# EventBridge's maximums: keep retrying a throttled or failing StartExecution for a day, then dead-letter.
MAXIMUM_EVENT_AGE_SECONDS = 24 * 60 * 60
MAXIMUM_RETRY_ATTEMPTS = 185


def object_created_pattern(*, bucket: Bucket) -> dict[str, object]:
    """Object Created events of this bucket whose key ends in an accepted suffix.

    The working prefix is excluded by construction, not by the pattern: EventBridge cannot AND a
    `suffix` with an `anything-but: {prefix}` on the same field (detail.object.key), and the
    pipeline's own objects under _pipeline/ never end in an accepted suffix (docs/CONTRACT.md:
    `batches.manifest`, `<index>.record`). The state machine skips the prefix as a second guard.
    """
    return {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {
            "bucket": {"name": [Ref(bucket)]},
            # Case-insensitive: ORDERS.JSON is a sales file too.
            "object": {"key": [{"suffix": {"equals-ignore-case": suffix}} for suffix in ACCEPTED_SUFFIXES]},
        },
    }


def object_created_rule(
    *,
    bucket: Bucket,
    state_machine: StateMachine,
    role: Role,
    dead_letter_queue: Queue,
    depends_on: list[PolicyType],
) -> Rule:
    """Start one execution per event; undeliverable events go to the dead-letter queue.

    depends_on: the state machine's own policies, so no execution starts before they are attached.
    """
    return Rule(
        ids.OBJECT_CREATED_RULE,
        DependsOn=depends_on,
        Description="Starts the sales-order pipeline for each uploaded order file.",
        State="ENABLED",
        EventPattern=object_created_pattern(bucket=bucket),
        Targets=[
            Target(
                Id=ids.STATE_MACHINE_TARGET_ID,
                Arn=Ref(state_machine),
                RoleArn=GetAtt(role, "Arn"),
                RetryPolicy=RetryPolicy(
                    MaximumEventAgeInSeconds=MAXIMUM_EVENT_AGE_SECONDS,
                    MaximumRetryAttempts=MAXIMUM_RETRY_ATTEMPTS,
                ),
                DeadLetterConfig=DeadLetterConfig(Arn=GetAtt(dead_letter_queue, "Arn")),
            )
        ],
    )
