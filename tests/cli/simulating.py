"""`python simulate.py ARGS` from the repository root, as a user runs it (the alias of `sales-pipeline
simulate`): the one way the cli tests start it."""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPO_ROOT


def simulate(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "simulate.py"), *arguments],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
