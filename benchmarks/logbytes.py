"""The CloudWatch Logs bytes of a Lambda invocation's output, as the Lambda runtime would write them.

The emulator captures each handler's output (emulator/lambda_runner.py) with a short logging prefix
(`[INFO] name: `). On AWS the functions use the JSON log format (resources/compute.py): the Python
runtime writes a logging record as one JSON object (awslambdaric's JsonFormatter: timestamp, level,
message, logger, requestId; `json.JSONEncoder(ensure_ascii=False)`, so ", " and ": " separators);
with the Text format it writes `[INFO]\\t<ISO time>\\t<request id>\\t<message>` (69 bytes of prefix).
Printed lines (the EMF documents) are JSON already and go out as they are ("Lambda doesn't
double-encode any logs that are already JSON encoded": https://docs.aws.amazon.com/lambda/latest/dg/
monitoring-cloudwatchlogs-logformat.html). Each line ends with a newline.

Lambda's own lines are not in the captured text: `system_log_bytes` gives them per invocation and per
cold start for the log format and the `LambdaSystemLogLevel` parameter (benchmarks/usage.py adds them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# `[LEVEL] logger.name: ` as emulator/lambda_runner.py formats a logging record.
_EMULATOR_PREFIX = re.compile(r"^\[(?P<level>[A-Z]+)\] (?P<logger>[\w.]+): ")
_TIME = "2026-12-06T05:30:00.123Z"
_REQUEST_ID = "8f5e1c52-3f0b-4f5e-9a3c-2d9d6b1e7a10"  # a request id's 36 characters
# `[INFO]\t2026-12-06T05:30:00.123Z\t` + a 36-character request id + `\t`.
AWS_PREFIX_BYTES = len("[INFO]\t") + len(_TIME + "\t") + len(_REQUEST_ID) + 1
TEXT = "Text"
JSON = "JSON"

# Lambda's own lines per invocation. Text: START, END and REPORT (~330 bytes; INIT_START and REPORT's
# "Init Duration" ~90 more on a cold start), whatever the level. JSON: each platform event is an object
# {"time", "type", "record"} (https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html);
# at INFO Lambda sends platform.start and platform.report per invocation (platform.initStart and
# platform.initReport on a cold start), at DEBUG also platform.runtimeDone, at WARN only warnings and
# errors (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html).
# The records below are the schema's fields with typical values: an estimate, not a capture.
_START = {"requestId": _REQUEST_ID, "version": "$LATEST"}
_REPORT = {
    "requestId": _REQUEST_ID,
    "metrics": {"durationMs": 52.17, "billedDurationMs": 53, "memorySizeMB": 1024, "maxMemoryUsedMB": 96},
    "status": "success",
}
_RUNTIME_DONE = {
    "requestId": _REQUEST_ID,
    "status": "success",
    "metrics": {"durationMs": 51.87, "producedBytes": 512},
    "spans": [{"name": "responseLatency", "start": _TIME, "durationMs": 51.2}],
}
_INIT_START = {
    "initializationType": "on-demand",
    "phase": "init",
    "runtimeVersion": "python:3.12.v70",
    "runtimeVersionArn": "arn:aws:lambda:us-east-1::runtime:" + "0" * 64,
    "functionName": "sales-pipeline-ValidatorFunction-0123456789AB",
    "functionVersion": "$LATEST",
}
_INIT_REPORT = {
    "initializationType": "on-demand",
    "phase": "init",
    "status": "success",
    "metrics": {"durationMs": 689.42},
}
TEXT_SYSTEM_BYTES = (330, 90)


def _event(kind: str, record: dict[str, Any]) -> int:
    return len(json.dumps({"time": _TIME, "type": kind, "record": record}, separators=(",", ":"))) + 1


def system_log_bytes(*, log_format: str, level: str) -> tuple[int, int]:
    """(bytes per invocation, extra bytes per cold start) of Lambda's own lines."""
    if log_format != JSON:
        return TEXT_SYSTEM_BYTES
    if level == "WARN":
        return 0, 0
    per_invocation = _event("platform.start", _START) + _event("platform.report", _REPORT)
    if level == "DEBUG":
        per_invocation += _event("platform.runtimeDone", _RUNTIME_DONE)
    cold_start = _event("platform.initStart", _INIT_START) + _event("platform.initReport", _INIT_REPORT)
    return per_invocation, cold_start


def _json_record(level: str, logger: str, message: str) -> str:
    """One logging record as awslambdaric's JsonFormatter writes it (no exception: no stack fields)."""
    return json.JSONEncoder(ensure_ascii=False).encode(
        {"timestamp": _TIME, "level": level, "message": message, "logger": logger, "requestId": _REQUEST_ID}
    )


def aws_log_bytes(text: str, *, log_format: str = JSON) -> int:
    """The bytes the runtime on AWS would ingest for the captured output `text`."""
    total = 0
    for line in text.splitlines():
        prefix = _EMULATOR_PREFIX.match(line)
        if not prefix:
            total += len(line.encode("utf-8")) + 1
            continue
        body = line[prefix.end() :]
        if log_format == JSON:
            total += len(_json_record(prefix["level"], prefix["logger"], body).encode("utf-8")) + 1
        else:
            total += AWS_PREFIX_BYTES + len(body.encode("utf-8")) + 1
    return total


@contextmanager
def lambda_logs() -> Iterator[list[str]]:
    """Every Lambda invocation's captured output text while inside (the emulator's in-process runner)."""
    from emulator import lambda_runner

    texts: list[str] = []
    real = lambda_runner.invoke

    def invoke(**kwargs: Any) -> Any:
        result = real(**kwargs)
        texts.append(result.logs)
        return result

    lambda_runner.invoke = invoke  # type: ignore[assignment]
    try:
        yield texts
    finally:
        lambda_runner.invoke = real  # type: ignore[assignment]
