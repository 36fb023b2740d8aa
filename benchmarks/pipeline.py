"""The whole pipeline in the emulator, counted, and every billed item priced per million records.

    python -m benchmarks.pipeline [--sizes 100 1000] [--json]

Deploys output/template.json into the moto emulator and sends realistic orders (benchmarks/orders.py,
every 10th invalid) through it under a real-length key in the stack's versioned bucket: one valid and
one invalid one-order file, then one file per size (and the smallest again through the large-file
lane, the basis of the scaled scenario). For each file it counts, where they happen, every request the
pipeline makes to the emulated AWS (Step Functions' integrations and the handlers' own calls), every
state entered, the DynamoDB size of every stored item and of the file's ledger item, every review
message's bytes, the handlers' log output (benchmarks/logbytes.py) and the pipeline's own S3 objects.
benchmarks/cost.py prices them with benchmarks/prices.py; what the emulator cannot measure (durations
on AWS, the cold-start share, X-Ray sampling) is an input stated in the output. The 1,000,000-order
file is the two largest large-lane runs' per-file and per-record parts scaled, with the batch count
of the validator core on the same orders under the same source. Fixed monthly costs: benchmarks/fixed.py.

Prints the markdown tables docs/performance-and-cost.md quotes; `--json` prints one JSON object per scenario:
{"scenario", "records_per_file", "dollars_per_million_records", "floor", "ratio_to_floor", "items":
[{"item", "count_per_million", "unit_price", "dollars", "unit"}], "fixed_monthly_dollars", ...}.
moto's interpreter is slow (emulator/README.md, "What the emulator does not emulate"): a property of
the emulator, not reported as speed.

Over 300 lines: the cost scenarios, their emulator runs and the priced table they print are one benchmark.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import time
import uuid
import warnings
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks import coldstart, cost, fixed, orders, prices
from benchmarks.contenders import MemorySink
from benchmarks.counting import counting
from benchmarks.itemsize import item_bytes
from benchmarks.logbytes import TEXT, aws_log_bytes, lambda_logs, system_log_bytes
from benchmarks.usage import Assumptions, Run, Scenario, extrapolate, scenario, unpriced
from handlers.adapters import metrics
from resources.outputs import BUCKET_NAME, REVIEW_QUEUE_URL, SMALL_FILE_STATE_MACHINE_ARN, STATE_MACHINE_ARN

ROOT = Path(__file__).resolve().parent.parent
CORE_BATCH_SAMPLE = 10_000
PROFILE = "realistic"
INVALID_EVERY = 10
# A real S3 version id is 32 characters; the core's batch count uses one of that length.
VERSION_ID = "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"[:32]


@dataclass(frozen=True)
class Spec:
    """One scenario: files of `records_per_file` realistic orders and the inputs the emulator cannot
    measure (`cold_start_share` of invocations, `xray_sampled_share` of executions traced) and, when
    set, a `LambdaSystemLogLevel` other than the template's default."""

    name: str
    records_per_file: int
    cold_start_share: float = 0.02
    xray_sampled_share: float = 0.0
    # Named when the default MaxRejectedRecords (1,000) would reject the file whole.
    max_rejected_records: int | None = None
    system_log_level: str | None = None


MILLION = 1_000_000
SCENARIOS = (
    Spec("one-order files at a trickle (2 % cold starts)", 1),
    Spec("one-order files in bursts (0.5 % cold starts)", 1, cold_start_share=0.005),
    # X-Ray's price, for a user who turns Tracing On: at a trickle every execution is sampled
    # (the default rule's 1 request/s reservoir), in bursts about 5 %.
    Spec("one-order files at a trickle, Tracing On", 1, xray_sampled_share=1.0),
    # Lambda's start and report lines kept (an operator who reads them): LambdaSystemLogLevel INFO.
    Spec("one-order files at a trickle, LambdaSystemLogLevel INFO", 1, system_log_level="INFO"),
    Spec("100 orders per file", 100),
    Spec("1,000 orders per file", 1000),
    Spec(
        "1,000,000 orders per file (MaxRejectedRecords=100000)",
        MILLION,
        cold_start_share=0.0,
        max_rejected_records=MILLION // INVALID_EVERY,
    ),
)


