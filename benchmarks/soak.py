"""A seeded soak: many files of every accepted form through the emulated stack under AWS's faults.

    python -m benchmarks.soak [--files 200] [--faults 0.05] [--seed 1] [--only KEY ...] [--json]

Files (benchmarks/soak.py `corpus`): JSON Lines, arrays, orders wrappers, each plain and gzipped,
in both lanes (at most 64 KiB: the small-file lane; larger: the Distributed Map lane); the hostile
files of tests/fixtures/files and records from tests/unit/handlers/edgecorpus.py; order_ids drawn
partly from a shared pool (the same order in several files, identical or different); some keys
uploaded twice in a row (a newer version of the same key). All seeded.

Each group of uploads runs to its end under the faults of emulator/faults.py (one rate, one seed),
then is reconciled by emulator/outcome.py (emulator/reconcile.py). Reported: files DONE and FAILED,
faults injected and limits enforced by kind, records lost (an index neither in the table nor in a review),
counted twice (a DONE ledger counting more stored + duplicates + rejected than the file has
records), items overwritten (an order_id whose stored hash changed after it was stored), review
messages repeated (an index reviewed more than once: at-least-once delivery, not a loss), and, with
faults off, whether every FAILED file completes when its event is sent again (a new execution of
the state machine its event went to, with the same event).

`--only KEY` (repeatable) sends only the upload groups holding that key, from the same seeded corpus:
a finding of the whole soak reduced to its file, under the same fault rate and seed.

Over 300 lines: the soak's files of every accepted form, its fault schedule and its report are one
benchmark.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import random
import sys
import time
import uuid
import warnings
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from handlers.seams.ledgeritem import (
    LEDGER_DUPLICATES,
    LEDGER_RECORDS,
    LEDGER_REJECTED,
    LEDGER_STATUS,
    LEDGER_STATUS_DONE,
    LEDGER_STORED,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_FILES = ROOT / "tests" / "fixtures" / "files"
SMALL_LANE_BYTES = 64 * 1024


@dataclass(frozen=True)
class SoakFile:
    key: str
    body: bytes
    form: str


def _order(rng: random.Random, order_id: str, *, pad: int = 0) -> dict[str, Any]:
    record: dict[str, Any] = {
        "order-info": {
            "order_id": order_id,
            "item": rng.choice(("Laptop", "Desk", "Lamp", "Chair")),
            "quantity": rng.randint(1, 5),
            "price": f"{rng.randint(1, 99999) / 100:.2f}",
        },
        "contact-info": {"name": "Soak Buyer", "email": "buyer@example.com"},
    }
    if pad:
        record["notes"] = "n" * pad
    return record


def _encode(records: list[Any], form: str) -> bytes:
    if form == "lines":
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    elif form == "array":
        text = json.dumps(records, ensure_ascii=False)
    else:
        text = json.dumps({"orders": records}, ensure_ascii=False)
    return text.encode("utf-8")


SUFFIX = {"lines": ".jsonl", "array": ".json", "orders": ".json"}


def corpus(files: int, seed: int) -> list[list[SoakFile]]:
    """`files` files (at least), in upload groups: a group is one file, or two versions of one key."""
    from tests.unit.handlers import edgecorpus

    rng = random.Random(seed)
    shared = [f"shared-{seed}-{n}" for n in range(max(4, files // 8))]
    groups: list[list[SoakFile]] = []
    fixtures = sorted(p for p in FIXTURE_FILES.iterdir() if p.is_file())
    count = 0

    def next_id(n: int) -> str:
        return rng.choice(shared) if rng.random() < 0.3 else f"soak-{seed}-{len(groups)}-{n}"

    while count < files:
        number = len(groups)
        kind = number % 10
        if kind in (0, 4) and fixtures:
            path = fixtures.pop(0)
            group = [SoakFile(f"soak/{number}-{path.name}", path.read_bytes(), "fixture")]
        elif kind == 1:
            text = edgecorpus.lines(rng.randint(3, 12), seed * 1000 + number)
            group = [SoakFile(f"soak/{number}-edge.jsonl", text.encode("utf-8"), "edge")]
        else:
            form = ("lines", "array", "orders")[number % 3]
            large = kind in (2, 5)
            size = rng.randint(30, 60) if large else rng.randint(1, 12)
            pad = 2500 if large else 0
            records: list[Any] = [_order(rng, next_id(n), pad=pad) for n in range(size)]
            if rng.random() < 0.2 and records:  # the same order twice in one file
                records.append(rng.choice(records))
            body = _encode(records, form)
            suffix = SUFFIX[form]
            if number % 4 == 3:
                body, suffix = gzip.compress(body, mtime=0), suffix + ".gz"
            key = f"soak/{number}-{form}{suffix}"
            group = [SoakFile(key, body, form + ("-large" if len(body) > SMALL_LANE_BYTES else "-small"))]
            if kind == 7:  # a newer version of the same key, uploaded right after
                newer = _encode([_order(rng, next_id(n)) for n in range(rng.randint(1, 5))], form)
                if suffix.endswith(".gz"):
                    newer = gzip.compress(newer, mtime=0)
                group.append(SoakFile(key, newer, form + "-newer-version"))
        groups.append(group)
        count += len(group)
    return groups


@dataclass
class SoakReport:
    files: int = 0
    done: int = 0
    failed: int = 0
    forms: dict[str, int] = field(default_factory=dict)
    faults_injected: dict[str, int] = field(default_factory=dict)
    limits_enforced: dict[str, int] = field(default_factory=dict)
    records: int = 0
    records_lost: int = 0
    counted_twice: int = 0
    reviews_repeated: int = 0
    items_overwritten: int = 0
    redelivered: int = 0
    completed_on_redelivery: int = 0
    not_completed: list[str] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        return [
            f"files {self.files}: DONE {self.done}, FAILED {self.failed} (forms: {_kinds(self.forms)})",
            f"faults injected: {_kinds(self.faults_injected) or 'none'}",
            f"limits enforced: {_kinds(self.limits_enforced) or 'none'}",
            f"first-run failures: {_kinds(self.failures) or 'none'}",
            f"records {self.records}: lost {self.records_lost}, counted twice {self.counted_twice}, "
            f"items overwritten {self.items_overwritten} (review messages repeated: {self.reviews_repeated})",
            f"FAILED files re-sent with faults off: {self.redelivered}, "
            f"completed {self.completed_on_redelivery}"
            + (f", not completed: {', '.join(self.not_completed)}" if self.not_completed else ""),
            f"wall time {self.seconds:.0f} s",
        ]


def _kinds(counts: dict[str, int]) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items()))


@dataclass
class _Tracked:
    file: SoakFile
    target: Any
    executions: list[dict[str, Any]]
    result: Any


def _first_failure(stack: Any, executions: list[dict[str, Any]]) -> str:
    """`State: Error` of what failed the first execution that did not succeed: its last failure
    event before the run entered its failure path (MarkFileFailed, PipelineFailed), else before the
    execution's own. Earlier ones were retried or caught and did not end the run (e.g. StoreRecord's
    ConditionalCheckFailedException, caught on every conflict)."""
    from workflow.names import MARK_FILE_FAILED, PIPELINE_FAILED

    failed = next((e for e in executions if e["status"] != "SUCCEEDED"), None)
    if failed is None:
        return ""
    if failed["status"] != "FAILED":
        return str(failed["status"])
    pages = stack.clients.stepfunctions.get_paginator("get_execution_history").paginate(
        executionArn=failed["executionArn"]
    )
    state = "?"
    last: tuple[str, dict[str, Any]] | None = None
    for event in (e for page in pages for e in page["events"]):
        if "stateEnteredEventDetails" in event:
            state = event["stateEnteredEventDetails"]["name"]
            if state in (MARK_FILE_FAILED, PIPELINE_FAILED) and last is not None:
                break
        for name, details in event.items():
            if not (name.endswith("FailedEventDetails") and isinstance(details, dict)):
                continue
            if details.get("error") and (name != "executionFailedEventDetails" or last is None):
                last = (state, details)
    if last is None:
        return f"FAILED: {failed.get('error')}"
    state, details = last
    if os.environ.get("SOAK_CAUSES"):  # a diagnosis aid: the failure's cause on stderr
        print(f"soak: {state}: {details['error']}: {str(details.get('cause'))[:600]}", file=sys.stderr)
    return f"{state}: {details['error']!s}"


def _judge(result: Any) -> tuple[bool, str]:
    """(DONE, why not): every execution succeeded, the ledger says DONE, every record accounted."""
    ledger = result.ledger or {}
    if result.status != "SUCCEEDED":
        return False, f"execution {result.status}"
    if ledger.get(LEDGER_STATUS) != LEDGER_STATUS_DONE:
        return False, f"ledger {ledger.get(LEDGER_STATUS)}"
    if result.problems:
        return False, "reconciliation"
    return True, ""


def _counted_twice(result: Any) -> int:
    """Records a DONE ledger counts more than once: stored + duplicates + rejected past records."""
    ledger = result.ledger or {}
    records = ledger.get(LEDGER_RECORDS)
    done = ledger.get(LEDGER_STATUS) == LEDGER_STATUS_DONE
    if not done or not isinstance(records, int) or LEDGER_STORED not in ledger:
        return 0
    total = ledger[LEDGER_STORED] + ledger.get(LEDGER_DUPLICATES, 0) + ledger.get(LEDGER_REJECTED, 0)
    return max(0, int(total) - records)


def _reviews_repeated(result: Any) -> int:
    """Review messages naming a record index another message of the same file already names (an
    at-least-once repeat: a child run twice, a file re-sent after a failure)."""
    indices = Counter(r.get("record_index") for r in result.reviews if not r.get("file_rejected"))
    return sum(n - 1 for index, n in indices.items() if index is not None and n > 1)


def run(
    files: int, rate: float, seed: int, *, progress: bool = False, only: frozenset[str] = frozenset()
) -> SoakReport:
    """Deploy a fresh stack, send the corpus through it under faults, re-send what FAILED.

    `only`: send only the corpus's upload groups holding one of these keys (all when empty)."""
    from emulator import faults

    try:
        return _run(files, rate, seed, progress=progress, only=only)
    finally:
        faults.configure(faults.FaultConfig())


