"""simulate.py's heartbeat, run as a user runs it: counts so far on stderr while a
file is processed, also under --json, whose stdout stays one JSON line per file.

Failure class: minutes of silence while the emulator works (fails before the heartbeat: one progress line,
then nothing until the end).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from .conftest import REPO_ROOT

pytestmark = [pytest.mark.cli, pytest.mark.e2e]


def test_json_run_beats_on_stderr_and_keeps_stdout_clean(tmp_path: Path) -> None:
    uid = uuid.uuid4().hex[:8]
    orders = [
        {"order-info": {"order_id": f"{uid}-{n}", "note": "x" * 2000}, "contact-info": {"name": f"C{n}"}}
        for n in range(40)
    ]
    path = tmp_path / "beat.jsonl"
    path.write_text("".join(json.dumps(o) + "\n" for o in orders))  # > 64 KiB: the large-file lane
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "simulate.py"), "--json", str(path)],
        cwd=REPO_ROOT,
        env={**os.environ, "SIMULATE_HEARTBEAT_SECONDS": "0.5"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    [row] = [json.loads(line) for line in done.stdout.splitlines()]
    assert row["records"] == 40
    beats = [line for line in done.stderr.splitlines() if line.startswith("file 1/1 beat.jsonl: ")]
    assert beats and all("records classified" in b and b.endswith("so far") for b in beats)
    assert any("records classified 40," in b for b in beats)
