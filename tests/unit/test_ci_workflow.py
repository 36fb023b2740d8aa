""".github/workflows/ci.yml: a well-formed workflow that builds, fails on a stale output/, and tests."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


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


def test_it_builds_then_checks_output_then_tests() -> None:
    steps = _steps()
    uses = [str(step.get("uses", "")) for step in steps]
    checkout = next(index for index, action in enumerate(uses) if action.startswith("actions/checkout@"))
    build, stale, test = map(_step_running, ("make build", "git diff --exit-code -- output/", "make test"))
    assert checkout < build < stale < test
    assert steps[test]["run"].strip() == "make test"


def test_it_runs_what_the_local_ci_script_runs() -> None:
    # .ci/run is the gate this repository's own submissions pass; a fork's workflow must not be weaker.
    local = [
        line.split("||")[0].strip()
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.startswith(("make ", "git "))
    ]
    scripts = "\n".join(step.get("run", "") for step in _steps())
    assert local, ".ci/run runs no make/git command"
    for command in local:
        assert command in scripts, f"ci.yml does not run `{command}` (.ci/run does)"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, timeout=30)


@pytest.mark.parametrize(
    ("change", "fails"),
    [
        (None, False),
        (lambda repo: (repo / "output" / "a.json").write_text("{}\n"), True),
        (lambda repo: (repo / "output" / "new.md").write_text("# new\n"), True),
        (lambda repo: (repo / "README.md").write_text("elsewhere\n"), False),
    ],
    ids=["clean", "stale-file", "uncommitted-new-file", "change-outside-output"],
)
def test_the_output_step_fails_exactly_when_output_differs_from_the_commit(
    tmp_path: Path, change: Any, fails: bool
) -> None:
    # GIVEN a repository with a committed output/ and then one change after the build
    repo = tmp_path / "repo"
    (repo / "output").mkdir(parents=True)
    (repo / "output" / "a.json").write_text("[]\n")
    (repo / "README.md").write_text("readme\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "init")
    if change:
        change(repo)
    # WHEN the workflow's output step runs there (as GitHub runs it: bash -e)
    script = _steps()[_step_running("git diff --exit-code -- output/")]["run"]
    result = subprocess.run(["bash", "-e", "-c", script], cwd=repo, capture_output=True, text=True, timeout=9)
    # THEN it fails, with an annotation, only when output/ is not what was committed
    assert (result.returncode != 0) == fails, result.stdout + result.stderr
    assert ("::error::" in result.stdout) == fails