def select(groups: list[list[SoakFile]], only: frozenset[str]) -> list[list[SoakFile]]:
    """The groups holding one of the keys in `only` (every group when it is empty); an unknown key
    is an error, so a reproduction never runs silently empty."""
    if not only:
        return groups
    unknown = sorted(only - {f.key for group in groups for f in group})
    if unknown:
        raise ValueError(f"not in the corpus: {', '.join(unknown)}")
    return [group for group in groups if any(f.key in only for f in group)]


def _run(files: int, rate: float, seed: int, *, progress: bool, only: frozenset[str]) -> SoakReport:
    import emulator
    from emulator import faults, outcome

    started = time.monotonic()
    logging.getLogger("moto").setLevel(logging.CRITICAL)
    logging.getLogger("moto.stepfunctions").setLevel(logging.CRITICAL)
    warnings.filterwarnings("ignore")
    stack = emulator.deploy_stack()
    executions = outcome.Executions(stack)
    inbox = outcome.ReviewInbox(stack)
    report = SoakReport()
    faults.configure(faults.FaultConfig(rate=rate, seed=seed))
    hashes: dict[str, str] = {}
    tracked: list[_Tracked] = []
    groups = select(corpus(files, seed), only)
    for number, group in enumerate(groups, start=1):
        late = faults.injected().get(faults.EVENT_LATE, 0)
        uploaded = time.monotonic()
        targets = [outcome.upload(stack, f.key, f.body) for f in group]
        found = executions.wait(targets, timeout=900)
        if faults.injected().get(faults.EVENT_LATE, 0) > late:
            # A late delivery starts up to LATE_SECONDS after its upload: the group ends with it, not
            # before it (it would run during the next group, and its file be judged without it).
            time.sleep(max(0.0, uploaded + faults.LATE_SECONDS[1] + 0.5 - time.monotonic()))
            found = executions.wait(targets, timeout=900)
        for soak_file, target in zip(group, targets, strict=True):
            result = outcome.outcome(stack, target, found[target], inbox)
            tracked.append(_Tracked(soak_file, target, found[target], result))
        current = outcome.table_view(stack).hashes
        report.items_overwritten += sum(1 for k, h in hashes.items() if current.get(k) not in (None, h))
        hashes.update(current)
        if progress:
            print(f"soak: group {number}/{len(groups)}", file=sys.stderr)
    report.faults_injected = faults.injected()
    report.limits_enforced = faults.limits()
    faults.configure(faults.FaultConfig())
    final = []
    for item in tracked:
        report.files += 1
        report.forms[item.file.form] = report.forms.get(item.file.form, 0) + 1
        done, why = _judge(item.result)
        if done:
            report.done += 1
            final.append(item.result)
            continue
        report.failed += 1
        cause = _first_failure(stack, item.executions) or why
        report.failures[cause] = report.failures.get(cause, 0) + 1
        report.redelivered += 1
        result = _redeliver(stack, executions, inbox, item)
        if _judge(result)[0]:
            report.completed_on_redelivery += 1
        else:
            problems = "; ".join(result.problems) or _judge(result)[1]
            report.not_completed.append(f"{item.file.key} (first run: {cause}; re-sent: {problems})")
        final.append(result)
    for result in final:
        report.records += result.records or 0
        report.records_lost += len(result.lost)
        report.counted_twice += _counted_twice(result)
        report.reviews_repeated += _reviews_repeated(result)
    report.seconds = time.monotonic() - started
    return report


