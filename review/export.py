"""`review export`: move review messages into a JSON Lines file without ever losing one.

Each batch is appended, flushed and fsynced BEFORE its messages are deleted; a crash between the two
leaves the messages in the queue (visible again after the visibility timeout), so a re-run appends them
again: duplicates are possible, losses are not. The file is only ever appended to.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from handlers.values.jsontext import dumps
from review.entries import export_line
from review.errors import ReviewError
from review.queue import S3Reader, body_of, drain
from review.summary import release
from review.words import count

PROGRESS_EVERY = 100


def fsync_directory(directory: Path) -> None:
    """Make a new directory entry durable: a file's own fsync does not persist its name (POSIX)."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def open_for_append(path: Path) -> BinaryIO:
    """Append; a torn last line (a crash mid-write) is ended first so the next line stays whole. A new
    file's directory is fsynced, so the messages deleted after their lines' fsync are never in a file
    a crash could leave nameless."""
    existed = path.exists()
    handle = path.open("ab")
    if not existed:
        fsync_directory(path.absolute().parent)
    if handle.tell() > 0:
        with path.open("rb") as existing:
            existing.seek(-1, os.SEEK_END)
            if existing.read(1) != b"\n":
                handle.write(b"\n")
    return handle


def write_durably(handle: BinaryIO, lines: list[dict[str, Any]]) -> None:
    handle.write(b"".join(dumps(line).encode("ascii") + b"\n" for line in lines))
    handle.flush()
    os.fsync(handle.fileno())


def delete_batch(sqs: Any, queue_url: str, messages: list[dict[str, Any]]) -> int:
    """Delete messages already on disk; returns how many SQS did not delete (they will be exported again)."""
    entries = [{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(messages)]
    failed = sqs.delete_message_batch(QueueUrl=queue_url, Entries=entries).get("Failed", [])
    return len(failed)


def export(
    *,
    sqs: Any,
    s3: Any,
    queue_url: str,
    bucket: str,
    out: Path,
    visibility_timeout: int,
    wait_seconds: int,
    limit: int | None,
    keep: bool = False,
) -> int:
    """Export until the queue is empty (or `limit` messages); returns how many were written. Claim checks
    and replay files are read only from the stack's `bucket` (review/queue.py S3Reader).

    `keep`: nothing is deleted; the exported messages stay hidden until the export ends, then are made
    visible again (an interrupted export's come back after `visibility_timeout`).
    """
    if out.is_dir():
        raise ReviewError(f"{out} is a directory")
    reader = S3Reader(s3, bucket=bucket)
    written = not_deleted = 0
    kept: list[str] = []
    with open_for_append(out) as handle, _released(sqs, queue_url, kept):
        for batch in drain(sqs, queue_url, visibility_timeout=visibility_timeout, wait_seconds=wait_seconds):
            lines = [
                export_line(
                    m["MessageId"], body_of(m), fetch=reader.claim, replay_origin=reader.replay_origin
                )
                for m in batch
            ]
            write_durably(handle, lines)
            if keep:
                kept += [m["ReceiptHandle"] for m in batch]
            else:
                not_deleted += delete_batch(sqs, queue_url, batch)
            before, written = written, written + len(lines)
            if written // PROGRESS_EVERY > before // PROGRESS_EVERY:
                print(f"exported {count(written, 'message')} ...", file=sys.stderr, flush=True)
            if limit is not None and written >= limit:
                break
    kept_note = " (kept in the queue)" if keep else ""
    print(f"exported {count(written, 'message')} to {out}{kept_note}", file=sys.stderr)
    if not_deleted:
        print(
            f"{count(not_deleted, 'message')} not deleted: still in the queue (exported again next time)",
            file=sys.stderr,
        )
    return written


@contextmanager
def _released(sqs: Any, queue_url: str, handles: list[str]) -> Iterator[None]:
    """Make the messages of `handles` (filled while the block runs) visible again when it ends."""
    try:
        yield
    finally:
        if handles:
            release(sqs, queue_url, handles)
