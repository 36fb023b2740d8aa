"""Try the pipeline offline: deploy output/ into the emulator, upload FILEs, report where records went.

    python simulate.py FILE_OR_DIR... [--json]

Each file is uploaded under its base name, so the bucket's EventBridge rule (not this script) starts
its execution. Counts come from what landed in the emulated DynamoDB table and review queue.
Exit status: 0 when every execution SUCCEEDED, 1 otherwise, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from handlers.contract import ACCEPTED_SUFFIXES

COLUMNS = ("file", "status", "records", "stored", "rejected", "file_rejected", "reasons")


class UsageError(Exception):
    """A problem with the arguments, reported before anything is deployed."""


def expand(arguments: Sequence[str]) -> list[tuple[str, Path]]:
    """(name as given, path) per file; a directory stands for the files directly inside it."""
    files: list[tuple[str, Path]] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            files += [
                (str(p), p) for p in sorted(path.iterdir()) if p.is_file() and not p.name.startswith(".")
            ]
        elif path.is_file():
            files.append((argument, path))
        else:
            raise UsageError(f"no such file or directory: {argument}")
    if not files:
        raise UsageError("no files to upload")
    for given, path in files:
        if not path.name.lower().endswith(ACCEPTED_SUFFIXES):  # the rule ignores case
            accepted = " ".join(ACCEPTED_SUFFIXES)
            raise UsageError(f"{given}: the bucket's rule ignores this name; accepted suffixes: {accepted}")
    names = [path.name for _, path in files]
    clashes = sorted({n for n in names if names.count(n) > 1})
    if clashes:
        raise UsageError(f"files are uploaded under their base names, and these repeat: {', '.join(clashes)}")
    return files


def simulate(files: list[tuple[str, Path]], *, progress: bool) -> list[dict[str, Any]]:
    """Deploy a fresh stack, upload the files, wait for their executions, report each file."""
    import emulator
    from emulator import outcome

    if progress:
        print("deploying output/template.json into the emulator...", file=sys.stderr)
    stack = emulator.deploy_stack()
    skipped = [f"{logical_id} ({kind})" for logical_id, kind in emulator.not_emulated()]
    if progress and skipped:
        print(f"not emulated (moto cannot create them): {', '.join(skipped)}", file=sys.stderr)
    # One file at a time, each after the previous one's executions finished: an identical order in a
    # later file re-stores the same item under that file's `_pipeline_source`, so counting after all
    # files would move the item to the last file; conflicts between files resolve in argument order.
    executions = outcome.Executions(stack)
    inbox = outcome.ReviewInbox(stack)
    end = "\r" if sys.stderr.isatty() else "\n"
    rows = []
    for number, (given, path) in enumerate(files, start=1):
        target = outcome.upload_file(stack, path)
        label = f"file {number}/{len(files)} {path.name}"
        report = _progress_line(label, end=end) if progress else None
        found = executions.wait([target], on_progress=report)
        result = outcome.outcome(stack, target, found[target], inbox)
        if result.failure:
            print(f"{given}: execution {result.status}: {result.failure}", file=sys.stderr)
        rows.append({"file": given, **result.summary()})
    if progress and end == "\r":
        print(file=sys.stderr)
    return rows


def _progress_line(label: str, *, end: str) -> Callable[[int, int], None]:
    """A progress reporter for one file's executions, printing only when the count changes."""
    started = time.monotonic()
    shown: list[tuple[int, int]] = []

    def report(finished: int, total: int) -> None:
        if shown and shown[-1] == (finished, total):
            return
        shown.append((finished, total))
        elapsed = time.monotonic() - started
        print(f"{label}: {finished}/{total} executions finished ({elapsed:.0f}s)", end=end, file=sys.stderr)

    return report


def render_table(rows: list[dict[str, Any]]) -> str:
    """A short fixed-width table, one line per file."""
    cells = [[_cell(row[c]) for c in COLUMNS] for row in rows]
    widths = [max(len(c), *(len(line[i]) for line in cells)) for i, c in enumerate(COLUMNS)]
    lines = [[c.upper() for c in COLUMNS], *cells]
    return "\n".join(
        "  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() for line in lines
    )


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ",".join(value) or "-"
    return str(value)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("files", nargs="+", metavar="FILE", help="a file to upload, or a directory of files")
    parser.add_argument("--json", action="store_true", help="one JSON object per file per line on stdout")
    arguments = parser.parse_args(argv)
    try:
        files = expand(arguments.files)
    except UsageError as error:
        print(f"simulate.py: error: {error}", file=sys.stderr)
        return 2
    # moto warns about every template resource it skips and every unenforced ASL field.
    logging.getLogger("moto").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    try:
        rows = simulate(files, progress=not arguments.json)
    except (RuntimeError, TimeoutError) as error:  # DeployError is a RuntimeError
        print(f"simulate.py: {error}", file=sys.stderr)
        return 1
    if arguments.json:
        for row in rows:
            print(json.dumps(row))
    else:
        print(render_table(rows))
    return 0 if all(row["status"] == "SUCCEEDED" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
