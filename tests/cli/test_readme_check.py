"""The user guide's check -> fix the contract -> check again loop (`<!-- check-loop -->` in
docs/user-guide.md), run verbatim with bash in a scratch view of the repository, and its printed output
compared with the one the guide shows.

Failure class: a documented example that no longer runs, or whose shown output is not what it prints.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from .conftest import BLOCKS, REPO_ROOT, command_block

DOCUMENT = BLOCKS["check-loop"]

pytestmark = pytest.mark.cli


def _shown_output() -> str:
    found = re.search(
        r"<!-- check-loop-output -->\s*```text\n(.*?)```", DOCUMENT.read_text(encoding="utf-8"), re.S
    )
    assert found, f"{DOCUMENT.name} has no check-loop-output block"
    return found.group(1)


def test_the_readme_check_loop_prints_what_the_readme_shows(tmp_path: Path) -> None:
    block = command_block(DOCUMENT, "check-loop")
    assert block, f"{DOCUMENT.name} has no check-loop block"
    for entry in REPO_ROOT.iterdir():
        if not entry.name.startswith(".") or entry.name == ".venv":
            (tmp_path / entry.name).symlink_to(entry)
    done = subprocess.run(
        ["bash", "-c", "set -euo pipefail\n" + block],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == _shown_output()
    # the contract was fixed in the scratch copy only, and the report was written there
    assert '"CHF"' in (tmp_path / "my-contract.json").read_text()
    assert '"CHF"' not in (REPO_ROOT / "examples" / "record-contract.json").read_text()
    assert "records 40 = valid 35 + rejected 5" in (tmp_path / "report.html").read_text()
