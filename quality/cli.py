"""`check FILE... [--contract PATH] [--json] [--report PATH]`: the pipeline's verdicts on local files.

The validator's own core runs on each file (no AWS, no emulator): the same forms (gzip, JSON Lines,
array, `orders` wrapper), the same record contract, the same verdicts.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from handlers.core.rules import Rules, load_rules
from handlers.recordcontract.compiler import ContractError
from handlers.seams.settings import DEFAULT_MAX_REJECTED_RECORDS
from quality.checking import check_file
from quality.model import FileQuality, position_text
from quality.report import ReportError, report_format, write_report
from sales_pipeline import inputs
from sales_pipeline.parsing import OneLineParser

PROG = "check"
EXIT_VALID, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2
EPILOG = (
    "exit status: 0 every record of every file is valid; 1 a record or a whole file is rejected; "
    "2 a usage error or a contract that cannot be used (one line on stderr)"
)


class UsageError(Exception):
    """Bad arguments or a contract that cannot be used: one line, exit status 2."""


def parser(prog: str = PROG) -> argparse.ArgumentParser:
    top = OneLineParser(
        prog=prog,
        description="Run the pipeline's validator core on local files and print its verdicts per file: "
        "records, valid, rejected by reason, and per contract rule (a place in the contract, "
        "`/order-info/lines/*/quantity minimum`) how many records break it and the first ones (record "
        "index and line; never record content).",
        epilog=EPILOG,
    )
    top.add_argument("files", nargs="+", metavar="FILE", help="an order file, or a directory of them")
    top.add_argument(
        "--contract",
        type=Path,
        metavar="PATH",
        help="the record contract to check against (default: the deployed handlers/record_contract.json)",
    )
    top.add_argument("--json", action="store_true", help="one JSON object per file per line on stdout")
    top.add_argument("--report", type=Path, metavar="PATH", help="also write a report: PATH.html or PATH.md")
    top.add_argument(
        "--max-rejected",
        type=int,
        default=DEFAULT_MAX_REJECTED_RECORDS,
        metavar="N",
        help=f"reject a file whole past N rejected records, as the stack's MaxRejectedRecords does "
        f"(default {DEFAULT_MAX_REJECTED_RECORDS})",
    )
    return top


def expand(arguments: Sequence[str]) -> list[tuple[str, Path]]:
    """(name as given, path) per file; a directory stands for the files directly inside it."""
    try:
        return inputs.expand(arguments, verb="check", ignored_by="the pipeline")
    except inputs.InputError as error:
        raise UsageError(str(error)) from None


def contract_rules(path: Path | None) -> Rules | None:
    """The rules of `path` (None: the deployed contract); UsageError in one line when unusable."""
    if path is None:
        return None
    if path.is_dir():
        raise UsageError(f"contract {path} is a directory")
    try:
        return load_rules(path)
    except OSError as error:
        raise UsageError(f"cannot read contract {path}: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise UsageError(f"contract {path} is not UTF-8 text") from error
    except json.JSONDecodeError as error:
        raise UsageError(
            f"contract {path} is not JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from error
    except ContractError as error:  # each problem names the file already (handlers/recordcontract)
        named = all(problem.startswith(f"{path}:") for problem in error.problems)
        problems = "; ".join(error.problems)
        raise UsageError(problems if named else f"contract {path}: {problems}") from error
    except (ValueError, RecursionError) as error:
        raise UsageError(f"contract {path} cannot be used: {error}") from error


def as_json(found: FileQuality) -> dict[str, Any]:
    """The `--json` line of one file."""
    accepted = not found.file_rejected
    parts = dict(found.parts)
    return {
        "file": found.name,
        "records": found.records,
        "valid": parts.get("valid") if accepted else None,
        "rejected": parts.get("rejected") if accepted else None,
        "file_rejected": found.file_rejected,
        "reason": found.reason,
        "rejected_by_reason": dict(sorted(found.rejected_by_reason.items())),
        "rejected_by_rule": dict(found.rules_ranked()),
        "examples": {
            key: [e.as_json() for e in found.examples.get(key, [])] for key, _ in found.rules_ranked()
        },
        "message": found.message,
        "position": found.position,
    }


def _where(index: int | None, line: int | None) -> str:
    return f"#{index}" + (f" line {line}" if line is not None else "")


def as_text(found: FileQuality) -> list[str]:
    """A file's lines: the verdict, then rejections by reason and by rule with the first records."""
    if found.file_rejected:
        where = position_text(found.position)
        lines = [
            f"{found.name}: file rejected: {found.reason}: {found.message}" + (f" ({where})" if where else "")
        ]
        if found.rejected_by_reason:
            counted = ", ".join(f"{r} {n}" for r, n in found.reasons_ranked())
            lines.append(f"  rejected before the file was: {counted}")
        return lines
    parts = dict(found.parts)
    lines = [f"{found.name}: records {found.records}, valid {parts['valid']}, rejected {parts['rejected']}"]
    if found.rejected_by_reason:
        lines.append("  by reason: " + ", ".join(f"{r} {n}" for r, n in found.reasons_ranked()))
    rules = found.rules_ranked()
    if rules:
        lines.append("  by rule (records breaking it; the first ones):")
        width = max(len(key) for key, _ in rules)
        for key, n in rules:
            first = ", ".join(_where(e.index, e.line) for e in found.examples.get(key, []))
            lines.append(f"    {key.ljust(width)}  {n:>6}  {first}")
    return lines


def run(args: argparse.Namespace) -> int:
    files = expand(args.files)
    rules = contract_rules(args.contract)
    if args.max_rejected < 0:
        raise UsageError("--max-rejected must be 0 or more")
    if args.report is not None:
        try:
            report_format(args.report)
        except ReportError as error:
            raise UsageError(str(error)) from error
    results: list[FileQuality] = []
    for given, path in files:
        try:
            found = check_file(path, name=given, rules=rules, max_rejected=args.max_rejected)
        except OSError as error:
            raise UsageError(f"cannot read {given}: {error.strerror or error}") from error
        results.append(found)
        if args.json:
            print(json.dumps(as_json(found)), flush=True)
        else:
            print("\n".join(as_text(found)), flush=True)
    if args.report is not None:
        title = "Data-quality report (local check" + (
            f", contract {args.contract})" if args.contract else ")"
        )
        try:
            write_report(args.report, results, title=title)
        except ReportError as error:
            raise UsageError(str(error)) from error
        print(f"report written to {args.report}", file=sys.stderr)
    rejected = any(r.file_rejected or r.rejected for r in results)
    return EXIT_REJECTED if rejected else EXIT_VALID


def main(argv: list[str] | None = None, *, prog: str = PROG) -> int:
    """`check` as a command: parse `argv` (sys.argv[1:] when None), print, return the exit status; `prog`
    names it in usage and errors (`sales-pipeline check` from the installed command)."""
    try:
        args = parser(prog).parse_args(argv)
    except SystemExit as exit_:  # argparse: --help (0) or a usage error (2, its one line printed)
        return int(exit_.code or 0)
    try:
        return run(args)
    except UsageError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
