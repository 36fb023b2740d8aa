"""Render output/ (state machine ASL, its picture, the template): `python build.py [--check]`.

The one composition root. Output is byte-identical across runs and machines and needs no AWS
credentials or region: every artifact comes from a pure function and is serialised with sorted keys.
Each `<name>.asl.json` gets a `<name>.md` beside it: the same state machine as a Mermaid flowchart,
so that a reviewer sees in a pull request what a change does to the graph. Each record contract gets
its generated hot path, handlers/recordcontract/generated/<contract>.py (committed and checked too).

A contract the validator cannot enforce stops the build first, one line per problem naming the file
(exit 2): nothing the build imports loads the shipped contract (handlers/core/rules.py does, at cold start).
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from pathlib import Path
from typing import Any

from handlers.recordcontract.buildcheck import (
    CONTRACT_TABLE_FILE,
    GENERATED_DIR,
    contract_problems,
    module_name,
    render_contract_table,
    render_generated,
)
from resources.invariants import template_invariants
from resources.outputs import output_problems
from resources.permissions import permission_problems
from resources.template import build_template
from workflow.budgets import WORST_CASE_FILE, worst_cases
from workflow.definition import build_definition, build_small_file_definition
from workflow.graph_check import check_graph
from workflow.mermaid import render_markdown
from workflow.seams import seam_problems

ROOT = Path(__file__).resolve().parent
OUTPUT = ROOT / "output"
# The record contract shipped in the validator's code, and the example every contract check covers too.
CONTRACT = ROOT / "handlers" / "record_contract.json"
EXAMPLE_CONTRACTS = (ROOT / "examples" / "record-contract.json",)
ASL_FILE = "statemachine.asl.json"
SMALL_FILE_ASL_FILE = "smallfile.asl.json"
TEMPLATE_FILE = "template.json"
STATE_MACHINE_ID = "StateMachine"
SMALL_FILE_STATE_MACHINE_ID = "SmallFileStateMachine"
ASL_SUFFIX = ".asl.json"
# `--check` prints at most this many diff lines per stale file: enough to see what changed in a CI log.
MAX_DIFF_LINES = 200

# Nothing account-, region- or partition-specific may be literal in what we ship (both files).
FORBIDDEN_LITERALS = {
    "an account id": re.compile(r"(?<!\d)\d{12}(?!\d)"),
    "a region name": re.compile(r"\b(?:us-gov|us-iso|us-isob|us|eu|ap|sa|ca|me|af|il|mx|cn)-[a-z]+-\d\b"),
    "an arn:aws: literal": re.compile(r"arn:aws(?:-[a-z-]+)?:"),
}


class BuildError(Exception):
    """The artifacts are inconsistent; nothing is written."""


def serialise(document: Any) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def literal_problems(name: str, text: str) -> list[str]:
    return [
        f"{name}: contains {what} ({match.group(0)!r})"
        for what, pattern in FORBIDDEN_LITERALS.items()
        for match in [pattern.search(text)]
        if match
    ]


def picture_name(asl_name: str) -> str:
    """`statemachine.asl.json` -> `statemachine.md`: one picture per state machine, same base name."""
    if not asl_name.endswith(ASL_SUFFIX):
        raise ValueError(f"{asl_name!r} does not end in {ASL_SUFFIX}")
    return asl_name.removesuffix(ASL_SUFFIX) + ".md"


def all_contract_problems(contract: Path = CONTRACT) -> list[str]:
    """The shipped contract's and the examples' problems, one line each (empty: all can ship)."""
    return [
        problem
        for path in (contract, *EXAMPLE_CONTRACTS)
        for problem in contract_problems(path, name=_shown(path))
    ]


def render_code(contract: Path = CONTRACT) -> dict[str, str]:
    """Each contract's generated module (file name -> source; call after all_contract_problems)."""
    return {
        f"{module_name(_shown(path))}.py": render_generated(path, name=_shown(path))
        for path in (contract, *EXAMPLE_CONTRACTS)
    }


