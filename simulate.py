"""Try the pipeline offline: deploy output/ into the emulator, upload FILEs, report where records went.

    sales-pipeline simulate FILE_OR_DIR... [--json] [--reviews] [--faults RATE --seed N] [--range-bytes N]
        [--turn-records N]

(`python simulate.py ...` is an alias: the same entry, sales_pipeline/main.py, so the same one-line errors.)

Each file is uploaded under its base name, so the bucket's EventBridge rule (not this script) starts
its execution. `records` is the pipeline's own count (the file ledger, else the validator's result);
what the emulated table and queue hold is counted per record, with the ledger's meanings: `stored` the
records whose item in the table this record wrote (a new item), `duplicates` those whose identical
item another record wrote (an earlier file, or the same record earlier in the file), `rejected` those
a review message names. Every record index must be one of them, so records = stored + duplicates +
rejected when nothing is lost.
Exit status: 0 when every execution SUCCEEDED and every record is accounted for, 1 otherwise (lost
records are named), 2 for a usage error or a record contract the validator cannot load (one line each).
While a file is processed, a heartbeat on stderr every HEARTBEAT_SECONDS (5; the environment variable
SIMULATE_HEARTBEAT_SECONDS overrides it) says how many records were classified, and the ledger's
stored, duplicates and rejected so far, also under --json (stdout holds only the JSON lines).
With `--faults RATE` the emulator injects AWS's faults (throttling and 5xx answers, Lambda crashes,
EXPRESS children run twice, events delivered twice or late: emulator/faults.py) at that rate, seeded
by `--seed`; each file's `--json` line then has `faults_injected`, the faults by kind while it ran.
With `--range-bytes N` (emulator only) the large lane splits an uncompressed JSON Lines file of more
than N bytes into ranges of N bytes, each validated by its own invocation (handlers/flows/ranges.py); each
file's `validations` says how many validator invocations read its records.
With `--turn-records N` (emulator only) every large-lane validator turn stops after N records at a
record boundary and the state machine continues the file from its checkpoint (handlers/flows/turns.py), as
a turn on AWS does near its time budget; `validations` then counts the turns.

Over 300 lines: the command's options, its per-file table and JSON lines, the heartbeat and the exit status
are one command.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handlers.seams.ledgeritem import (
    LEDGER_DUPLICATES,
    LEDGER_REJECTED,
    LEDGER_REJECTED_BY_REASON,
    LEDGER_STORED,
)
from sales_pipeline import inputs
from sales_pipeline.parsing import OneLineParser

# The record contract the deployed validator carries (handlers/ is its code), as errors name it.
CONTRACT = Path(__file__).resolve().parent / "handlers" / "record_contract.json"
CONTRACT_NAME = "handlers/record_contract.json"

if TYPE_CHECKING:
    from emulator.faults import FaultConfig
    from emulator.outcome import FileOutcome

COLUMNS = ("file", "status", "records", "stored", "duplicates", "rejected", "file_rejected", "reasons")
HEARTBEAT_SECONDS = 5.0
HEARTBEAT_ENV = "SIMULATE_HEARTBEAT_SECONDS"
EXIT_STATUSES = (
    "exit status: 0 every execution SUCCEEDED and every record is accounted for; 1 otherwise (lost records "
    "are named; an AWS configuration error, such as an unknown AWS_PROFILE, in one line); 2 a usage error (a "
    "missing file, a name the bucket's rule ignores) or a record contract the validator cannot load"
)


class UsageError(Exception):
    """A problem with the arguments, reported before anything is deployed."""


def expand(arguments: Sequence[str]) -> list[tuple[str, Path]]:
    """(name as given, path) per file; a directory stands for the files directly inside it."""
    try:
        return inputs.expand(arguments, verb="upload", ignored_by="the bucket's rule")
    except inputs.InputError as error:
        raise UsageError(str(error)) from None


@dataclass(frozen=True)
class Report:
    """One file as given on the command line, and what happened to it."""

    given: str
    result: FileOutcome
    faults_injected: dict[str, int] | None = None

    def row(self) -> dict[str, Any]:
        row = {"file": self.given, **self.result.summary()}
        if self.faults_injected is not None:
            row["faults_injected"] = self.faults_injected
        return row

    @property
    def accounted(self) -> bool:
        """The execution succeeded and every record is stored, a duplicate or rejected."""
        return self.result.status == "SUCCEEDED" and not self.result.problems


def simulate(
    files: list[tuple[str, Path]],
    *,
    progress: bool,
    heartbeat: bool = True,
    fault_config: FaultConfig | None = None,
    range_bytes: int | None = None,
    turn_records: int | None = None,
) -> list[Report]:
    """Deploy a fresh stack, upload the files, wait for their executions, report each file.
    `progress`: a line per finished execution; `heartbeat`: the running counts every few seconds;
    `fault_config`: under injected faults, counted per file."""
    import emulator
    from emulator import faults, outcome

    if progress:
        print("deploying output/template.json into the emulator...", file=sys.stderr)
    stack = emulator.deploy_stack()
    if range_bytes is not None:
        from emulator.splitting import set_range_bytes

        set_range_bytes(stack, range_bytes)
    if turn_records is not None:
        from emulator.splitting import set_turn_records

        set_turn_records(stack, turn_records)
    skipped = [f"{logical_id} ({kind})" for logical_id, kind in emulator.not_emulated()]
    if progress and skipped:
        print(f"not emulated (moto cannot create them): {', '.join(skipped)}", file=sys.stderr)
    # One file at a time, each after the previous one's executions finished: conflicts between files
    # resolve in argument order, and each file is reconciled against the table as it left it.
    if fault_config is not None:
        faults.configure(fault_config)
    executions = outcome.Executions(stack)
    inbox = outcome.ReviewInbox(stack)
    end = "\r" if sys.stderr.isatty() else "\n"
    reports = []
    for number, (given, path) in enumerate(files, start=1):
        before = faults.injected()
        target = outcome.upload_file(stack, path)
        label = f"file {number}/{len(files)} {path.name}"
        reporters = [_progress_line(label, end=end)] if progress else []
        if heartbeat:
            reporters.append(_heartbeat(label, _so_far(stack, executions, target), _heartbeat_seconds()))
        found = executions.wait([target], on_progress=_each(reporters) if reporters else None)
        result = outcome.outcome(stack, target, found[target], inbox)
        if result.failure:
            print(f"{given}: execution {result.status}: {result.failure}", file=sys.stderr)
        if result.count is not None and result.count.origin == "validator":
            print(
                f"{given}: the file ledger holds no record count; records are the validator's count "
                "(from the execution history)",
                file=sys.stderr,
            )
        injected = faults.since(before, faults.injected()) if fault_config is not None else None
        reports.append(Report(given, result, injected))
    if progress and end == "\r":
        print(file=sys.stderr)
    return reports


def _fault_config(rate: float | None, seed: int) -> FaultConfig | None:
    if rate is None:
        return None
    from emulator.faults import FaultConfig

    try:
        return FaultConfig(rate=rate, seed=seed)
    except ValueError as error:
        raise UsageError(f"--faults: {error}") from None


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


def _heartbeat_seconds() -> float:
    try:
        return max(0.5, float(os.environ.get(HEARTBEAT_ENV, "") or HEARTBEAT_SECONDS))
    except ValueError:
        return HEARTBEAT_SECONDS


def _each(reporters: list[Callable[[int, int], None]]) -> Callable[[int, int], None]:
    def report(finished: int, total: int) -> None:
        for reporter in reporters:
            reporter(finished, total)

    return report


def _so_far(stack: Any, executions: Any, target: Any) -> Callable[[], dict[str, int | None]]:
    """Reads the counts so far: classified (the validator's result, once it has one), stored,
    duplicates and rejected (the ledger item's counters, which each batch adds to)."""
    from emulator import outcome

    found: dict[str, int | None] = {}

    def read() -> dict[str, int | None]:
        if found.get("classified") is None:
            validation = outcome.validation_result(stack, executions.for_upload(target)) or {}
            records = validation.get("records")
            found["classified"] = records if isinstance(records, int) else None
        ledger = outcome.plain_value({"M": outcome.ledger_item(stack, target) or {}}) or {}
        for name in ("stored", "duplicates", "rejected"):
            value = ledger.get(name)
            found[name] = value if isinstance(value, int) else None
        return dict(found)

    return read


def heartbeat_line(label: str, elapsed: float, counts: dict[str, int | None]) -> str:
    """`file 1/2 a.json: 15s, records classified 300, stored 120, duplicates 0, rejected 4 so far`."""
    said = ", ".join(
        f"{'records ' if name == 'classified' else ''}{name} {'-' if n is None else n}"
        for name, n in counts.items()
    )
    return f"{label}: {elapsed:.0f}s, {said} so far"


def _heartbeat(
    label: str,
    read: Callable[[], dict[str, int | None]],
    every: float,
    clock: Callable[[], float] = time.monotonic,
) -> Callable[[int, int], None]:
    """A reporter printing heartbeat_line on stderr every `every` seconds (a failed read is skipped:
    the heartbeat never stops the run)."""
    started = clock()
    due = [started + every]

    def report(finished: int, total: int) -> None:
        now = clock()
        if now < due[0]:
            return
        due[0] = now + every
        try:
            counts = read()
        except Exception:  # the emulator is busy or the item is not there yet: next time
            return
        print(heartbeat_line(label, now - started, counts), file=sys.stderr, flush=True)

    return report


def _reasons_cell(result: FileOutcome) -> str:
    """`missing_contact_info 13, contract_violation 7` (a file rejection's reason without a count)."""
    return ", ".join(r if n is None else f"{r} {n}" for r, n in result.reason_counts()) or "-"


def render_table(reports: list[Report], *, reviews: bool = False) -> str:
    """A short fixed-width table, one line per file; under a file's line, its problems (lost records
    first) and, with `reviews`, its ledger entry and its review messages."""
    cells = [
        [_reasons_cell(report.result) if c == "reasons" else _cell(report.row()[c]) for c in COLUMNS]
        for report in reports
    ]
    widths = [max(len(c), *(len(line[i]) for line in cells)) for i, c in enumerate(COLUMNS)]
    lines = ["  ".join(c.upper().ljust(w) for c, w in zip(COLUMNS, widths, strict=True)).rstrip()]
    for report, line in zip(reports, cells, strict=True):
        lines.append("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())
        lines += [f"  problem: {problem}" for problem in report.result.problems]
        if reviews:
            lines += [f"  {text}" for text in _details(report.result)]
    return "\n".join(lines)


def _details(result: FileOutcome) -> list[str]:
    """The file's ledger entry, then one line per review message: codes, positions and the pipeline's
    fixed sentences only (a review's record, item or pointer is never printed)."""
    lines = [_ledger_line(result)]
    rules = (result.ledger or {}).get("rejected_by_rule") or {}
    if rules:
        ranked = sorted(rules.items(), key=lambda item: (-item[1], item[0]))
        lines.append("  rejected by rule: " + ", ".join(f"{rule} {n}" for rule, n in ranked))
    for review in _sorted_reviews(result.reviews):
        if review.get("file_rejected"):
            where = _position(review.get("position"))
            lines.append(f"file review: {review.get('reason')}: {review.get('message')}{where}")
            summary = review.get("rejections") or {}
            counts = summary.get("counts") or {}
            if counts:
                lines.append("  rejected: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
            for example in summary.get("examples") or []:
                lines.append(f"  example: {_said(example)}")
        else:
            lines.append(f"review: {_said(review)}")
            # A violation that only repeats the reason (a DynamoDB rule, an unparseable line) is left out.
            lines += [
                f"  violation: {_violation(found)}"
                for found in review.get("violations") or []
                if found.get("rule") != review.get("reason")
            ]
            if review.get("violations_omitted"):
                lines.append(f"  violations not listed: {review['violations_omitted']}")
    return lines


def _violation(found: dict[str, Any]) -> str:
    """`/order-info/quantity minimum: <the contract's sentence>` (paths and the contract only)."""
    return f"{found.get('path') or '(record)'} {found.get('rule')}: {found.get('message')}"


def _position(position: dict[str, Any] | None) -> str:
    """` (line 1, column 14, offset 13)` or ` (byte offset 7)`; empty without a position."""
    if not position:
        return ""
    names = ("line", "column", "offset", "byte_offset")
    return " (" + ", ".join(f"{n.replace('_', ' ')} {position[n]}" for n in names if n in position) + ")"


def _ledger_line(result: FileOutcome) -> str:
    ledger, count = result.ledger, result.count
    if ledger is None:
        return "ledger: no item for this file"
    status = ledger.get("status", "-")
    if ledger.get("lane"):
        # Which state machine claimed the file last: express (small-file lane) or standard.
        status += f", lane {ledger['lane']}"
    if ledger.get("file_rejected") is True:
        return f"ledger: status {status}, file rejected ({ledger.get('reason')})"
    if "records" in ledger:
        parts = ", ".join(f"{name} {ledger.get(name, '-')}" for name in ("valid", "large", "invalid"))
        counts = f"records {ledger['records']} ({parts}){_outcomes(ledger)}"
        return f"ledger: status {status}, {counts}, file_rejected no"
    missing = f"ledger: status {status}, no record count"
    if count is not None and count.origin == "validator":
        if count.file_rejected:
            return f"{missing} (the validator rejected the file: {count.reason})"
        return f"{missing} (the validator counted records {count.records})"
    return missing


def _outcomes(ledger: dict[str, Any]) -> str:
    """`, stored 2, duplicates 1, rejected 3 (conflict 1, missing_order_id 2)`: the ledger's own
    reconciliation of a DONE file (records = stored + duplicates + rejected), when it has one."""
    if LEDGER_STORED not in ledger:
        return ""
    by_reason = sorted((ledger.get(LEDGER_REJECTED_BY_REASON) or {}).items())
    reasons = ", ".join(f"{r} {n}" for r, n in by_reason if n)
    text = f", stored {ledger[LEDGER_STORED]}, duplicates {ledger.get(LEDGER_DUPLICATES, '-')}, "
    return text + f"rejected {ledger.get(LEDGER_REJECTED, '-')}" + (f" ({reasons})" if reasons else "")


def _said(review: dict[str, Any]) -> str:
    """`index 2 line 3 missing_order_info: <the pipeline's sentence>`."""
    line = review.get("line")
    position = f"index {review.get('record_index')}" + (f" line {line}" if line is not None else "")
    return f"{position} {review.get('reason')}: {review.get('message')}"


def _sorted_reviews(reviews: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """File reviews first, then record reviews by index."""
    return sorted(reviews, key=lambda r: (not r.get("file_rejected"), r.get("record_index") or 0))


def _details_json(result: FileOutcome) -> dict[str, Any]:
    """--json --reviews: the ledger entry, where `records` came from, and each review without content."""
    fields = (
        "reason",
        "record_index",
        "line",
        "message",
        "file_rejected",
        "rejections",
        "minimal",
        "violations",
        "violations_omitted",
        "rules",
        "position",
    )
    return {
        "records_from": result.count.origin if result.count else "unknown",
        "ledger": result.ledger,
        "reviews": [{k: r.get(k) for k in fields} for r in _sorted_reviews(result.reviews)],
    }


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ",".join(value) or "-"
    return str(value)


def main(argv: Sequence[str] | None = None) -> int:
    parser = OneLineParser(description=__doc__.splitlines()[0] if __doc__ else None, epilog=EXIT_STATUSES)
    parser.add_argument("files", nargs="+", metavar="FILE", help="a file to upload, or a directory of files")
    parser.add_argument("--json", action="store_true", help="one JSON object per file per line on stdout")
    parser.add_argument(
        "--reviews",
        action="store_true",
        help="also show each file's ledger entry and each rejected record's review (no record content)",
    )
    parser.add_argument(
        "--faults",
        type=float,
        metavar="RATE",
        help="inject AWS's faults at this rate (0..1) into every call, child and event (emulator/faults.py)",
    )
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="the faults' seed (default 0)")
    parser.add_argument(
        "--range-bytes",
        type=int,
        metavar="N",
        help="emulator only: split a large-lane JSON Lines file of more than N bytes into ranges of N bytes",
    )
    parser.add_argument(
        "--turn-records",
        type=int,
        metavar="N",
        help="emulator only: stop every large-lane validator turn after N records and continue from there",
    )
    arguments = parser.parse_args(argv)
    try:
        fault_config = _fault_config(arguments.faults, arguments.seed)
        if arguments.range_bytes is not None and arguments.range_bytes < 1:
            raise UsageError("--range-bytes must be 1 or more")
        if arguments.turn_records is not None and arguments.turn_records < 1:
            raise UsageError("--turn-records must be 1 or more")
        files = expand(arguments.files)
    except UsageError as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    # A contract the validator cannot load would fail every execution without naming why: say it first.
    from handlers.recordcontract.buildcheck import shipping_problems
    from handlers.recordcontract.compiler import ContractError

    problems = shipping_problems(CONTRACT, name=CONTRACT_NAME)
    if problems:
        raise ContractError(problems)  # the command says it in one line, exit status 2
    # moto warns about every template resource it skips and every unenforced ASL field.
    logging.getLogger("moto").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    try:
        reports = simulate(
            files,
            progress=not arguments.json,
            heartbeat=True,
            fault_config=fault_config,
            range_bytes=arguments.range_bytes,
            turn_records=arguments.turn_records,
        )
    except (RuntimeError, TimeoutError) as error:  # DeployError is a RuntimeError
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 1
    if arguments.json:
        for report in reports:
            for problem in report.result.problems:
                print(f"{report.given}: {problem}", file=sys.stderr)
            row = report.row()
            if arguments.reviews:
                row |= _details_json(report.result)
            print(json.dumps(row))
    else:
        print(render_table(reports, reviews=arguments.reviews))
    return 0 if all(report.accounted for report in reports) else 1


if __name__ == "__main__":  # `python simulate.py ...`: an alias of `sales-pipeline simulate ...`
    from sales_pipeline.main import main as command

    sys.exit(command(["simulate", *sys.argv[1:]]))
