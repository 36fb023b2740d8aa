"""Review-queue reads and the S3 reads an export needs (claim checks, replay files)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from handlers.core.replay import origin_of, origin_problem
from handlers.seams.settings import CLAIM_SUFFIX, CLAIMS_PREFIX, REPLAY_PREFIX
from review.entries import loads
from review.errors import ReviewError

BATCH = 10  # SQS's maximum per ReceiveMessage / DeleteMessageBatch
# handlers/seams/model.py claim_key: `_pipeline/claims/<32 hex>/<pack number>.claims`.
_CLAIM_PACK_KEY = re.compile(re.escape(CLAIMS_PREFIX) + r"[0-9a-f]{32}/[0-9]+" + re.escape(CLAIM_SUFFIX))


def receive(sqs: Any, queue_url: str, *, visibility_timeout: int, wait_seconds: int) -> list[dict[str, Any]]:
    response = sqs.receive_message(
        QueueUrl=queue_url,
        MaxNumberOfMessages=BATCH,
        VisibilityTimeout=visibility_timeout,
        WaitTimeSeconds=wait_seconds,
        MessageAttributeNames=["All"],
    )
    messages: list[dict[str, Any]] = response.get("Messages", [])
    return messages


def drain(
    sqs: Any, queue_url: str, *, visibility_timeout: int, wait_seconds: int
) -> Iterator[list[dict[str, Any]]]:
    """Batches of received messages until two receives in a row return none (one may miss some)."""
    empty = 0
    while empty < 2:
        batch = receive(sqs, queue_url, visibility_timeout=visibility_timeout, wait_seconds=wait_seconds)
        empty = 0 if batch else empty + 1
        if batch:
            yield batch


def approximate_counts(sqs: Any, queue_url: str) -> tuple[int, int]:
    """(visible, in flight) as SQS estimates them."""
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=names)["Attributes"]
    return int(attributes.get(names[0], 0)), int(attributes.get(names[1], 0))


def body_of(message: dict[str, Any]) -> dict[str, Any]:
    """The review message's JSON body (numbers exact); a body that is not JSON is kept as text."""
    try:
        body = loads(message["Body"])
    except ValueError:
        return {"reason": None, "message": "the message body is not JSON", "body_text": message["Body"]}
    return body if isinstance(body, dict) else {"reason": None, "body_text": message["Body"]}


class NotOwned(ReviewError):
    """A message names an object the stack does not own: reported, never fetched."""


class S3Reader:
    """Claim-check ranges and replay files, each read at the version it names (replay files cached).

    Only what the stack owns is read: anyone who may send to the review queue could
    otherwise make an export copy any object the operator can read (and `replay` upload it). Claim packs
    must be `_pipeline/claims/*.claims` in the stack's bucket, replay files `replay/*` in it.
    """

    def __init__(self, s3: Any, *, bucket: str) -> None:
        self.s3 = s3
        self.bucket = bucket
        self._replay_lines: dict[tuple[str, str, str | None], list[str]] = {}

    def claim(self, pointer: dict[str, Any]) -> bytes:
        bucket, key = pointer.get("bucket"), pointer.get("key")
        if bucket != self.bucket or not isinstance(key, str):
            raise NotOwned("the claim check names another bucket than the stack's: not fetched")
        if not _CLAIM_PACK_KEY.fullmatch(key):
            raise NotOwned("the claim check is not a claim pack of the stack: not fetched")
        offset, length = int(pointer["offset"]), int(pointer["length"])
        request: dict[str, Any] = {
            "Bucket": pointer["bucket"],
            "Key": pointer["key"],
            "Range": f"bytes={offset}-{offset + length - 1}",
        }
        if pointer.get("version_id"):
            request["VersionId"] = pointer["version_id"]
        body: bytes = self.s3.get_object(**request)["Body"].read()
        if len(body) != length:
            raise ReviewError("the claim pack is shorter than the pointer's range")
        return body

    def replay_origin(self, source: dict[str, Any], line: int | None) -> dict[str, Any] | None:
        """The first origin of a record rejected again from a replay file: its replay line's origin
        (None when that line's origin is not one the validator stores). NotOwned for a source that is
        not a replay file of the stack's bucket."""
        place = (str(source["bucket"]), str(source["key"]), source.get("version_id"))
        if place[0] != self.bucket or not place[1].startswith(REPLAY_PREFIX):
            raise NotOwned("the review names a replay file outside the stack's replay/ prefix: not fetched")
        if place not in self._replay_lines:
            request = {"Bucket": place[0], "Key": place[1]}
            if place[2]:
                request["VersionId"] = place[2]
            try:
                text = self.s3.get_object(**request)["Body"].read().decode("utf-8", "replace")
            except Exception:
                text = ""  # gone: the replay file itself is the origin
            self._replay_lines[place] = text.split("\n")
        lines = self._replay_lines[place]
        if line is None or not 0 < line <= len(lines):
            return None
        try:
            first = origin_of(loads(lines[line - 1]))
        except ValueError:
            return None
        if (
            first is None
            or origin_problem(
                first, {"bucket": self.bucket, "key": place[1], "version_id": place[2], "etag": None}
            )
            is not None
        ):
            return None  # a bad origin is not copied into the operator's next replay
        return first
