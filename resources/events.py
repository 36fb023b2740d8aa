"""The EventBridge rule that starts the state machine for each uploaded file."""

from __future__ import annotations

from troposphere import GetAtt, Ref
from troposphere.events import DeadLetterConfig, RetryPolicy, Rule, Target
from troposphere.iam import PolicyType, Role
from troposphere.s3 import Bucket
from troposphere.sqs import Queue
from troposphere.stepfunctions import StateMachine

from handlers.seams.settings import ACCEPTED_SUFFIXES, SMALL_FILE_MAX_BYTES
from resources import ids

# EventBridge's maximums: keep retrying a throttled or failing StartExecution for a day, then dead-letter.
MAXIMUM_EVENT_AGE_SECONDS = 24 * 60 * 60
MAXIMUM_RETRY_ATTEMPTS = 185
LANE_SMALL = "small"
LANE_LARGE = "large"


def object_created_pattern(*, bucket: Bucket, lane: str | None = None) -> dict[str, object]:
    """Object Created events of this bucket whose key ends in an accepted suffix; with `lane`, only
    those of that lane's sizes (LANE_SMALL: at most SMALL_FILE_MAX_BYTES; LANE_LARGE: larger, or an
    event without a size). The two lanes' patterns match complementary sets of events.

    The working prefix is excluded by construction, not by the pattern: EventBridge cannot AND a
    `suffix` with an `anything-but: {prefix}` on the same field (detail.object.key), and the
    pipeline's own objects under _pipeline/ never end in an accepted suffix (docs/seams.md:
    `batches.manifest`, `<index>.record`). The state machine skips the prefix as a second guard.
    """
    found: dict[str, object] = {
        # Case-insensitive: ORDERS.JSON is a sales file too.
        "key": [{"suffix": {"equals-ignore-case": suffix}} for suffix in ACCEPTED_SUFFIXES],
    }
    if lane == LANE_SMALL:
        found["size"] = [{"numeric": ["<=", SMALL_FILE_MAX_BYTES]}]
    elif lane == LANE_LARGE:
        # `size` is the object's stored size (bytes) in S3's event; an event without it is large.
        found["$or"] = [
            {"size": [{"numeric": [">", SMALL_FILE_MAX_BYTES]}]},
            {"size": [{"exists": False}]},
        ]
    return {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {"bucket": {"name": [Ref(bucket)]}, "object": found},
    }


def object_created_rule(
    *,
    bucket: Bucket,
    state_machine: StateMachine,
    role: Role,
    dead_letter_queue: Queue,
    depends_on: list[PolicyType],
    lane: str = LANE_LARGE,
) -> Rule:
    """Start one execution per event of this `lane`'s sizes; undeliverable events go to the
    dead-letter queue. ObjectCreatedRule starts the large-file machine, SmallFileRule the small one.

    depends_on: the state machine's own policies, so no execution starts before they are attached.
    """
    small = lane == LANE_SMALL
    return Rule(
        ids.SMALL_FILE_RULE if small else ids.OBJECT_CREATED_RULE,
        DependsOn=depends_on,
        Description=(
            f"Starts the sales-order pipeline's small-file lane for each order file of at most "
            f"{SMALL_FILE_MAX_BYTES} bytes."
            if small
            else "Starts the sales-order pipeline for each uploaded order file larger than "
            f"{SMALL_FILE_MAX_BYTES} bytes (or of unknown size)."
        ),
        State="ENABLED",
        EventPattern=object_created_pattern(bucket=bucket, lane=lane),
        Targets=[
            Target(
                Id=ids.SMALL_FILE_STATE_MACHINE_TARGET_ID if small else ids.STATE_MACHINE_TARGET_ID,
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
