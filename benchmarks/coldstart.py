"""A cold start's billed INIT, measured: a fresh interpreter imports the validator and makes its client.

Since 1 August 2025 Lambda bills the INIT phase of on-demand ZIP functions as duration. The work of a
cold start here is the interpreter's start, `import handlers.validator` (the contract compiled at
import), `import boto3` and the first client (handlers/adapters/clients.py makes it once per container). This
measures the CPU seconds of exactly that in a fresh process on this machine (median of `runs`); the
model divides by the function's CPU share (memory / 1,769 MB), as for the validator's own work.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_SCRIPT = (
    "import handlers.validator, handlers.adapters.clients, os;"
    "os.environ.setdefault('AWS_DEFAULT_REGION', 'us-east-1');"
    "handlers.adapters.clients.client('s3')"
)


def init_cpu_seconds(runs: int = 3) -> float:
    """Median CPU seconds (user + system) of one cold start's work in a fresh interpreter."""
    found = []
    for _ in range(runs):
        before = os.times()
        subprocess.run(
            [sys.executable, "-c", _SCRIPT],
            check=True,
            cwd=ROOT,
            env={**os.environ, "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"},
        )
        after = os.times()
        found.append(
            (after.children_user - before.children_user) + (after.children_system - before.children_system)
        )
    return statistics.median(found)
