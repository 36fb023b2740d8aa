"""The whole pipeline in the emulator, counted, and what it costs in dollars per million records.

    python -m benchmarks.pipeline [--sizes 1 100 1000] [--scale 10000 1000000] [--profile sample]
                                  [--validator-rate R] [--json]

Deploys output/template.json into the moto emulator and sends files through it: one valid and one
invalid one-record file, then one file per size (every 10th record invalid). For each file it counts,
where they happen, every request the pipeline makes to the emulated AWS (Step Functions' service
integrations and the Lambda handlers' own calls) by service and operation, every state entered
(parent and Distributed Map children), the DynamoDB size of every stored item (write units) and the
size of every review message (SQS requests). benchmarks/cost.py prices the counts; larger files
(--scale) are the two largest measured files' per-file and per-record parts scaled, with the batch
count from the validator core run on the same records. Prints the markdown table the README quotes.
Throughput here is moto's interpreter (tens of records/s), not AWS's: it is not reported as speed.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import time
import uuid
import warnings
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks import cost, orders, prices
from benchmarks.contenders import MemorySink
from benchmarks.counting import counting
from benchmarks.itemsize import item_bytes
from benchmarks.usage import Assumptions, Run, Scenario, extrapolate, scenario, unpriced

ROOT = Path(__file__).resolve().parent.parent
CORE_BATCH_SAMPLE = 10_000


def _sqs_payload_bytes(message: dict[str, Any]) -> int:
    """A message's billed payload: its body and its attributes (names, types, values)."""
    size = len(message["Body"].encode("utf-8"))
    for name, attribute in message.get("MessageAttributes", {}).items():
        value = attribute.get("StringValue") or ""
        size += len(name.encode()) + len(attribute.get("DataType", "").encode()) + len(value.encode())
    return size


def _drain(stack: Any) -> list[dict[str, Any]]:
    sqs, url = stack.clients.sqs, stack.output("ReviewQueueUrl")
    messages: list[dict[str, Any]] = []
    while True:
        received = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=300, MessageAttributeNames=["All"]
        ).get("Messages", [])
        if not received:
            return messages
        for message in received:
            messages.append(message)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def _states_entered(stack: Any, execution: dict[str, Any]) -> int:
    paginator = stack.clients.stepfunctions.get_paginator("get_execution_history")
    pages = paginator.paginate(executionArn=execution["executionArn"])
    return sum(e["type"].endswith("StateEntered") for page in pages for e in page["events"])


def _s3_event(stack: Any, target: Any, size: int) -> dict[str, Any]:
    """The S3 Object Created event EventBridge would deliver for `target` (the fields the ASL reads)."""
    found: dict[str, Any] = {"key": target.key, "size": size, "etag": target.etag}
    if target.version_id:
        found["version-id"] = target.version_id
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Object Created",
        "source": "aws.s3",
        "detail": {"version": "0", "bucket": {"name": stack.output("BucketName")}, "object": found},
    }


def count_file(stack: Any, key: str, body: bytes, *, standard_only: bool = False) -> Run:
    """Upload one file, wait for it, and count what it cost.

    `standard_only`: today's design before the small-file lane, measured in the same stack: the
    SmallFileRule is disabled while the file is uploaded and its STANDARD execution is started with
    the event the rule would have delivered (a `states` request, which is not counted as the pipeline's).
    """
    from emulator import outcome

    executions = outcome.Executions(stack)
    small_rule = stack.resources.get("SmallFileRule") if standard_only else None
    if small_rule:
        stack.clients.events.disable_rule(Name=small_rule)
    try:
        with counting() as (requests, states):
            target = outcome.upload(stack, key, body)
            if standard_only:
                stack.clients.stepfunctions.start_execution(
                    stateMachineArn=stack.output("StateMachineArn"),
                    name=f"bench-{uuid.uuid4()}",
                    input=json.dumps(_s3_event(stack, target, len(body))),
                )
            found = executions.wait([target], timeout=3600)[target]
    finally:
        if small_rule:
            stack.clients.events.enable_rule(Name=small_rule)
    failed = [e["status"] for e in found if e["status"] != "SUCCEEDED"]
    if failed:
        raise RuntimeError(f"{key}: an execution ended {failed[0]}")
    small_arn = stack.outputs.get("SmallFileStateMachineArn")
    express = [e for e in found if e["stateMachineArn"] == small_arn]
    parents = [e for e in found if e["stateMachineArn"] != small_arn]
    parent_states = sum(_states_entered(stack, e) for e in parents)
    express_states = sum(_states_entered(stack, e) for e in express)
    # The newest execution validated the file last (after a hand-off: the large-file one).
    summary = json.loads(found[-1].get("output") or "{}").get("validation", {})
    # The benchmark's own calls (the upload, polling Step Functions) are not the pipeline's.
    pipeline = {f"{s}:{o}": n for (s, o), n in sorted(requests.items()) if s != "states"}
    pipeline["s3:PutObject"] -= 1
    pipeline = {name: n for name, n in pipeline.items() if n}
    items = outcome.stored_items(stack, target)
    messages = _drain(stack)
    return Run(
        records=int(summary.get("records") or 0),
        valid=int(summary.get("valid") or 0),
        invalid=int(summary.get("invalid") or 0),
        large=int(summary.get("large") or 0),
        batches=int(summary.get("batches") or 0) if parents else 0,
        requests=pipeline,
        parent_states=parent_states,
        child_states=states["all"] - parent_states - express_states,
        order_items=len(items),
        order_write_units=sum(cost.write_units(item_bytes(item)) for item in items),
        review_messages=len(messages),
        review_sqs_requests=sum(cost.sqs_requests(_sqs_payload_bytes(m)) for m in messages),
        express_executions=len(express),
        express_states=express_states,
    )