def _sqs_payload_bytes(message: dict[str, Any]) -> int:
    """A message's billed payload: its body and its attributes (names, types, values)."""
    size = len(message["Body"].encode("utf-8"))
    for name, attribute in message.get("MessageAttributes", {}).items():
        value = attribute.get("StringValue") or ""
        size += len(name.encode()) + len(attribute.get("DataType", "").encode()) + len(value.encode())
    return size


def _drain(stack: Any) -> list[dict[str, Any]]:
    sqs, url = stack.clients.sqs, stack.output(REVIEW_QUEUE_URL)
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


def _object_bytes(stack: Any, prefix: str) -> dict[tuple[str, str], int]:
    """Every version under `prefix` in the stack's bucket: {(key, version): size}."""
    found: dict[tuple[str, str], int] = {}
    paginator = stack.clients.s3.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=stack.output(BUCKET_NAME), Prefix=prefix):
        for version in page.get("Versions", []):
            found[version["Key"], str(version.get("VersionId"))] = int(version["Size"])
    return found


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
        "detail": {"version": "0", "bucket": {"name": stack.output(BUCKET_NAME)}, "object": found},
    }


def count_file(stack: Any, key: str, body: bytes, *, large_lane: bool = False, log_format: str = TEXT) -> Run:
    """Upload one file, wait for it, and count what it cost.

    `large_lane`: the file is sent through the large-file (STANDARD) lane even when it is small: the
    SmallFileRule is disabled while it is uploaded and the STANDARD execution is started with the event
    the rule would have delivered (a `states` request, not counted as the pipeline's).
    """
    from emulator import outcome

    executions = outcome.Executions(stack)
    small_rule = stack.resources.get("SmallFileRule") if large_lane else None
    prefixes = ("_pipeline/work/", "_pipeline/claims/")
    before = {prefix: _object_bytes(stack, prefix) for prefix in prefixes}
    if small_rule:
        stack.clients.events.disable_rule(Name=small_rule)
    try:
        with counting() as (requests, states), lambda_logs() as logs:
            target = outcome.upload(stack, key, body)
            if large_lane:
                stack.clients.stepfunctions.start_execution(
                    stateMachineArn=stack.output(STATE_MACHINE_ARN),
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
    written = {}
    for prefix in prefixes:
        after = _object_bytes(stack, prefix)
        written[prefix] = sum(size for name, size in after.items() if name not in before[prefix])
    small_arn = stack.outputs.get(SMALL_FILE_STATE_MACHINE_ARN)
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
    ledger = outcome.ledger_item(stack, target)
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
        order_item_bytes=sum(item_bytes(item) for item in items),
        ledger_item_bytes=item_bytes(ledger) if ledger else 0,
        review_bytes=sum(_sqs_payload_bytes(m) for m in messages),
        lambda_log_bytes=sum(aws_log_bytes(text, log_format=log_format) for text in logs),
        work_bytes=written["_pipeline/work/"],
        claim_bytes=written["_pipeline/claims/"],
        executions=len(found),
    )


def core_records_per_batch(source: dict[str, Any], records: int = CORE_BATCH_SAMPLE) -> tuple[float, float]:
    """(records per batch, records/s) of the validator core on `records` realistic orders from `source`."""
    from handlers.core.pipeline import process_file

    body = orders.body(records, profile=PROFILE, invalid_every=INVALID_EVERY)
    sink = MemorySink()

    class Body:
        def __init__(self) -> None:
            self.position = 0

        def read(self, amt: int = -1, /) -> bytes:
            end = len(body) if amt < 0 else self.position + amt
            data, self.position = body[self.position : end], min(end, len(body))
            return data

    started = time.perf_counter()
    summary = process_file(
        Body(),  # type: ignore[arg-type]
        source=source,  # type: ignore[arg-type]
        manifest=sink,
        claims=sink,
        max_rejected=10**12,
    )
    seconds = time.perf_counter() - started
    return records / max(1, summary.batches), records / seconds


