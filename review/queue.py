"""Review-queue reads and the S3 reads an export needs (claim checks, replay files)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from handlers.replay import origin_of
from review.entries import loads
from review.errors import ReviewError

BATCH = 10  # SQS's maximum per ReceiveMessage / DeleteMessageBatch


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


class S3Reader:
    """Claim-check ranges and replay files, each read at the version it names (replay files cached)."""

    def __init__(self, s3: Any) -> None:
        self.s3 = s3
        self._replay_lines: dict[tuple[str, str, str | None], list[str]] = {}

    def claim(self, pointer: dict[str, Any]) -> bytes:
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
        """The first origin of a record rejected again from a replay file: its replay line's origin."""
        place = (str(source["bucket"]), str(source["key"]), source.get("version_id"))
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
            return origin_of(loads(lines[line - 1]))
        except ValueError:
            return None
