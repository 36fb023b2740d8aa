"""The CloudWatch Logs bytes of a Lambda invocation's output, as the Lambda runtime would write them.

The emulator captures each handler's output (emulator/lambda_runner.py) with a short logging prefix
(`[INFO] name: `); the Python runtime on AWS writes `[INFO]\\t<ISO time>\\t<request id>\\t` instead
(69 bytes). Printed lines (the EMF documents) go out as they are. Each line ends with a newline. The
runtime's own START / END / REPORT lines are not in the captured text: benchmarks/usage.py adds them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# `[LEVEL] logger.name: ` as emulator/lambda_runner.py formats a logging record.
_EMULATOR_PREFIX = re.compile(r"^\[[A-Z]+\] [\w.]+: ")
# `[INFO]\t2026-12-06T05:30:00.123Z\t` + a 36-character request id + `\t`.
AWS_PREFIX_BYTES = len("[INFO]\t") + len("2026-12-06T05:30:00.123Z\t") + 36 + 1


def aws_log_bytes(text: str) -> int:
    """The bytes the runtime on AWS would ingest for the captured output `text`."""
    total = 0
    for line in text.splitlines():
        prefix = _EMULATOR_PREFIX.match(line)
        body = line[prefix.end() :] if prefix else line
        total += len(body.encode("utf-8")) + 1 + (AWS_PREFIX_BYTES if prefix else 0)
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
