"""`sales-pipeline serve` for people: started as a user starts it, then the documents' blocks and
`sales-pipeline deploy` (twice) run against it with nothing but the lines it printed.

Failure class: offline instructions that only work with settings known from test code (the S3
endpoint on localhost, dummy credentials, NO_PROXY), or a serve that cannot be stopped cleanly.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import BLOCKS, REPO_ROOT, command_block

pytestmark = [pytest.mark.cli, pytest.mark.e2e]

INSTALLED = REPO_ROOT / ".venv" / "bin" / "sales-pipeline"
# After the lines serve printed, the blocks run verbatim; the served `aws` is wrapped only to wait, before a
# command that reads results, until no execution is running (a user waits a few seconds on AWS too).
WAITING = """
eval "served_$(declare -f aws)"
aws() {{
  case "$1" in
    stepfunctions|dynamodb|sqs) "{python}" -m tests.cli.wait_for_executions "$AWS_ENDPOINT_URL" ;;
  esac
  served_aws "$@"
}}
"""


@pytest.fixture
def served() -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    assert INSTALLED.is_file(), "run `make build`: it installs .venv/bin/sales-pipeline"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "MOTO_PORT"}
    process = subprocess.Popen(
        [str(INSTALLED), "serve"],
        cwd=REPO_ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    printed: list[str] = []
    timer = threading.Timer(180, process.kill)  # a serve that never gets ready fails the test, not CI
    timer.start()
    assert process.stdout is not None
    for line in process.stdout:
        printed.append(line.rstrip("\n"))
        if line.startswith("# ready: "):
            break
    timer.cancel()
    assert printed and printed[-1].startswith("# ready: stack sales-pipeline deployed"), printed
    try:
        yield process, [line for line in printed if not line.startswith("#")]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _shell(block: str, *, cwd: Path, lines: list[str], **extra: str) -> str:
    """bash: set -euo pipefail, the lines serve printed, then the block (the venv's bin on PATH)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "MOTO_PORT"}
    environment |= {
        "PATH": f"{REPO_ROOT / '.venv' / 'bin'}:{environment['PATH']}",
        "PYTHONPATH": str(REPO_ROOT),
    }
    script = "set -euo pipefail\n" + "\n".join(lines) + WAITING.format(python=sys.executable) + block
    completed = subprocess.run(
        ["bash", "-c", script],
        cwd=cwd, env=environment | extra, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, f"block failed ({completed.returncode}):\n{completed.stderr[-4000:]}"
    return completed.stdout + completed.stderr


def _checkout_view(tmp_path: Path) -> Path:
    """The repository's entries (and its .venv, which the review block calls) linked into a scratch
    directory: what the blocks write (packaged.json, review.jsonl) stays out of the checkout."""
    view = tmp_path / "repo"
    view.mkdir()
    for entry in REPO_ROOT.iterdir():
        if not entry.name.startswith(".") or entry.name == ".venv":
            (view / entry.name).symlink_to(entry)
    return view


def test_readme_blocks_and_deploy_twice_run_against_serve(
    served: tuple[subprocess.Popen[str], list[str]], tmp_path: Path
) -> None:
    process, lines = served
    # THEN the printed lines set what the AWS CLI needs against the emulator, and nothing else
    names = {w.split("=")[0] for line in lines if line.startswith("export ") for w in shlex.split(line)[1:]}
    assert names == {
        "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
        "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "NO_PROXY",
        "no_proxy",
    }  # fmt: skip
    assert "export AWS_ENDPOINT_URL_S3=http://localhost:" in "\n".join(lines)
    view = _checkout_view(tmp_path)

    # WHEN the user guide's deploy and try blocks and the operations' review block run as written (the
    # deploy block twice: unchanged)
    blocks = {
        marker: command_block(BLOCKS[marker], marker)
        for marker in ("deploy-commands", "try-commands", "review-commands")
    }
    assert all(blocks.values()), blocks
    for marker in ("deploy-commands", "deploy-commands", "try-commands", "review-commands"):
        printed = _shell(str(blocks[marker]), cwd=view, lines=lines, ARTIFACTS="readme-artifacts")
        if marker == "try-commands":
            assert '"status": {\n' in printed and '"DONE"' in printed and '"1234"' in printed
        if marker == "review-commands":
            assert printed.count("status: DONE") == 2 and '"buyer@example.com"' in printed

    # AND `sales-pipeline deploy` runs twice from a deploy.toml (the second: nothing to change)
    (tmp_path / "deploy.toml").write_text(
        'stack_name = "sales-pipeline"\nartifacts_bucket = "my-artifacts"\n'
        "[parameters]\nLogRetentionDays = 14\n"
    )
    for run in (1, 2):
        printed = _shell("sales-pipeline deploy", cwd=tmp_path, lines=lines)
        assert "stack sales-pipeline outputs:" in printed and "BucketName" in printed
        assert ("No changes to deploy" in printed) is (run == 2)

    # WHEN interrupted, THEN it stops cleanly
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    assert process.stderr is not None and "emulator stopped" in process.stderr.read()