def _template() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((ROOT / "output" / "template.json").read_text())
    return loaded


def _default(template: dict[str, Any], name: str, fallback: int) -> int:
    return int(template["Parameters"].get(name, {}).get("Default", fallback))


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


def file_key(run_id: str, label: str, *, suffix: str) -> str:
    """A real-length upload key: dated folders, a store, a timestamped name."""
    return f"incoming/2026/12/06/store-0042/orders-{run_id}-{label}-2026-12-06T05-30-00Z{suffix}"


def log_format(template: dict[str, Any]) -> str:
    """The validator's LogFormat (Lambda's default, Text, when the template sets none)."""
    config = template["Resources"]["ValidatorFunction"]["Properties"].get("LoggingConfig", {})
    return str(config.get("LogFormat", TEXT))


def measure(stack: Any, sizes: list[int], run_id: str, *, log_format: str = TEXT) -> dict[str, Run]:
    """The one-order files (one valid, one invalid), one file per size, and the smallest size again
    through the large-file lane ("<n> large"): their counts by label."""
    from handlers.seams.settings import SMALL_FILE_MAX_BYTES

    valid, invalid = orders.records(2, invalid_every=2, profile=PROFILE, prefix=f"{run_id}-single")
    bodies = {"1 valid": orders.encode(valid).encode(), "1 invalid": orders.encode(invalid).encode()}
    for size in sizes:
        bodies[str(size)] = orders.body(size, profile=PROFILE, prefix=f"{run_id}-{size}")
    runs: dict[str, Run] = {}
    for label, body in bodies.items():
        suffix = ".json" if label.startswith("1 ") else ".jsonl"
        key = file_key(run_id, label.replace(" ", "-"), suffix=suffix)
        runs[label] = count_file(stack, key, body, log_format=log_format)
    smallest = min(sizes)
    body = orders.body(smallest, profile=PROFILE, prefix=f"{run_id}-{smallest}-large")
    if len(body) <= SMALL_FILE_MAX_BYTES:
        key = file_key(run_id, f"{smallest}-large", suffix=".jsonl")
        runs[f"{smallest} large"] = count_file(stack, key, body, large_lane=True, log_format=log_format)
    return runs


def _large_lane(runs: dict[str, Run]) -> list[Run]:
    found = [run for label, run in runs.items() if label[0].isdigit() and run.records > 1]
    return sorted((run for run in found if not run.express_executions), key=lambda run: run.records)


def build_scenarios(
    runs: dict[str, Run], base: Assumptions, *, records_per_batch: float, log_format: str = TEXT
) -> list[tuple[Spec, Scenario]]:
    """One priced Scenario per Spec: one-order files mixed 9:1 valid:invalid, measured files, scaled."""
    rows: list[tuple[Spec, Scenario]] = []
    for spec in SCENARIOS:
        assume = replace(
            base, cold_start_share=spec.cold_start_share, xray_sampled_share=spec.xray_sampled_share
        )
        if spec.system_log_level:
            platform, init = system_log_bytes(log_format=log_format, level=spec.system_log_level)
            assume = replace(assume, platform_log_bytes=platform, init_log_bytes=init)
        if spec.records_per_file == 1:
            mix = [runs["1 valid"]] * (INVALID_EVERY - 1) + [runs["1 invalid"]]
        elif str(spec.records_per_file) in runs:
            mix = [runs[str(spec.records_per_file)]]
        else:
            small, big = _large_lane(runs)[-2:]
            batches = math.ceil(spec.records_per_file / records_per_batch)
            mix = [extrapolate(small, big, records=spec.records_per_file, batches=batches)]
        rows.append((spec, scenario(mix, assume, records_per_file=spec.records_per_file)))
    return rows


def _n(value: Decimal, places: int = 6) -> float:
    return float(round(value, places))