def core_records_per_batch(profile: str, records: int = CORE_BATCH_SAMPLE) -> tuple[float, float]:
    """(records per batch, records/s) of the validator core on `records` generated records."""
    import os

    from handlers.pipeline import process_file

    os.environ.setdefault("MAX_REJECTED_RECORDS", str(10**12))
    body = orders.body(records, profile=profile)
    sink = MemorySink()
    source = {"bucket": "bench", "key": "cost.jsonl", "version_id": None, "etag": "0"}

    class Body:
        def __init__(self) -> None:
            self.position = 0

        def read(self, amt: int = -1, /) -> bytes:
            end = len(body) if amt < 0 else self.position + amt
            data, self.position = body[self.position : end], min(end, len(body))
            return data

    started = time.perf_counter()
    summary = process_file(Body(), source=source, manifest=sink, claims=sink)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    return records / max(1, summary.batches), records / seconds


def template_memory_mb() -> int:
    template = json.loads((ROOT / "output" / "template.json").read_text())
    return int(template["Parameters"].get("ValidatorMemorySize", {}).get("Default", 1024))


def small_file_definition_bytes() -> int:
    path = ROOT / "output" / "smallfile.asl.json"
    return len(path.read_text()) if path.is_file() else 30_000


def child_definition_bytes() -> int:
    asl = json.loads((ROOT / "output" / "statemachine.asl.json").read_text())
    for state in asl.get("States", {}).values():
        processor = state.get("ItemProcessor")
        if processor:
            return len(json.dumps(processor))
    return 20_000


def _bodies(sizes: list[int], profile: str, prefix: str) -> dict[str, bytes]:
    """A valid and an invalid one-record file, and one file per size, their order ids under `prefix`."""
    valid, invalid = orders.records(2, invalid_every=2, profile=profile, prefix=f"{prefix}-single")
    bodies = {"1 valid": orders.encode(valid).encode(), "1 invalid": orders.encode(invalid).encode()}
    for size in sizes:
        if size > 1:
            bodies[str(size)] = orders.body(size, profile=profile, prefix=f"{prefix}-{size}")
    return bodies


def measure(sizes: list[int], profile: str) -> tuple[dict[str, Run], dict[str, Run]]:
    """Deploy once; run the one-record files and one file per size; their counts by label. Then the
    files the small-file lane takes (at most SMALL_FILE_MAX_BYTES) again, with their own order ids, as
    today's design (STANDARD only, `count_file(standard_only=True)`): (this design, today's)."""
    import emulator
    from handlers.contract import SMALL_FILE_MAX_BYTES

    stack = emulator.deploy_stack()
    run_id = uuid.uuid4().hex[:8]
    runs: dict[str, Run] = {}
    today: dict[str, Run] = {}
    for design, found, standard_only in (("new", runs, False), ("std", today, True)):
        for label, body in _bodies(sizes, profile, f"{run_id}-{design}").items():
            if standard_only and len(body) > SMALL_FILE_MAX_BYTES:
                continue  # the same path in both designs: measured once
            suffix = "json" if label.startswith("1 ") else "jsonl"
            key = f"bench-{run_id}-{design}-{label.replace(' ', '-')}.{suffix}"
            found[label] = count_file(stack, key, body, standard_only=standard_only)
    return runs, today


def scenarios(
    runs: dict[str, Run],
    assume: Assumptions,
    *,
    scale: list[int],
    records_per_batch: float,
    invalid_every: int = 10,
    basis: dict[str, Run] | None = None,
) -> list[Scenario]:
    """One row per file size: one-record files mixed 9:1 valid:invalid, measured files, scaled files.

    Scaled files are extrapolated from the two largest measured files that took the large-file lane
    (`basis`, default `runs`): a file of 10,000 records takes that lane too, so a line through a
    small-lane run would mix two designs.
    """
    rows = [
        scenario([runs["1 valid"]] * (invalid_every - 1) + [runs["1 invalid"]], assume, records_per_file=1)
    ]
    sized = sorted((run for label, run in runs.items() if label.isdigit()), key=lambda run: run.records)
    rows += [scenario([run], assume, records_per_file=run.records) for run in sized]
    large_lane = sorted(
        (run for label, run in (basis or runs).items() if label.isdigit() and not run.express_executions),
        key=lambda run: run.records,
    )
    if len(large_lane) >= 2:
        small, big = large_lane[-2], large_lane[-1]
        for records in scale:
            batches = math.ceil(records / records_per_batch)
            rows.append(
                scenario(
                    [extrapolate(small, big, records=records, batches=batches)],
                    assume,
                    records_per_file=records,
                )
            )
    return rows


