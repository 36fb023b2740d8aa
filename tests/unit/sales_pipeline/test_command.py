"""`sales-pipeline`: the dispatcher, --version, --help's exit statuses, and one-line errors with their status.

Failure class: a user-facing command that answers bad input with a traceback, several lines, or the
wrong exit status.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from handlers.recordcontract.compiler import ContractError
from sales_pipeline import main as dispatcher
from sales_pipeline.version import version

REPO_ROOT = Path(__file__).resolve().parents[3]
INSTALLED = REPO_ROOT / ".venv" / "bin" / "sales-pipeline"


def _run(
    *argv: str, env: dict[str, str] | None = None, cwd: Path = REPO_ROOT, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """`python -m sales_pipeline ...` in a fresh interpreter (no AWS configuration of this machine read)."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("AWS_") and key != "MOTO_PORT"
    }
    environment |= {
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
        "PYTHONPATH": str(REPO_ROOT),
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "sales_pipeline", *argv],
        cwd=cwd, env=environment, input=stdin, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def _one_line(result: subprocess.CompletedProcess[str], status: int, message: str) -> None:
    assert (result.returncode, result.stderr, result.stdout) == (status, message + "\n", "")


def test_the_installed_command_prints_the_package_version() -> None:
    assert INSTALLED.is_file(), "run `make build`: it installs .venv/bin/sales-pipeline"
    result = subprocess.run(
        [str(INSTALLED), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert (result.returncode, result.stdout) == (0, "sales-pipeline 0.1.0\n")
    assert version() == "0.1.0"


@pytest.mark.parametrize("command", ["check", "simulate", "serve", "deploy", "review"])
def test_every_help_lists_the_exit_statuses(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    try:  # argparse exits after --help; check's main returns argparse's status instead
        code: object = dispatcher.main([command, "--help"])
    except SystemExit as exited:
        code = exited.code
    out = capsys.readouterr().out
    assert code == 0 and f"usage: sales-pipeline {command}" in out
    assert "exit status" in out and " 2 " in out.replace("\n", " ")


def test_deploy_help_lists_profile_and_region(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        dispatcher.main(["deploy", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--profile PROFILE" in out and "--region REGION" in out and "overrides deploy.toml's region" in out


def test_top_help_lists_commands_and_exit_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        dispatcher.main(["--help"])
    out = capsys.readouterr().out
    assert exited.value.code == 0
    assert all(f"  {name} " in out for name in ("check", "simulate", "serve", "deploy", "review"))
    assert "exit status" in out and "130  interrupted" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "sales-pipeline: error: the following arguments are required: COMMAND, ... "
         "(see sales-pipeline --help)"),
        (["deploi"], "sales-pipeline: error: argument COMMAND: invalid choice: 'deploi' (choose from "
         "'check', 'simulate', 'serve', 'deploy', 'review') (see sales-pipeline --help)"),
        (["deploy", "--guide"], "sales-pipeline deploy: error: unrecognized arguments: --guide "
         "(see sales-pipeline deploy --help)"),
        (["serve", "extra"], "sales-pipeline serve: error: unrecognized arguments: extra "
         "(see sales-pipeline serve --help)"),
        (["check"], "sales-pipeline check: error: the following arguments are required: FILE "
         "(see sales-pipeline check --help)"),
        (["check", "--bogus", "x.json"], "sales-pipeline check: error: unrecognized arguments: --bogus "
         "(see sales-pipeline check --help)"),
        (["simulate"], "sales-pipeline simulate: error: the following arguments are required: FILE "
         "(see sales-pipeline simulate --help)"),
        (["review", "sumary"], "sales-pipeline review: error: argument COMMAND: invalid choice: 'sumary' "
         "(choose from 'summary', 'export', 'show', 'report', 'replay', 'status') "
         "(see sales-pipeline review --help)"),
        (["review", "summary", "--output", "yaml"], "sales-pipeline review summary: error: argument "
         "--output: invalid choice: 'yaml' (choose from 'table', 'json') "
         "(see sales-pipeline review summary --help)"),
    ],
)  # fmt: skip
def test_bad_arguments_are_one_line_and_status_2(argv: list[str], message: str) -> None:
    _one_line(_run(*argv), 2, message)


def test_deploy_without_deploy_toml_is_one_line_and_status_2(tmp_path: Path) -> None:
    result = _run("deploy", cwd=tmp_path)
    _one_line(
        result,
        2,
        "sales-pipeline deploy: error: deploy.toml not found: `sales-pipeline deploy --guided` writes it",
    )


def test_deploy_with_a_bad_deploy_toml_is_one_line_and_status_2(tmp_path: Path) -> None:
    (tmp_path / "deploy.toml").write_text(
        'stack_name = "s"\nartifacts_bucket = "bkt"\n[parameters]\nLogRetention = 1\n'
    )
    result = _run("deploy", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(
        "sales-pipeline deploy: error: deploy.toml: [parameters] LogRetention is not a parameter of the "
        "template"
    )


def test_deploy_with_an_unknown_profile_is_one_line_and_status_1(tmp_path: Path) -> None:
    (tmp_path / "deploy.toml").write_text('stack_name = "s"\nartifacts_bucket = "bkt"\nprofile = "nosuch"\n')
    result = _run("deploy", cwd=tmp_path)
    _one_line(result, 1, "sales-pipeline deploy: error: AWS profile 'nosuch' not found in the AWS "
              "configuration (`aws configure list-profiles` lists them)")  # fmt: skip


@pytest.mark.parametrize(
    ("argv", "command"),
    [(["-m", "sales_pipeline", "simulate", "examples/sample-order.json"], "simulate"),
     (["-m", "sales_pipeline", "serve"], "serve"),
     (["simulate.py", "examples/sample-order.json"], "simulate")],
    ids=["simulate", "serve", "simulate.py"],
)  # fmt: skip
@pytest.mark.parametrize(
    ("env", "profile"), [({"AWS_PROFILE": "ghost"}, "ghost"), ({"AWS_DEFAULT_PROFILE": "ghost2"}, "ghost2")]
)
def test_the_emulator_commands_say_a_bad_aws_profile_in_one_line_and_status_1(
    argv: list[str], command: str, env: dict[str, str], profile: str
) -> None:
    """simulate and serve take no AWS options, but boto3 reads AWS_PROFILE even against the emulator: an
    unknown one is one line, exit status 1. Failure class: a botocore traceback (`python simulate.py`
    printed 40 lines before it went through sales_pipeline/main.py)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "MOTO_PORT"}
    environment |= {"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                    "AWS_EC2_METADATA_DISABLED": "true", "PYTHONPATH": str(REPO_ROOT), **env}  # fmt: skip
    result = subprocess.run(
        [sys.executable, *argv],
        cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    _one_line(result, 1, f"sales-pipeline {command}: error: AWS profile {profile!r} not found in the AWS "
              "configuration (`aws configure list-profiles` lists them)")  # fmt: skip


def test_deploy_without_a_region_is_one_line_and_status_2(tmp_path: Path) -> None:
    (tmp_path / "deploy.toml").write_text('stack_name = "s"\nartifacts_bucket = "bkt"\n')
    result = _run("deploy", cwd=tmp_path)
    _one_line(result, 2, "sales-pipeline deploy: error: no AWS region: set region in deploy.toml or pass "
              "--region (or the profile's region, AWS_REGION)")  # fmt: skip


def test_deploy_profile_option_overrides_deploy_toml(tmp_path: Path) -> None:
    """The boto3 session takes --profile, not the file's: the refusal names the option's profile.
    Failure class: --profile parsed, then ignored."""
    (tmp_path / "deploy.toml").write_text('stack_name = "s"\nartifacts_bucket = "bkt"\nprofile = "prod"\n')
    result = _run("deploy", "--profile", "ghost", cwd=tmp_path)
    _one_line(result, 1, "sales-pipeline deploy: error: AWS profile 'ghost' not found in the AWS "
              "configuration (`aws configure list-profiles` lists them)")  # fmt: skip


def test_deploy_region_option_stands_in_for_a_missing_region(tmp_path: Path) -> None:
    """With --region and no region anywhere else, deploy goes on to AWS (here: an endpoint that refuses
    connections) instead of refusing for want of a region."""
    (tmp_path / "deploy.toml").write_text('stack_name = "s"\nartifacts_bucket = "bkt"\n')
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y", "AWS_MAX_ATTEMPTS": "1"}
    result = _run("deploy", "--region", "eu-west-1", "--endpoint-url", f"http://127.0.0.1:{port}",
                  cwd=tmp_path, env=env)  # fmt: skip
    assert (result.returncode, result.stdout) == (1, "") and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"sales-pipeline deploy: error: cannot reach http://127.0.0.1:{port}/")


def test_guided_takes_the_region_and_profile_options_as_default_answers(tmp_path: Path) -> None:
    # GIVEN --region and --profile, WHEN the region and profile questions are answered blank
    answers = "st\n\n\nbkt-1\n\n"
    result = _run(
        "deploy", "--guided", "--region", "eu-west-3", "--profile", "ops", cwd=tmp_path, stdin=answers
    )
    # THEN deploy.toml holds the options (and the deploy then fails in one line: no such profile here)
    assert (tmp_path / "deploy.toml").read_text().splitlines()[1:] == [
        'stack_name = "st"', 'region = "eu-west-3"', 'profile = "ops"', 'artifacts_bucket = "bkt-1"'
    ]  # fmt: skip
    assert "AWS region (blank: the AWS configuration's) [eu-west-3]: " in result.stderr
    assert result.returncode == 1 and result.stderr.splitlines()[-1].startswith(
        "sales-pipeline deploy: error: AWS profile 'ops' not found"
    )


def test_deploy_with_a_bad_region_option_is_one_line_and_status_2(tmp_path: Path) -> None:
    (tmp_path / "deploy.toml").write_text('stack_name = "s"\nartifacts_bucket = "bkt"\n')
    result = _run("deploy", "--region", "Mars", cwd=tmp_path)
    _one_line(result, 2, "sales-pipeline deploy: error: --region: region 'Mars' is not an AWS region code "
              "such as eu-west-1")  # fmt: skip


def test_guided_deploy_with_no_answers_is_one_line_and_status_2(tmp_path: Path) -> None:
    result = _run("deploy", "--guided", cwd=tmp_path, stdin="")
    assert result.returncode == 2 and not (tmp_path / "deploy.toml").exists()
    assert result.stderr.splitlines()[-1] == (
        "sales-pipeline deploy: error: --guided: no answer to 'Stack name' (standard input ended)"
    )


def test_check_is_one_clear_line_until_the_quality_package_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    if (REPO_ROOT / "quality" / "cli.py").is_file():
        pytest.skip("quality/ is here: `check` is tested with it")
    _one_line(_run("check", "x.json"), 1, "sales-pipeline check: error: not available in this installation "
              "(no quality/ package: update the checkout, then `make build`)")  # fmt: skip


def test_a_contract_error_from_a_command_is_one_line_and_status_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The dispatcher's own handling (the contract checks that raise it are build.py's)."""

    def broken(argv: list[str]) -> int:
        raise ContractError(["handlers/record_contract.json: unsupported keyword 'requird' at #/", "second"])

    monkeypatch.setitem(dispatcher.COMMANDS, "simulate", ("", broken))
    assert dispatcher.main(["simulate", "x.json"]) == 2
    assert capsys.readouterr().err == (
        "sales-pipeline simulate: error: handlers/record_contract.json: unsupported keyword 'requird' at #/ "
        "(and 1 more)\n"
    )


def test_an_unexpected_error_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    def buggy(argv: list[str]) -> int:
        raise ZeroDivisionError("a bug")

    monkeypatch.setitem(dispatcher.COMMANDS, "simulate", ("", buggy))
    with pytest.raises(ZeroDivisionError):
        dispatcher.main(["simulate"])


def test_guided_says_why_an_answer_is_refused_and_replaces_an_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "deploy.toml").write_text("stack_name = \n")
    result = _run("deploy", "--guided", cwd=tmp_path, stdin="1st-stack\n")
    said = result.stderr.splitlines()
    assert result.returncode == 2 and (tmp_path / "deploy.toml").read_text() == "stack_name = \n"
    assert said[0] == (
        "deploy.toml: not TOML: Invalid value (at line 1, column 14): asking for every setting "
        "(the file will be replaced)"
    )
    assert (
        "  answer: stack_name '1st-stack' is not a letter, then letters, digits or '-', at most 128" in said
    )
    assert (
        said[-1] == "sales-pipeline deploy: error: --guided: no answer to 'Stack name' (standard input ended)"
    )


@pytest.mark.parametrize("subcommand", ["summary", "export", "show", "replay", "status"])
def test_every_review_subcommand_help_lists_the_exit_statuses(
    subcommand: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        dispatcher.main(["review", subcommand, "--help"])
    out = capsys.readouterr().out
    assert exited.value.code == 0 and f"usage: sales-pipeline review {subcommand}" in out
    assert "exit status: 0 " in out and "2 bad arguments" in out