def scenario_json(spec: Spec, row: Scenario, fixed_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The scenario's JSON object (the issue's shape, plus what it was computed from)."""
    design = cost.per_million(cost.total(row.usage), row.records)
    floor = cost.per_million(cost.total(row.floor), row.records)
    return {
        "scenario": spec.name,
        "records_per_file": spec.records_per_file,
        "dollars_per_million_records": _n(design),
        "floor": _n(floor),
        "ratio_to_floor": _n(design / floor, 3),
        "dollars_per_million_files": _n(design * spec.records_per_file),
        "items": [
            {
                "item": item["item"],
                "unit": item["unit"],
                "count_per_million": _n(item["count_per_million"], 3),
                "unit_price": float(item["unit_price"]),
                "dollars": _n(item["dollars"]),
            }
            for item in cost.items(row.usage, row.records)
        ],
        "floor_items": [
            {"item": item["item"], "dollars": _n(item["dollars"])}
            for item in cost.items(row.floor, row.records)
            if item["dollars"]
        ],
        "fixed_monthly_dollars": _n(fixed.fixed_total(fixed_rows), 2),
        "max_rejected_records": spec.max_rejected_records,
        "cold_start_share": spec.cold_start_share,
        "xray_sampled_share": spec.xray_sampled_share,
        "system_log_level": spec.system_log_level,
        "upload_put_excluded": True,
    }


def _usd(value: float) -> str:
    return f"${value:,.2f}" if value >= 10 else f"${value:,.3f}"


def markdown(objects: list[dict[str, Any]]) -> str:
    lines = [
        "| scenario | $ per million records | $ per million files | honest floor | × floor |",
        "|---|---|---|---|---|",
    ]
    for o in objects:
        lines.append(
            f"| {o['scenario']} | {_usd(o['dollars_per_million_records'])} | "
            f"{_usd(o['dollars_per_million_files'])} | {_usd(o['floor'])} | {o['ratio_to_floor']:.2f} |"
        )
    return "\n".join(lines)


def breakdown(objects: list[dict[str, Any]]) -> str:
    """Dollars per million records by line item, one column per scenario (every item, zeros too)."""
    head = "| line item (unit price) | " + " | ".join(f"S{n + 1}" for n in range(len(objects))) + " |"
    lines = [head, "|---|" + "---|" * len(objects)]
    for position, item in enumerate(objects[0]["items"]):
        cells = [f"{o['items'][position]['dollars']:.4f}" for o in objects]
        lines.append(
            f"| {item['item']} (${item['unit_price']:.10g} per {item['unit']}) | " + " | ".join(cells) + " |"
        )
    lines.append("")
    lines += [f"S{n + 1}: {o['scenario']}" for n, o in enumerate(objects)]
    return "\n".join(lines)


def fixed_markdown(rows: list[dict[str, Any]], *, reasons: int) -> str:
    lines = ["| fixed monthly item | count | $ per month | to turn it off |", "|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['item']} | {row['count']} | ${row['dollars']:.2f} | {row['turn_off']} |")
    lines.append(f"| **total** | | **${fixed.fixed_total(rows):.2f}** | |")
    lines.append("")
    lines.append(
        f"Custom metrics: {len(metrics.FILE_METRICS)} per-file metrics + one per reason code seen "
        f"in the month ({reasons} in these runs; at most {fixed.max_reasons()}: "
        f"${fixed.custom_metrics(fixed.max_reasons()) * prices.CUSTOM_METRIC.each:.2f})."
    )
    return "\n".join(lines)


DEFAULT_SIZES = (100, 1000)


@dataclass
class Collected:
    """One emulator run's measurements, for the tables here and for benchmarks/bigfiles.py: the deployed
    stack, the runs by label, the stated inputs (`base`), the validator core's records per batch."""

    stack: Any
    run_id: str
    template: dict[str, Any]
    runs: dict[str, Run]
    base: Assumptions
    records_per_batch: float
    init_cpu: float
    sizes: list[int]
    log_format: str  # the validator's LoggingConfig LogFormat (what its lines cost)
    system_log_level: str  # Lambda's own lines at this level (LambdaSystemLogLevel's default)


