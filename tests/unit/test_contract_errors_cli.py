"""A broken record contract is one line and exit 2 from build.py and simulate.py, and a named error
(handlers.recordcontract.compiler.ContractError) at the validator's cold start: the real default file
edited in a fresh copy of the repository, each command run as a user runs it (a subprocess in that copy).

Failure class: a contract typo crashing the build with a traceback (fails before d1b095e: build.py
imported handlers/core/rules.py, which compiled the default contract at import time, 14 lines, exit 1), and
simulate.py deploying a contract the validator cannot load (every execution PipelineFailed, no cause).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# simulate.py is an alias of `sales-pipeline simulate`: its errors carry that command's prefix.
SIMULATE_ERROR = "sales-pipeline simulate: error: "
CONTRACT = Path("handlers") / "record_contract.json"
_SKIP = shutil.ignore_patterns(".git", ".venv", "__pycache__", ".*_cache", "*.egg-info", "output")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree as a user's fresh copy has it (output/ too: build.py --check compares it)."""
    root = tmp_path_factory.mktemp("fresh") / "repo"
    shutil.copytree(REPO, root, ignore=_SKIP)
    shutil.copytree(REPO / "output", root / "output")
    return root


@pytest.fixture
def copy(pristine: Path, tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "repo"
    shutil.copytree(pristine, root)
    yield root


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=root, capture_output=True, text=True, timeout=300, check=False
    )


def _edit(root: Path, change: str) -> None:
    path = root / CONTRACT
    path.write_text(change.join(path.read_text(encoding="utf-8").split('"required"', 1)), encoding="utf-8")


_COLD_START = """
from handlers.recordcontract.compiler import ContractError
try:
    import handlers.validator
except ContractError as error:
    print(type(error).__name__ + ": " + str(error))
    raise SystemExit(3)
print("loaded")
"""


def test_a_typo_in_the_default_contract_is_one_line_and_exit_2_from_build(copy: Path) -> None:
    # GIVEN the default contract with `required` misspelt (its first one: the record's root)
    _edit(copy, '"requird"')
    # WHEN build.py renders
    run = _run(copy, "build.py")
    # THEN one line names the file, the keyword and where it is; exit 2; nothing written
    assert run.stderr.splitlines() == ["handlers/record_contract.json: unsupported keyword 'requird' at #"]
    assert run.returncode == 2 and run.stdout == ""


def test_a_contract_that_is_not_json_names_line_and_column(copy: Path) -> None:
    # GIVEN the default contract with a trailing comma on line 2
    path = copy / CONTRACT
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1] + ","
    column = len(lines[1])  # the added comma's (the error's position follows the file, not a constant)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # WHEN build.py renders, and simulate.py starts
    build = _run(copy, "build.py", "--check")
    simulate = _run(copy, "simulate.py", "examples/sample-order.json")
    # THEN each says where, in one line, exit 2
    for run, prefix in ((build, ""), (simulate, SIMULATE_ERROR)):
        assert len(run.stderr.splitlines()) == 1, run.stderr
        where = f"handlers/record_contract.json: not JSON at line 2, column {column} ("
        assert run.stderr.startswith(prefix + where), run.stderr
        assert run.returncode == 2


def test_the_validator_cold_start_raises_the_named_error(copy: Path) -> None:
    # GIVEN the typo, and the validator's code imported as Lambda imports it (cold start)
    _edit(copy, '"requird"')
    run = _run(copy, "-c", _COLD_START)
    # THEN it stops with handlers.recordcontract.compiler.ContractError, one line naming the problem
    assert run.returncode == 3, run.stderr
    assert run.stdout.splitlines() == [
        "ContractError: handlers/record_contract.json: unsupported keyword 'requird' at #"
    ]


def test_a_rule_edited_without_a_build_stops_simulate_and_the_cold_start(copy: Path) -> None:
    # GIVEN a valid edit (order ids of at least 3 characters) without `python build.py`
    path = copy / CONTRACT
    document = json.loads(path.read_text(encoding="utf-8"))
    document["properties"]["order-info"]["properties"]["order_id"]["minLength"] = 3
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    stale = (
        "handlers/record_contract.json: changed since record_contract.py was generated from it "
        "(run `python build.py`)"
    )
    # WHEN simulate.py starts, and the validator is imported
    simulate = _run(copy, "simulate.py", "examples/sample-order.json")
    cold = _run(copy, "-c", _COLD_START)
    # THEN both name the stale module in one line; after build.py the validator loads
    assert (simulate.returncode, simulate.stderr.splitlines()) == (2, [SIMULATE_ERROR + stale])
    assert (cold.returncode, cold.stdout.splitlines()) == (3, [f"ContractError: {stale}"])
    assert _run(copy, "build.py").returncode == 0
    assert _run(copy, "-c", _COLD_START).stdout.splitlines() == ["loaded"]


def test_simulate_refuses_a_broken_contract_before_deploying(copy: Path) -> None:
    _edit(copy, '"requird"')
    run = _run(copy, "simulate.py", "examples/sample-order.json")
    assert run.stderr.splitlines() == [
        SIMULATE_ERROR + "handlers/record_contract.json: unsupported keyword 'requird' at #"
    ]
    assert run.returncode == 2 and run.stdout == ""