def _redeliver(stack: Any, executions: Any, inbox: Any, item: _Tracked) -> Any:
    """Send the file's event again (what EventBridge's redelivery or an operator does): a new
    execution of the state machine the event went to, with the same event, faults off."""
    from emulator import outcome

    first = item.executions[0] if item.executions else None
    if first is None:
        return item.result
    stack.clients.stepfunctions.start_execution(
        stateMachineArn=first["stateMachineArn"], name=f"redeliver-{uuid.uuid4()}", input=first["input"]
    )
    # Executions.wait counts deliveries: each execution started by an event, plus the large-lane
    # execution a small-lane hand-off starts.
    deliveries = len(item.executions) - sum(map(outcome.handed_off, item.executions)) + 1
    found = executions.wait([item.target], at_least=deliveries, timeout=900)[item.target]
    known = {e["executionArn"] for e in item.executions}
    sent = [e for e in found if e["executionArn"] not in known]
    # Reconciled against the newest run that validated the file, whichever delivery that was: a
    # re-delivery that finds the file DONE (completed meanwhile by a second or late delivery of its
    # event) ends AlreadyProcessed without validating, and a small-lane file has no manifest in S3
    # (its entries are in the validator's result), so reconciling only the re-delivery's own
    # executions counted every stored record of such a file as lost. The status is the re-delivery's.
    result = outcome.outcome(stack, item.target, found, inbox)
    failed = next((e for e in sent if e["status"] != "SUCCEEDED"), None)
    return replace(
        result,
        status=failed["status"] if failed else "SUCCEEDED" if sent else "NOT_STARTED",
        failure=f"{failed.get('error')}: {failed.get('cause')}" if failed else None,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--faults", type=float, default=0.05, metavar="RATE")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", action="append", default=[], metavar="KEY")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    try:
        select(corpus(args.files, args.seed), frozenset(args.only))
    except ValueError as error:
        parser.error(str(error))
    report = run(args.files, args.faults, args.seed, progress=not args.json, only=frozenset(args.only))
    if args.json:
        print(json.dumps(asdict(report), sort_keys=True))
    else:
        print(f"## Soak: {args.files} files, fault rate {args.faults}, seed {args.seed}")
        print("\n".join(report.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