def collect(sizes: list[int]) -> Collected:
    """Deploy the stack into the emulator and count every file of `sizes` (see `measure`)."""
    logging.getLogger("moto").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    import emulator

    template = _template()
    stack = emulator.deploy_stack()
    run_id = uuid.uuid4().hex[:8]
    source = {
        "bucket": stack.output(BUCKET_NAME),
        "key": file_key(run_id, "million", suffix=".jsonl"),
        "version_id": VERSION_ID,
        "etag": "0" * 32,
    }
    records_per_batch, core_rate = core_records_per_batch(source)
    init_cpu = coldstart.init_cpu_seconds()
    memory = _default(template, "ValidatorMemorySize", 1024)
    formatted = log_format(template)
    level = str(template["Parameters"].get("LambdaSystemLogLevel", {}).get("Default", "INFO"))
    platform, init = system_log_bytes(log_format=formatted, level=level)
    base = Assumptions(
        validator_records_per_s=core_rate,
        validator_memory_mb=memory,
        child_definition_bytes=child_definition_bytes(),
        small_file_definition_bytes=small_file_definition_bytes(),
        init_seconds=init_cpu / min(1.0, memory / 1769),
        log_retention_days=_default(template, "LogRetentionDays", 30),
        platform_log_bytes=platform,
        init_log_bytes=init,
        work_retention_days=_default(template, "WorkRetentionDays", 7),
        claim_retention_days=_default(template, "ClaimRetentionDays", 30),
    )
    runs = measure(stack, sizes, run_id, log_format=formatted)
    return Collected(
        stack, run_id, template, runs, base, records_per_batch, init_cpu, list(sizes), formatted, level
    )


def report(collected: Collected, *, as_json: bool = False) -> list[dict[str, Any]]:
    """Print the cost tables of `collected` (and one JSON object per scenario with `as_json`)."""
    runs, base, template = collected.runs, collected.base, collected.template
    records_per_batch, memory = collected.records_per_batch, base.validator_memory_mb
    formatted, level = collected.log_format, collected.system_log_level
    rows = build_scenarios(runs, base, records_per_batch=records_per_batch, log_format=formatted)
    reasons = len(orders.INVALID_KINDS)
    fixed_rows = fixed.fixed_monthly(template, reasons=reasons)
    objects = [scenario_json(spec, row, fixed_rows) for spec, row in rows]
    print(
        f"\nCost per million records (realistic orders, every {INVALID_EVERY}th invalid, real-length key "
        f"and version id; {prices.REGION} list prices of {prices.PRICES_CHECKED}, benchmarks/prices.py; "
        "the upload's own S3 PUT excluded):\n"
    )
    print(markdown(objects))
    print("\nEvery billed item, $ per million records:\n")
    print(breakdown(objects))
    print("\nFixed monthly (whatever the traffic):\n")
    print(fixed_markdown(fixed_rows, reasons=reasons))
    print(
        f"\nInputs: records per batch {records_per_batch:.1f} (validator core, {CORE_BATCH_SAMPLE:,} "
        f"orders, this source); cold start {collected.init_cpu:.3f} CPU s here = "
        f"{base.init_seconds:.3f} s at {memory} MB; Lambda logs {formatted}, system lines at {level} "
        f"({base.platform_log_bytes} bytes an invocation, {base.init_log_bytes} more a cold start); "
        f"{json.dumps(asdict(base))}"
    )
    unknown = {label: unpriced(run.requests) for label, run in runs.items() if unpriced(run.requests)}
    print(f"Counted requests not priced (free or none): {json.dumps(unknown)}")
    if as_json:
        for obj in objects:
            print(json.dumps(obj))
    return objects


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--json", action="store_true", help="one JSON object per scenario")
    args = parser.parse_args(argv)
    if len(set(args.sizes)) < 2 or min(args.sizes) < 2:
        parser.error("--sizes needs at least two sizes above 1 (the scaled scenario's basis)")
    return report(collect(args.sizes), as_json=args.json)


if __name__ == "__main__":
    main()
