"""Lambda's limits in the in-process runner (emulator/lambda_runner.py): timeout, memory, a crash.

Failure classes (the memory bound, the emulator's DynamoDB fidelity): a validator that needs more memory than
its MemorySize,
or more time than its Timeout, is killed on AWS (the file FAILS on every retry) while the runner,
before this change, let it finish and succeed; a handler killed part-way leaves some writes done
and the rest never made, which the pipeline must survive. Each killed case here returned a result
before the change (nothing was enforced).
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Iterator

import pytest

from emulator import DeployedStack, faults
from emulator.lambda_runner import RUNTIME_BASELINE_MB, LambdaContext, invoke

HANDLER = """
import os
import time

import boto3
from botocore.config import Config


def handler(event, context):
    if event.get("allocate_mb"):
        block = bytearray(event["allocate_mb"] * 2**20)
        return {"allocated": len(block)}
    if event.get("busy_seconds"):
        time.sleep(event["busy_seconds"])
        return {"left": context.get_remaining_time_in_millis()}
    if event.get("objects"):
        retries = {"mode": "standard", "max_attempts": event.get("attempts", 3)}
        s3 = boto3.client("s3", config=Config(retries=retries))
        for number in range(event["objects"]):
            s3.put_object(Bucket=event["bucket"], Key=f"{event['prefix']}/{number}", Body=b"part")
        return {"written": event["objects"]}
    return {"left": context.get_remaining_time_in_millis()}
"""


@pytest.fixture
def no_faults() -> Iterator[None]:
    yield
    faults.configure(faults.FaultConfig())


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", HANDLER)
    return buffer.getvalue()


def _invoke(event: dict[str, object], *, memory: int = 256, timeout: float = 3.0, endpoint: str = "") -> dict:
    environment = {"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"}
    if endpoint:
        environment |= {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "emulator",
            "AWS_SECRET_ACCESS_KEY": "emulator",
        }
    context = LambdaContext(
        function_name="limits",
        function_version="$LATEST",
        invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:limits",
        memory_limit_in_mb=memory,
        timeout_seconds=timeout,
        log_group_name="/aws/lambda/limits",
    )
    result = invoke(
        code=_zip(),
        code_sha="limits-v1",
        handler="app.handler",
        environment=environment,
        event=event,
        context=context,
    )
    payload: dict = json.loads(result.payload)
    assert result.errored == ("errorType" in payload)
    return payload


def test_memory_over_the_configured_size_is_out_of_memory(no_faults: None) -> None:
    """256 MB: 100 MB allocated fits (with the runtime's baseline); 200 MB does not."""
    assert _invoke({"allocate_mb": 100}) == {"allocated": 100 * 2**20}
    killed = _invoke({"allocate_mb": 256 - RUNTIME_BASELINE_MB + 20})
    assert killed["errorType"] == "Runtime.OutOfMemory"
    assert "MemorySize 256 MB" in killed["errorMessage"]
    assert faults.limits() == {faults.LAMBDA_OUT_OF_MEMORY: 1}


def test_a_run_past_the_timeout_is_timed_out(no_faults: None) -> None:
    """Timeout 0.2 s: a handler busy for 0.5 s is ended as Lambda ends it."""
    killed = _invoke({"busy_seconds": 0.5}, timeout=0.2)
    assert killed["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 0.20 seconds" in killed["errorMessage"]
    assert _invoke({}, timeout=3.0)["left"] > 2000


def test_sdk_retry_waits_count_toward_the_timeout_without_being_slept(
    fixture_stack: DeployedStack, no_faults: None
) -> None:
    """Every S3 call throttled: botocore's retry waits (standard mode, 20 attempts: about a minute
    of jittered backoff) advance the invocation's emulated clock, so a 10 s Timeout ends it, and
    the test does not wait for them."""
    faults.configure(faults.FaultConfig(rate=1.0, kinds=frozenset({"s3.throttle"})))
    event = {
        "objects": 1,
        "bucket": fixture_stack.output("BucketName"),
        "prefix": "throttled",
        "attempts": 20,
    }
    killed = _invoke(event, timeout=10.0, endpoint=fixture_stack.clients.s3.meta.endpoint_url)
    assert killed["errorType"] == "Sandbox.Timedout"
    assert faults.injected()["s3.throttle"] >= 2


def test_a_crash_part_way_leaves_the_writes_before_it(fixture_stack: DeployedStack, no_faults: None) -> None:
    """A crashed invocation wrote a prefix of its objects (none after the crash) and reports
    Runtime.ExitError; over a few seeds, some crash before their last write."""
    bucket = fixture_stack.output("BucketName")
    endpoint = fixture_stack.clients.s3.meta.endpoint_url
    written = []
    for seed in range(6):
        faults.configure(faults.FaultConfig(rate=1.0, seed=seed, kinds=frozenset({faults.LAMBDA_CRASH})))
        prefix = f"crash-{uuid.uuid4().hex[:8]}"
        killed = _invoke({"objects": 5, "bucket": bucket, "prefix": prefix}, endpoint=endpoint)
        assert killed["errorType"] == "Runtime.ExitError"
        listed = fixture_stack.clients.s3.list_objects_v2(Bucket=bucket, Prefix=prefix + "/").get(
            "Contents", []
        )
        keys = sorted(o["Key"] for o in listed)
        assert keys == [f"{prefix}/{n}" for n in range(len(keys))]
        written.append(len(keys))
    assert min(written) < 5, written
