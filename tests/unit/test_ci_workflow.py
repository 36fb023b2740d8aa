""".github/workflows/ci.yml: a well-formed workflow that runs .ci/run, the one list of gates; and .ci/run
itself: it builds, tests, and fails exactly when output/ differs from the commit."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
CI_RUN = ROOT / ".ci" / "run"


def _workflow() -> dict[Any, Any]:
    document = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def _steps() -> list[dict[str, Any]]:
    jobs = _workflow()["jobs"]
    assert list(jobs) == ["test"]
    steps: list[dict[str, Any]] = jobs["test"]["steps"]
    return steps


def _runs(step: dict[str, Any], command: str) -> bool:
    return any(line.strip().startswith(command) for line in step.get("run", "").splitlines())


def _step_running(command: str) -> int:
    """The index of the one step with a script line that starts with `command`."""
    found = [index for index, step in enumerate(_steps()) if _runs(step, command)]
    assert len(found) == 1, f"{command!r} is run by steps {found}"
    return found[0]


def test_the_workflow_has_the_keys_github_requires() -> None:
    document = _workflow()
    # YAML 1.1 (PyYAML) reads the bare key `on` as the boolean True; GitHub reads it as "on".
    triggers = document.get("on", document.get(True))
    assert isinstance(triggers, dict), "no `on:` triggers"
    assert {"push", "pull_request"} <= set(triggers)
    assert document["jobs"], "no jobs"
    for name, job in document["jobs"].items():
        assert job.get("runs-on"), f"job {name} has no runs-on"
        assert job.get("steps"), f"job {name} has no steps"
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), f"job {name}: needs one of uses/run: {step}"
            if "uses" in step:
                assert "@" in step["uses"], f"unpinned action {step['uses']}"


def test_it_runs_on_ubuntu_with_python_3_11_only() -> None:
    job = _workflow()["jobs"]["test"]
    assert str(job["runs-on"]).startswith("ubuntu-")
    setups = [step for step in job["steps"] if str(step.get("uses", "")).startswith("actions/setup-python@")]
    assert len(setups) == 1
    # a string: an unquoted 3.10 would be read as 3.1
    assert setups[0]["with"]["python-version"] == "3.11"


def test_the_job_checks_out_then_runs_the_local_ci_script_and_nothing_else() -> None:
    # GIVEN the job's steps: the gates live in .ci/run only, so a fork's CI cannot drift from them
    steps = _steps()
    uses = [str(step.get("uses", "")) for step in steps]
    checkout = next(index for index, action in enumerate(uses) if action.startswith("actions/checkout@"))
    runs = [index for index, step in enumerate(steps) if "run" in step]
    # THEN one step runs a script, after the checkout, and that script is exactly .ci/run
    assert len(runs) == 1 and checkout < runs[0], runs
    assert steps[runs[0]]["run"].strip() == ".ci/run"
    assert os.access(CI_RUN, os.X_OK), ".ci/run is not executable (GitHub runs it as a command)"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, timeout=30)


# `make` on PATH for .ci/run in a scratch repository: it logs its target and fails the one named.
_FAKE_MAKE = """#!/bin/sh
echo "$1" >> "$MAKE_LOG"
[ "$1" != "${MAKE_FAILS:-}" ]
"""


@pytest.mark.parametrize(
    ("change", "make_fails", "fails"),
    [
        (None, "", False),
        (lambda repo: (repo / "output" / "a.json").write_text("{}\n"), "", True),
        (lambda repo: (repo / "output" / "new.md").write_text("# new\n"), "", True),
        (lambda repo: (repo / "README.md").write_text("elsewhere\n"), "", False),
        (None, "build", True),
        (None, "test", True),
    ],
    ids=["clean", "stale-file", "uncommitted-new-file", "change-outside-output", "build-fails", "test-fails"],
)
def test_the_local_ci_script_fails_exactly_when_a_gate_fails(
    tmp_path: Path, change: Any, make_fails: str, fails: bool
) -> None:
    # GIVEN a repository with a committed output/ and this .ci/run, then one change after the build
    repo = tmp_path / "repo"
    (repo / "output").mkdir(parents=True)
    (repo / "output" / "a.json").write_text("[]\n")
    (repo / "README.md").write_text("readme\n")
    (repo / ".ci").mkdir()
    shutil.copy2(CI_RUN, repo / ".ci" / "run")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "init")
    if change:
        change(repo)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "make").write_text(_FAKE_MAKE)
    (bin_dir / "make").chmod(0o755)
    log = tmp_path / "make.log"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "MAKE_LOG": str(log),
        "MAKE_FAILS": make_fails,
        "GITHUB_ACTIONS": "true",
    }
    # WHEN .ci/run runs there (as the workflow runs it: from the checkout, as a command)
    result = subprocess.run(
        [str(repo / ".ci" / "run")], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=30
    )
    # THEN it fails exactly when the build, the tests or the output check fails, stopping at the first
    assert (result.returncode != 0) == fails, result.stdout + result.stderr
    expected = {"build": ["build"], "test": ["build", "test"]}.get(make_fails, ["build", "test"])
    assert log.read_text().split() == expected
    # AND an output/ failure is an annotation on GitHub
    assert ("::error::" in result.stdout) == (fails and not make_fails)