def render(contract: Path = CONTRACT) -> dict[str, str]:
    """Build, check and serialise every artifact; raise BuildError listing every problem."""
    problems = all_contract_problems(contract)
    if problems:  # the rule table of a contract the validator cannot enforce is not rendered
        raise BuildError("\n".join(problems))
    definition = build_definition()
    small_file_definition = build_small_file_definition()
    # ASL file -> (its state machine's logical ID, definition): one picture and one check each.
    machines = {
        ASL_FILE: (STATE_MACHINE_ID, definition),
        SMALL_FILE_ASL_FILE: (SMALL_FILE_STATE_MACHINE_ID, small_file_definition),
    }
    template = build_template(definition=definition, small_file_definition=small_file_definition)
    problems += template_invariants(template)
    template_dict = template.to_dict()
    # Each principal may do what the ASL and handlers/ need of it, nothing more (resources/permissions.py).
    problems += [f"{TEMPLATE_FILE}: {problem}" for problem in permission_problems(template_dict)]
    # Its outputs are the ones review/, the emulator and the benchmarks read (resources/outputs.py).
    problems += [f"{TEMPLATE_FILE}: {problem}" for problem in output_problems(template_dict)]
    for name, (logical_id, asl) in machines.items():
        problems += [f"{name}: {problem}" for problem in check_graph(asl)]
        # Its paths, statuses, ledger writes and error names against the declared shapes (both
        # machines: handlers/seams/shapes.py, handlers/seams/ledgeritem.py, handlers/core/reviewmessages.py;
        # workflow/seams.py).
        problems += [f"{name}: {problem}" for problem in seam_problems(asl)]
        embedded = template_dict["Resources"][logical_id]["Properties"].get("Definition")
        if embedded != asl:
            problems.append(f"{TEMPLATE_FILE}: the {logical_id} Definition differs from {name}")
    files = {name: serialise(asl) for name, (_, asl) in machines.items()}
    files.update(
        {picture_name(name): render_markdown(asl, source=name) for name, (_, asl) in machines.items()}
    )
    files[TEMPLATE_FILE] = serialise(template_dict)
    # Each lane's worst case from the rendered ASL, against its limits (workflow/budgets.py).
    table, budget_problems = worst_cases(
        template_dict,
        {logical_id: asl for logical_id, asl in machines.values()},
        {logical_id: name for name, (logical_id, _) in machines.items()},
    )
    problems += budget_problems
    files[WORST_CASE_FILE] = table
    files[CONTRACT_TABLE_FILE] = render_contract_table(contract, name=_shown(contract))
    for name, text in files.items():
        # The rule table is not deployed, and holds user data (a 12-digit maximum is no account id)
        # and a hex hash that may contain 12 digits in a row.
        if name != CONTRACT_TABLE_FILE:
            problems += literal_problems(name, text)
    if problems:
        raise BuildError("\n".join(problems))
    return files


def _shown(path: Path) -> str:
    """A path as the build names it: relative to the repository when inside it (byte-stable output)."""
    resolved = path.resolve()
    return resolved.relative_to(ROOT).as_posix() if resolved.is_relative_to(ROOT) else path.name


def stale_files(files: dict[str, str], directory: Path) -> list[str]:
    return [
        name
        for name, text in files.items()
        if not (directory / name).is_file() or (directory / name).read_text(encoding="utf-8") != text
    ]


def stale_diff(name: str, text: str, directory: Path, *, limit: int = MAX_DIFF_LINES) -> list[str]:
    """What `python build.py` would change in one file, as a unified diff cut after `limit` lines."""
    path = directory / name
    committed = path.read_text(encoding="utf-8") if path.is_file() else ""
    where = f"{directory.name}/{name}"
    lines = [
        line.rstrip("\n")
        for line in difflib.unified_diff(
            committed.splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=f"{where} (on disk)" if path.is_file() else f"{where} (missing)",
            tofile=f"{where} (rendered)",
        )
    ]
    if len(lines) > limit:
        lines = [*lines[:limit], f"... {len(lines) - limit} more diff lines of {where} not shown"]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; fail if output/ is stale")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=argparse.SUPPRESS)
    parser.add_argument("--contract", type=Path, default=CONTRACT, help=argparse.SUPPRESS)
    # Where the generated contract modules go: the repository's for the shipped contract; beside the
    # output for another --contract (its module must never replace the shipped contract's).
    parser.add_argument("--generated", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    shipped = args.contract.resolve() == CONTRACT.resolve()
    generated: Path = args.generated or (GENERATED_DIR if shipped else args.output.parent / "generated")
    problems = all_contract_problems(args.contract)
    if problems:  # one line each, naming the file: nothing else to say
        print("\n".join(problems), file=sys.stderr)
        return 2
    try:
        targets = {args.output: render(args.contract), generated: render_code(args.contract)}
    except BuildError as error:
        print(f"build.py: refusing to write output/:\n{error}", file=sys.stderr)
        return 2
    stale = {directory: stale_files(files, directory) for directory, files in targets.items()}
    if args.check:
        for directory, names in stale.items():
            for name in names:
                print(f"stale: {_shown_dir(directory)}/{name} (run `python build.py`)", file=sys.stderr)
                print("\n".join(stale_diff(name, targets[directory][name], directory)), file=sys.stderr)
        if not any(stale.values()):
            print(f"{args.output.name}/ is up to date")
        return 1 if any(stale.values()) else 0
    for directory, files in targets.items():
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            status = "wrote" if name in stale[directory] else "unchanged"
            if name in stale[directory]:
                (directory / name).write_text(text, encoding="utf-8")
            print(f"{status} {_shown_dir(directory)}/{name} ({len(text.encode('utf-8'))} bytes)")
    return 0


def _shown_dir(directory: Path) -> str:
    resolved = directory.resolve()
    return resolved.relative_to(ROOT).as_posix() if resolved.is_relative_to(ROOT) else directory.name


if __name__ == "__main__":
    sys.exit(main())