def _usd(value: Decimal) -> str:
    return f"${value:,.2f}" if value >= 10 else f"${value:,.3f}"


def markdown(rows: list[Scenario], today: list[Scenario] | None = None) -> str:
    """One line per file size; `today`: the same sizes in today's design (STANDARD only), beside it."""
    before = {row.records_per_file: row for row in today or []}
    lines = [
        "| records per file | this design, $ per million records | today's design (STANDARD only) "
        "| floor | × floor | seed design | seed × floor |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        d = row.dollars_per_million()
        old = before.get(row.records_per_file)
        then = _usd(old.dollars_per_million()["design"]) if old else _usd(d["design"])
        lines.append(
            f"| {row.records_per_file:,} | {_usd(d['design'])} | {then} | {_usd(d['floor'])} | "
            f"{d['design'] / d['floor']:.2f} | {_usd(d['seed'])} | {d['seed'] / d['floor']:.1f} |"
        )
    return "\n".join(lines)


def critical_path(after: Run, before: Run) -> str:
    """A one-record file's state transitions and service calls, today's design and this one."""
    lines = ["| one valid record | states entered | service calls (pipeline's own) |", "|---|---|---|"]
    for name, run in (("today's design (STANDARD + Distributed Map)", before), ("small-file lane", after)):
        states = run.parent_states + run.child_states + run.express_states
        calls = ", ".join(f"{op} {n}" for op, n in sorted(run.requests.items()))
        lines.append(f"| {name} | {states} | {sum(run.requests.values())}: {calls} |")
    return "\n".join(lines)


def breakdown(rows: list[Scenario]) -> str:
    """Dollars per million records by line item, one column per file size."""
    names = list(cost.bill(cost.Usage()))
    head = "| line item | " + " | ".join(f"{row.records_per_file:,}/file" for row in rows) + " |"
    lines = [head, "|---|" + "---|" * len(rows)]
    bills = [cost.bill(row.usage) for row in rows]
    for name in names:
        cells = [f"{cost.per_million(b[name], row.records):.4f}" for b, row in zip(bills, rows, strict=True)]
        if any(float(cell) for cell in cells):
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--scale", type=int, nargs="*", default=[10_000, 1_000_000])
    parser.add_argument("--profile", choices=orders.PROFILES, default="sample")
    parser.add_argument(
        "--validator-rate", type=float, help="records/s of the validator core (default: measured)"
    )
    parser.add_argument("--json", action="store_true", help="also the counts and usage as JSON")
    args = parser.parse_args(argv)
    logging.getLogger("moto").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    records_per_batch, core_rate = core_records_per_batch(args.profile)
    assume = Assumptions(
        validator_records_per_s=args.validator_rate or core_rate,
        validator_memory_mb=template_memory_mb(),
        child_definition_bytes=child_definition_bytes(),
        small_file_definition_bytes=small_file_definition_bytes(),
    )
    runs, today = measure(args.sizes, args.profile)
    basis = {**runs, **today}  # today's runs of the small sizes took the large-file lane
    rows = scenarios(runs, assume, scale=args.scale, records_per_batch=records_per_batch, basis=basis)
    today_rows = scenarios(basis, assume, scale=args.scale, records_per_batch=records_per_batch)
    print(
        f"\nCost per million records ({args.profile} orders, every 10th invalid; "
        f"{prices.REGION} list prices of {prices.PRICES_CHECKED}, benchmarks/prices.py):\n"
    )
    print(markdown(rows, today_rows))
    print("\nCritical path of a one-record file (counted in the emulator):\n")
    print(critical_path(runs["1 valid"], today["1 valid"]))
    print("\nBy line item ($ per million records):\n")
    print(breakdown(rows))
    print(
        f"\nAssumptions (not measurable in the emulator): {asdict(assume)}; "
        f"records per batch {records_per_batch:.1f} (validator core, {CORE_BATCH_SAMPLE:,} records)."
    )
    result = {
        "runs": {label: asdict(run) for label, run in runs.items()},
        "today_runs": {label: asdict(run) for label, run in today.items()},
        "unpriced_requests": {label: unpriced(run.requests) for label, run in runs.items()},
        "assumptions": asdict(assume),
        "dollars_per_million": {
            row.records_per_file: {k: str(round(v, 4)) for k, v in row.dollars_per_million().items()}
            for row in rows
        },
        "today_dollars_per_million": {
            row.records_per_file: str(round(row.dollars_per_million()["design"], 4)) for row in today_rows
        },
    }
    if args.json:
        print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
