"""`review export` killed between writing a batch and deleting it: a re-run loses no message."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import emulator
from emulator import Clients
from review.export import export

REPO_ROOT = Path(__file__).resolve().parents[2]
# Runs the real export in a child process whose second delete kills the process instead: the batch is
# on disk (flushed, fsynced) and still in the queue.
DRIVER = """
import os, signal, sys
from pathlib import Path
import boto3
from review import export as module

real_delete, calls = module.delete_batch, []
def delete_then_die(sqs, queue_url, messages):
    calls.append(1)
    if len(calls) == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return real_delete(sqs, queue_url, messages)
module.delete_batch = delete_then_die
module.export(sqs=boto3.client("sqs"), s3=boto3.client("s3"), queue_url=sys.argv[1], bucket="b",
              out=Path(sys.argv[2]), visibility_timeout=1, wait_seconds=0, limit=None)
"""


def _review(index: int) -> str:
    source = {"bucket": "b", "key": "f.jsonl", "version_id": "v"}
    return json.dumps(
        {"schema": "sales-pipeline.review/2", "reason": "missing_order_id", "message": "m",
         "file_rejected": False, "source": source, "record_index": index, "line": index + 1,
         "order_id": None, "record": {"n": index}, "record_item": None, "record_pointer": None,
         "rejections": None, "minimal": False}
    )  # fmt: skip


def test_a_kill_after_fsync_before_delete_loses_nothing(tmp_path: Path) -> None:
    # GIVEN a queue of 25 review messages
    server = emulator.shared_server()
    clients = Clients.for_endpoint(server.endpoint_url)
    queue_url = clients.sqs.create_queue(QueueName=f"review-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    sent = set()
    for start in range(0, 25, 10):
        entries = [{"Id": str(i), "MessageBody": _review(i)} for i in range(start, min(start + 10, 25))]
        response = clients.sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
        sent |= {ok["MessageId"] for ok in response["Successful"]}
    out = tmp_path / "review.jsonl"

    # WHEN an export is killed after its second batch is on disk and before that batch is deleted
    environment = {**os.environ, "AWS_ENDPOINT_URL": server.endpoint_url, "PYTHONPATH": str(REPO_ROOT)}
    child = subprocess.run(
        [sys.executable, "-c", DRIVER, queue_url, str(out)],
        env=environment, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    written = [json.loads(line)["message_id"] for line in out.read_text().splitlines()]
    assert len(written) == 20  # two batches written, only the first deleted

    # THEN a re-run (once the killed batch is visible again) appends the rest, and every message is there
    time.sleep(1.5)
    export(sqs=clients.sqs, s3=clients.s3, queue_url=queue_url, bucket="b", out=out, visibility_timeout=30,
           wait_seconds=0, limit=None)  # fmt: skip
    exported = [json.loads(line)["message_id"] for line in out.read_text().splitlines()]
    assert set(exported) == sent
    assert len(exported) == 35  # the killed batch twice: a duplicate, never a loss
    assert "Messages" not in clients.sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=0)


def test_a_torn_last_line_is_ended_before_appending(tmp_path: Path) -> None:
    from review.export import open_for_append

    out = tmp_path / "review.jsonl"
    out.write_bytes(b'{"complete": 1}\n{"torn')
    with open_for_append(out) as handle:
        handle.write(b'{"next": 2}\n')
    assert out.read_bytes().split(b"\n") == [b'{"complete": 1}', b'{"torn', b'{"next": 2}', b""]
