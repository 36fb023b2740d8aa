"""The deployed stack: its outputs (bucket, review queue, file ledger) and boto3 clients for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import ClientError

from resources.outputs import BUCKET_NAME, FILE_LEDGER_TABLE_NAME, REVIEW_QUEUE_URL
from review.errors import ReviewError

# The stack outputs `review` needs (resources/outputs.py declares every output).
OUTPUTS = (BUCKET_NAME, REVIEW_QUEUE_URL, FILE_LEDGER_TABLE_NAME)


@dataclass(frozen=True)
class Aws:
    """boto3 clients from the AWS CLI's credential chain: `profile` (or AWS_PROFILE), `region`, and
    `endpoint_url` (or AWS_ENDPOINT_URL) for an emulator. An unknown profile raises ProfileNotFound."""

    region: str | None = None
    endpoint_url: str | None = None
    profile: str | None = None

    def client(self, service: str) -> Any:
        session = boto3.session.Session(profile_name=self.profile, region_name=self.region)
        return session.client(service, endpoint_url=self.endpoint_url)


@dataclass(frozen=True)
class Stack:
    name: str
    bucket: str
    queue_url: str
    ledger_table: str


def find_stack(aws: Aws, name: str) -> Stack:
    """The stack's outputs; a one-line ReviewError when the stack or an output is missing."""
    try:
        stacks = aws.client("cloudformation").describe_stacks(StackName=name)["Stacks"]
    except ClientError as error:
        if "does not exist" in str(error):
            raise ReviewError(f"stack {name!r} not found (name it with --stack)") from error
        raise
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}
    missing = [key for key in OUTPUTS if key not in outputs]
    if missing:
        raise ReviewError(f"stack {name!r} has no output {missing[0]} (is it a sales-pipeline stack?)")
    return Stack(name, outputs[BUCKET_NAME], outputs[REVIEW_QUEUE_URL], outputs[FILE_LEDGER_TABLE_NAME])
