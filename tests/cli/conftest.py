"""The documents' marked command blocks (README.md, docs/), and a way to run them against the emulator."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
README = REPO_ROOT / "README.md"
# Where each marked block lives: a test reads the block from the one document that holds it.
USER_GUIDE = REPO_ROOT / "docs" / "user-guide.md"  # check-loop, deploy-commands, try-commands
OPERATIONS = REPO_ROOT / "docs" / "operations.md"  # review-commands
BLOCKS = {
    "first-upload": README,
    "check-loop": USER_GUIDE,
    "deploy-commands": USER_GUIDE,
    "try-commands": USER_GUIDE,
    "review-commands": OPERATIONS,
}
AWS = REPO_ROOT / ".venv" / "bin" / "aws"


def command_block(document: Path, marker: str) -> str | None:
    """The fenced sh block right after the `<!-- marker: ... -->` comment, if there is one."""
    if not document.is_file():
        return None
    pattern = rf"<!-- {re.escape(marker)}\b[^>]*-->\s*```(?:sh|bash)\n(.*?)```"
    found = re.search(pattern, document.read_text(encoding="utf-8"), re.DOTALL)
    return found.group(1) if found else None


# Bash runs each block verbatim; only `aws` is a function that adds the emulator's endpoint. Before a
# command that reads results (stepfunctions, dynamodb, sqs) it waits until no execution is running: a user
# on AWS waits a few seconds too; here the rule's execution runs in a background thread of the server.
_PRELUDE = """set -euo pipefail
aws() {{
  case "$1" in stepfunctions|dynamodb|sqs) "{python}" -m tests.cli.wait_for_executions "{endpoint}" ;; esac
  "{aws}" --endpoint-url "{endpoint}" "$@"
}}
"""


def run_block(block: str, *, cwd: Path, endpoint_url: str, localhost_url: str, env: Mapping[str, str]) -> str:
    """Run a block with bash (`aws` gets `--endpoint-url`); return its stdout, fail on a non-zero exit."""
    prelude = _PRELUDE.format(python=sys.executable, endpoint=endpoint_url, aws=AWS)
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_ACCESS_KEY_ID": "emulator",
        "AWS_SECRET_ACCESS_KEY": "emulator",
        "AWS_DEFAULT_REGION": "us-east-1",
        # `package` and `deploy` upload through their own S3 client, which ignores --endpoint-url;
        # moto's CloudFormation fetches a TemplateURL only when it names "localhost".
        "AWS_ENDPOINT_URL_S3": localhost_url,
        **env,
    }
    completed = subprocess.run(
        ["bash", "-c", prelude + block],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, f"commands failed ({completed.returncode}):\n{completed.stderr[-4000:]}"
    return completed.stdout
