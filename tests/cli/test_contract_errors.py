"""A broken record contract stops `sales-pipeline check`, `simulate`, `serve`, `deploy` and `review` (and
the aliases `python simulate.py`, `python -m review`) before anything is deployed or read: one line naming
the file, exit status 2 (the one-line contract errors, the commands' side).

Runs in a copy of the checkout (its tracked and new files) whose real default contract
(handlers/record_contract.json) is edited as a user would. Failure class: a contract typo that deploys
and ends in PipelineFailed without naming the cause, or a 14-line traceback. Fails before this change:
`simulate` deployed the stack and every file ended FAILED; before the aliases went through
sales_pipeline/main.py, `python -m review summary` printed a 14-frame traceback (exit 1) and
`python simulate.py` a bare line without the command's name.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO_ROOT

pytestmark = pytest.mark.cli
NAME = "handlers/record_contract.json"


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    target = tmp_path_factory.mktemp("clone")
    for name in listed:
        source = REPO_ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _command(clone: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "MOTO_PORT"}
    environment["PYTHONPATH"] = str(clone)  # the copy's code, not the installed checkout's
    return subprocess.run(
        [sys.executable, *argv],
        cwd=clone, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda text: text.replace('"required"', '"requird"', 1),
         f"{NAME}: unsupported keyword 'requird' at #"),
        (lambda text: text.replace("{", "{ oops", 1),
         f"{NAME}: not JSON at line 1, column 3 (Expecting property name enclosed in double quotes)"),
    ],
    ids=["unsupported-keyword", "bad-json"],
)  # fmt: skip
@pytest.mark.parametrize(
    ("argv", "prog"),
    [
        (["-m", "sales_pipeline", "check", "examples/sample-order.json"], "sales-pipeline check"),
        (["-m", "sales_pipeline", "simulate", "examples/sample-order.json"], "sales-pipeline simulate"),
        (["-m", "sales_pipeline", "serve"], "sales-pipeline serve"),
        (["-m", "sales_pipeline", "deploy"], "sales-pipeline deploy"),
        (["-m", "sales_pipeline", "review", "summary"], "sales-pipeline review"),
        (["simulate.py", "examples/sample-order.json"], "sales-pipeline simulate"),  # the aliases
        (["-m", "review", "summary"], "sales-pipeline review"),
    ],
    ids=["check", "simulate", "serve", "deploy", "review", "simulate.py", "python-m-review"],
)  # fmt: skip
def test_a_broken_default_contract_is_one_line_and_status_2(
    clone: Path, edit: object, message: str, argv: list[str], prog: str
) -> None:
    contract = clone / NAME
    original = contract.read_text(encoding="utf-8")
    contract.write_text(edit(original), encoding="utf-8")  # type: ignore[operator]
    try:
        result = _command(clone, *argv)
    finally:
        contract.write_text(original, encoding="utf-8")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"{prog}: error: {message}\n"
