"""Files past one validator: wall time and dollars of 10 GB and 100 GB JSON Lines files (split into
ranges) and of a 10 GB gzip array (by continuation), against the unsplit design.

    python -m benchmarks.bigfiles [--sizes 100 1000] [--json]

Every figure comes from inputs measured in the same run or from a named constant or AWS limit:
- the validator core's rates on realistic orders on this machine, one core (benchmarks/bigmeasure.py),
  scaled to Lambda's CPU share at the validator's memory (ValidatorMemorySize / 1,769 MB), as the cost
  model scales them (benchmarks/usage.py Assumptions);
- the stores' per-record counts: benchmarks/pipeline.py's large-lane files measured in the emulator and
  scaled per record (its 1,000,000-order scenario, `extrapolate`); what a split adds: the same file
  split into 2 and into 4 ranges in the emulator (a per-range and a per-file part);
- handlers/seams/throughput.py (ranges, concurrency), the rendered template (the validator's timeout and
  memory, MaxFileBytes), handlers/seams/settings.py VALIDATION_TIME_MARGIN_MS, handlers/adapters/s3io.py
  PART_BYTES;
- AWS limits, each with its page (LIMITS below; /work/shared/notes/aws-limits.md).
Where a limit makes a size impossible the model names the bound instead of printing figures.
The pure model is `split_jsonl`, `gzip_array`, `ceilings`; `main` measures and prints.

Over 300 lines: the big-file model (split and continuation, per form), AWS's limits with their pages and the
report are one benchmark.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks import cost
from benchmarks.usage import Assumptions, Run, extrapolate, usage_of
from handlers.adapters.s3io import PART_BYTES
from handlers.flows.ranges import plan
from handlers.seams.settings import VALIDATION_TIME_MARGIN_MS
from handlers.seams.throughput import (
    BATCH_CONCURRENCY,
    MAX_CONTINUATIONS,
    MAX_RANGES,
    RANGE_BYTES,
    RANGE_CONCURRENCY,
    SPLIT_THRESHOLD_BYTES,
)
from workflow.loops import components
from workflow.worstcase import EVENTS_PER_ATTEMPT, EVENTS_PER_STATE, _successors

GB = 10**9
GIB = 2**30
MILLION = 1_000_000
# The files the issue asks about: JSON Lines split into ranges; a gzip JSON array by continuation (its
# size is the JSON text after gunzip, which is what MaxFileBytes limits).
JSONL_SIZES = (10 * GB, 100 * GB)
GZIP_SIZES = (10 * GB,)
# The goal: a big file's dollars per million records within 5 % of the unsplit design's.
GOAL_RATIO = 0.05

# AWS limits, each from its page (also in /work/shared/notes/aws-limits.md).
S3_QUOTAS_PAGE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html"
S3_MAX_PARTS = 10_000  # parts per multipart upload
HISTORY_PAGE = "https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html"
HISTORY_EVENTS = 25_000  # a Standard execution's history
STATE_DATA_BYTES = 262_144  # a state's input or output (same page)
DYNAMODB_WARM_PAGE = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/pre-warming-on-demand-capacity-mode.html"
NEW_TABLE_WRITES_PER_S = 4_000  # a new on-demand table; then up to twice its previous peak
PARTITION_PAGE = (
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/warm-throughput-scenarios.html"
)
PARTITION_WRITES_PER_S = 1_000  # one partition
FULL_CORE_MB = 1_769  # Lambda: one vCPU at 1,769 MB (benchmarks/usage.py Assumptions.full_core_mb)


def continuation_lap(definition: dict[str, Any]) -> tuple[int, int]:
    """(transitions, history events) one more validator turn adds when nothing fails, read from the
    rendered STANDARD machine: the states of its one bounded loop (workflow/loops.py), each entered
    once, a Task with one attempt (workflow/worstcase.py's event counts)."""
    states = definition["States"]
    loops = components(states, lambda name: _successors(states[name]))
    if len(loops) != 1:
        raise ValueError(f"the STANDARD machine has {len(loops)} top-level loops, not the continuation's one")
    (members,) = loops
    tasks = sum(1 for name in members if states[name]["Type"] == "Task")
    return len(members), len(members) * EVENTS_PER_STATE + tasks * EVENTS_PER_ATTEMPT


TRANSITIONS_PER_TURN, EVENTS_PER_TURN = continuation_lap(
    json.loads((Path(__file__).resolve().parents[1] / "output" / "statemachine.asl.json").read_text("utf-8"))
)


@dataclass(frozen=True)
class Rates:
    """Measured here, one full core (benchmarks/bigmeasure.py core_rates): bytes of JSON text a second."""

    jsonl_bytes_per_s: float
    array_bytes_per_s: float
    gzip_bytes_per_s: float  # the validator on a gzip array (bytes after gunzip)
    inflate_bytes_per_s: float  # zlib alone (bytes after gunzip): a gzip turn's skip forward
    count_bytes_per_s: float  # a range's counting pass
    join_bytes_per_s: float  # joining manifest parts (CPU only: S3's transfer is not measured)
    bytes_per_record: float
    manifest_bytes_per_record: float
    gzip_ratio: float  # compressed / JSON text

    @classmethod
    def of(cls, measured: dict[str, float]) -> Rates:
        return cls(**{name: measured[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Limits:
    """The design's constants (named sources in `from_template`) and AWS's limits."""

    range_bytes: int = RANGE_BYTES
    max_ranges: int = MAX_RANGES
    range_concurrency: int = RANGE_CONCURRENCY
    split_threshold: int = SPLIT_THRESHOLD_BYTES
    batch_concurrency: int = BATCH_CONCURRENCY
    timeout_s: float = 900.0
    margin_s: float = VALIDATION_TIME_MARGIN_MS / 1000
    memory_mb: int = 1024
    max_file_bytes: int = 2 * GIB
    part_bytes: int = PART_BYTES
    max_parts: int = S3_MAX_PARTS
    history_events: int = HISTORY_EVENTS
    state_data_bytes: int = STATE_DATA_BYTES
    new_table_writes_per_s: int = NEW_TABLE_WRITES_PER_S
    # MAX_CONTINUATIONS (a continuation's turns), once the loop exists; None: bounded by history only.
    max_turns: int | None = None

    @property
    def share(self) -> float:
        """Lambda's CPU share at the validator's memory (one full core at 1,769 MB)."""
        return min(1.0, self.memory_mb / FULL_CORE_MB)

    @property
    def turn_budget_s(self) -> float:
        """What one validator invocation may spend reading: its timeout less the stop margin."""
        return self.timeout_s - self.margin_s

    @property
    def max_manifest_bytes(self) -> int:
        """The largest manifest the validator's multipart upload can write (S3: 10,000 parts)."""
        return self.max_parts * self.part_bytes

    @classmethod
    def from_template(cls, template: dict[str, Any], *, max_turns: int | None = None) -> Limits:
        """The validator's Timeout and the ValidatorMemorySize and MaxFileBytes defaults (output/)."""
        parameters = template["Parameters"]
        function = template["Resources"]["ValidatorFunction"]["Properties"]
        return cls(
            timeout_s=float(function["Timeout"]),
            memory_mb=int(parameters["ValidatorMemorySize"]["Default"]),
            max_file_bytes=int(parameters["MaxFileBytes"]["Default"]),
            max_turns=max_turns,
        )


@dataclass(frozen=True)
class Delta:
    """What splitting a file adds to an unsplit run's counts: a per-file and a per-range part of each
    request count, of the STANDARD transitions and of the log bytes; per record, the manifest parts'
    bytes (work objects) and claim-pack bytes."""

    requests: dict[str, tuple[float, float]]
    states: tuple[float, float]
    log_bytes: tuple[float, float]
    work_bytes_per_record: float
    claim_bytes_per_record: float

    def at(self, pair: tuple[float, float], ranges: int) -> int:
        return max(0, round(pair[0] + pair[1] * ranges))


def split_delta(unsplit: Run, split: dict[int, Run]) -> Delta:
    """The Delta from an unsplit run and the same-size file split two ways ({ranges: Run}, two keys)."""
    (k1, one), (k2, two) = sorted(split.items())[:2]

    def pair(base: float, a: float, b: float) -> tuple[float, float]:
        per = (b - a) / (k2 - k1)
        return (a - base) - per * k1, per

    names = sorted(set(unsplit.requests) | set(one.requests) | set(two.requests))
    records = unsplit.records
    return Delta(
        requests={
            name: pair(unsplit.requests.get(name, 0), one.requests.get(name, 0), two.requests.get(name, 0))
            for name in names
        },
        states=pair(unsplit.parent_states, one.parent_states, two.parent_states),
        log_bytes=pair(unsplit.lambda_log_bytes, one.lambda_log_bytes, two.lambda_log_bytes),
        work_bytes_per_record=(one.work_bytes + two.work_bytes - 2 * unsplit.work_bytes) / (2 * records),
        claim_bytes_per_record=(one.claim_bytes + two.claim_bytes - 2 * unsplit.claim_bytes) / (2 * records),
    )


@dataclass(frozen=True)
class Inputs:
    """Everything measured in one run: the rates, the two unsplit large-lane runs the per-record
    counts are scaled from, the split's Delta, the validator core's records per batch, the cost
    model's stated inputs (`assume`: its durations, the measured cold start)."""

    rates: Rates
    small: Run
    big: Run
    delta: Delta
    records_per_batch: float
    assume: Assumptions


@dataclass(frozen=True)
class Refused:
    """A size the design cannot take: the bound that stops it, with its value."""

    form: str
    size_bytes: int
    bound: str


@dataclass(frozen=True)
class Figures:
    """One file's figures: wall time per phase (seconds), the stores on a new on-demand table, the
    validator invocations, Lambda GB-seconds, Standard transitions, Distributed Map child starts, and
    dollars per million records against the unsplit design's."""

    form: str
    size_bytes: int
    records: int
    phases: tuple[tuple[str, float], ...]
    store_new_table_s: float
    validator_invocations: int
    lambda_gb_seconds: float
    transitions: int
    child_starts: int
    dollars_per_million: float
    unsplit_dollars_per_million: float
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def wall_s(self) -> float:
        return sum(seconds for _, seconds in self.phases)

    @property
    def ratio(self) -> float:
        return self.dollars_per_million / self.unsplit_dollars_per_million


def records_in(size: int, rates: Rates) -> int:
    return round(size / rates.bytes_per_record)


def multipart_requests(size: int, part_bytes: int) -> int:
    """S3 requests that write one object of `size` bytes as handlers/adapters/s3io.py does: one PUT, or
    create +
    one per part + complete."""
    return 1 if size < part_bytes else math.ceil(size / part_bytes) + 2


def _assume(inputs: Inputs, limits: Limits) -> Assumptions:
    """The cost model's inputs at these limits, the validator at the measured JSON Lines rate; no cold
    starts but the range invocations' (as the pipeline's 1,000,000-order scenario)."""
    return replace(
        inputs.assume,
        validator_records_per_s=inputs.rates.jsonl_bytes_per_s / inputs.rates.bytes_per_record,
        validator_memory_mb=limits.memory_mb,
        full_core_mb=FULL_CORE_MB,
        cold_start_share=0.0,
    )


def _unsplit_run(inputs: Inputs, records: int, limits: Limits) -> Run:
    """A file of `records` orders read by one validator: the measured per-file and per-record parts,
    its manifest written in parts (the measured files' manifests were one PUT each)."""
    run = extrapolate(
        inputs.small, inputs.big, records=records, batches=math.ceil(records / inputs.records_per_batch)
    )
    extra = multipart_requests(round(records * inputs.rates.manifest_bytes_per_record), limits.part_bytes) - 1
    return _add(run, {"s3:UploadPart": extra})


def _add(run: Run, requests: dict[str, int], *, states: int = 0, log_bytes: int = 0) -> Run:
    merged = dict(run.requests)
    for name, count in requests.items():
        if count:
            merged[name] = merged.get(name, 0) + count
    return replace(
        run,
        requests=merged,
        parent_states=run.parent_states + states,
        lambda_log_bytes=run.lambda_log_bytes + log_bytes,
    )


def _store_large(run: Run, validator_invocations: int, assume: Assumptions) -> tuple[cost.Lambda, ...]:
    """The invocations besides the validator's (StoreLargeRecord), as benchmarks/usage.py prices them."""
    others = run.requests.get("lambda:Invoke", 0) - validator_invocations
    if others <= 0:
        return ()
    return (
        cost.Lambda(others, assume.store_large_seconds, assume.store_large_memory_mb, assume.architecture),
    )


def _dollars_per_million(usage: cost.Usage, records: int) -> float:
    return float(cost.per_million(cost.total(usage), records))


def _gb_seconds(lambdas: Iterable[cost.Lambda], memory_mb: int) -> float:
    return sum(fn.invocations * fn.seconds * memory_mb / 1024 for fn in lambdas if fn.memory_mb == memory_mb)


def unsplit_dollars_per_million(inputs: Inputs, limits: Limits, records: int = MILLION) -> float:
    """The unsplit design's dollars per million records: one file of `records` orders (the pipeline's
    1,000,000-order scenario), priced from the same inputs."""
    return _dollars_per_million(
        usage_of(_unsplit_run(inputs, records, limits), _assume(inputs, limits)), records
    )


def _store_phase(run: Run, limits: Limits, assume: Assumptions) -> tuple[float, float, float]:
    """(seconds at the configured concurrency, seconds on a new on-demand table, write units/s asked):
    BATCH_CONCURRENCY children at once, each storing its batch in the cost model's child duration."""
    per_child = run.records / max(1, run.batches)
    records_per_s = limits.batch_concurrency * per_child / assume.child_seconds(per_child)
    units_per_record = run.order_write_units / max(1, run.records)
    warm = run.records / records_per_s
    return (
        warm,
        max(warm, run.order_write_units / limits.new_table_writes_per_s),
        records_per_s * units_per_record,
    )


def _table_note(asked: float) -> str:
    return (
        f"the stores ask {asked:,.0f} write units/s at the configured concurrency; a new on-demand table "
        f"sustains {NEW_TABLE_WRITES_PER_S:,} (then up to twice its previous peak), one partition "
        f"{PARTITION_WRITES_PER_S:,}"
    )


def _waves(durations: list[float], concurrency: int) -> float:
    """Wall time of an inline Map running `durations` in order, `concurrency` at a time (waves)."""
    return sum(max(durations[start : start + concurrency]) for start in range(0, len(durations), concurrency))


def _state_data_bytes(ranges: list[dict[str, int]], rates: Rates) -> int:
    """The largest of the parent's per-range lists (ranges, counts, part pointers) as JSON."""
    counts = [
        {
            "range": r["range"],
            "records": round((r["end"] - r["start"]) / rates.bytes_per_record),
            "newlines": 0,
        }
        for r in ranges
    ]
    for entry in counts:
        entry["newlines"] = entry["records"]
    parts = [{"range": r["range"], "version_id": "v" * 32} for r in ranges]
    return max(len(json.dumps(value)) for value in (ranges, counts, parts))


def split_jsonl(size: int, inputs: Inputs, limits: Limits) -> Figures | Refused:
    """A `size`-byte JSON Lines file split into ranges, validated in parallel, combined, then stored."""
    rates, share, budget = inputs.rates, limits.share, limits.turn_budget_s
    form = "JSON Lines, split"
    ranges = plan(size, range_bytes=limits.range_bytes, max_ranges=limits.max_ranges)
    widths = [r["end"] - r["start"] for r in ranges]
    overhead = inputs.assume.validator_overhead_s
    count_s = [overhead + w / (rates.count_bytes_per_s * share) for w in widths]
    validate_s = [overhead + w / (rates.jsonl_bytes_per_s * share) for w in widths]
    records = records_in(size, rates)
    manifest = round(records * rates.manifest_bytes_per_record)
    combine_s = overhead + manifest / (rates.join_bytes_per_s * share)
    widest = max(widths)
    if max(validate_s) > budget:
        per_range = int((budget - overhead) * rates.jsonl_bytes_per_s * share)
        return Refused(
            form,
            size,
            f"a range of {widest / GB:.2f} GB needs {max(validate_s):,.0f} s > {budget:,.0f} s of one "
            f"invocation: MAX_RANGES {limits.max_ranges} x {per_range / GB:.2f} GB a range",
        )
    if manifest > limits.max_manifest_bytes:
        return Refused(
            form,
            size,
            f"its joined manifest ({manifest / GB:.1f} GB) exceeds S3's {limits.max_parts:,} parts x "
            f"PART_BYTES {limits.part_bytes / 2**20:.0f} MiB = {limits.max_manifest_bytes / GIB:.0f} GiB "
            f"(handlers/adapters/s3io.py; {S3_QUOTAS_PAGE})",
        )
    if combine_s > budget:
        return Refused(
            form, size, f"CombineRanges needs {combine_s:,.0f} s > {budget:,.0f} s of one invocation"
        )
    state_bytes = _state_data_bytes(ranges, rates)
    if state_bytes > limits.state_data_bytes:
        return Refused(form, size, f"its ranges' list ({state_bytes:,} bytes) exceeds the state data limit")
    k = len(ranges)
    assume = _assume(inputs, limits)
    delta = inputs.delta
    base = _unsplit_run(inputs, records, limits)
    part_writes = sum(
        multipart_requests(
            round(w / rates.bytes_per_record * rates.manifest_bytes_per_record), limits.part_bytes
        )
        - 1
        for w in widths
    )
    requests = {name: delta.at(pair, k) for name, pair in delta.requests.items()}
    requests["s3:UploadPart"] = requests.get("s3:UploadPart", 0) + part_writes
    run = _add(base, requests, states=delta.at(delta.states, k), log_bytes=delta.at(delta.log_bytes, k))
    run = replace(
        run,
        work_bytes=run.work_bytes + round(delta.work_bytes_per_record * records),
        claim_bytes=run.claim_bytes + round(delta.claim_bytes_per_record * records),
    )
    memory, arch = limits.memory_mb, assume.architecture
    validators = (
        cost.Lambda(1, overhead, memory, arch),  # ValidateFile: plans the ranges from the size
        *(cost.Lambda(1, s, memory, arch) for s in count_s),
        *(cost.Lambda(1, s, memory, arch) for s in validate_s),
        cost.Lambda(1, combine_s, memory, arch),
    )
    invocations = 2 + 2 * k
    lambdas = validators + _store_large(run, invocations, assume)
    # The range Maps start up to RANGE_CONCURRENCY new containers at once: each a billed INIT.
    cold = min(k, limits.range_concurrency)
    init = Decimal(cold) * Decimal(str(assume.init_seconds)) * Decimal(memory) / 1024
    usage = usage_of(run, assume)
    usage = replace(usage, lambdas=lambdas, lambda_init_gb_seconds=usage.lambda_init_gb_seconds + init)
    warm, new_table, asked = _store_phase(run, limits, assume)
    notes = [
        f"{k} ranges of {widest / GB:.2f} GB ({RANGE_CONCURRENCY} at once)",
        f"joined manifest {manifest / GB:.1f} GB: CombineRanges streams it S3 to S3 in one invocation, "
        f"which needs >= {2 * manifest / budget / 1e6:,.0f} MB/s of S3 transfer (read + write; not measured)",
        _table_note(asked),
    ]
    if size > limits.max_file_bytes:
        notes.append(f"needs MaxFileBytes >= {size:,} (default {limits.max_file_bytes:,})")
    return Figures(
        form=form,
        size_bytes=size,
        records=records,
        phases=(
            ("count ranges", _waves(count_s, limits.range_concurrency)),
            ("validate ranges", _waves(validate_s, limits.range_concurrency)),
            ("combine", combine_s),
            ("store", warm),
        ),
        store_new_table_s=new_table,
        validator_invocations=invocations,
        lambda_gb_seconds=_gb_seconds(validators, memory),
        transitions=usage.standard_transitions,
        child_starts=usage.map_child_starts,
        dollars_per_million=_dollars_per_million(usage, records),
        unsplit_dollars_per_million=unsplit_dollars_per_million(inputs, limits),
        notes=tuple(notes),
    )


def gzip_turns(size: int, rates: Rates, limits: Limits) -> list[float] | Refused:
    """Each continuation turn's seconds for a gzip file of `size` bytes of JSON text: a turn inflates
    again from the start to its checkpoint (zlib alone), then validates until its budget is spent."""
    share, budget = limits.share, limits.turn_budget_s
    validate, inflate = rates.gzip_bytes_per_s * share, rates.inflate_bytes_per_s * share
    done, turns = 0.0, []
    while done < size:
        skip = done / inflate
        if skip >= budget:
            return Refused(
                "gzip array, continuation",
                size,
                f"a turn would spend its {budget:,.0f} s re-inflating the first {done / GB:.0f} GB: "
                f"no turn progresses past {budget * inflate / GB:.0f} GB (turn budget x zlib's rate)",
            )
        progress = min(size - done, (budget - skip) * validate)
        turns.append(skip + progress / validate)
        done += progress
        if limits.max_turns is not None and len(turns) > limits.max_turns:
            return Refused(
                "gzip array, continuation", size, f"more than MAX_CONTINUATIONS {limits.max_turns} turns"
            )
        if len(turns) * EVENTS_PER_TURN > limits.history_events:
            return Refused(
                "gzip array, continuation",
                size,
                f"{len(turns)} turns x {EVENTS_PER_TURN} events exceed the "
                f"{limits.history_events:,}-event history",
            )
    return turns


def gzip_array(size: int, inputs: Inputs, limits: Limits) -> Figures | Refused:
    """A gzip JSON array of `size` bytes of JSON text, validated by continuation turns, then stored."""
    rates, overhead = inputs.rates, inputs.assume.validator_overhead_s
    turns = gzip_turns(size, rates, limits)
    if isinstance(turns, Refused):
        return turns
    records = records_in(size, rates)
    manifest = round(records * rates.manifest_bytes_per_record)
    if manifest > limits.max_manifest_bytes:
        return Refused(
            "gzip array, continuation",
            size,
            f"its manifest ({manifest / GB:.1f} GB) exceeds S3's {limits.max_parts:,} parts x PART_BYTES",
        )
    assume = _assume(inputs, limits)
    extra = len(turns) - 1
    run = _add(
        _unsplit_run(inputs, records, limits),
        {"lambda:Invoke": extra, "s3:GetObject": extra},
        states=extra * TRANSITIONS_PER_TURN,
    )
    memory, arch = limits.memory_mb, assume.architecture
    validators = tuple(cost.Lambda(1, overhead + seconds, memory, arch) for seconds in turns)
    usage = replace(usage_of(run, assume), lambdas=validators + _store_large(run, len(turns), assume))
    warm, new_table, asked = _store_phase(run, limits, assume)
    inflate = rates.inflate_bytes_per_s * limits.share
    skipped = sum(done / inflate for done in _checkpoints(turns, rates, limits))
    alone = size / (rates.gzip_bytes_per_s * limits.share)
    notes = (
        f"validating alone takes {alone:,.0f} s: ceil({alone:,.0f} / {limits.turn_budget_s:,.0f}) = "
        f"{math.ceil(alone / limits.turn_budget_s)} turns; with re-inflation "
        f"{len(turns)} turns of <= {limits.turn_budget_s:,.0f} s; re-inflating to each checkpoint costs "
        f"{skipped:,.0f} s in all (O(turns^2): turn i re-inflates i-1 turns' bytes)",
        f"{size * rates.gzip_ratio / GB:.2f} GB compressed (gzip -6 of the same orders)",
        _table_note(asked),
    )
    return Figures(
        form="gzip array, continuation",
        size_bytes=size,
        records=records,
        phases=(("validate (turns)", sum(overhead + t for t in turns)), ("store", warm)),
        store_new_table_s=new_table,
        validator_invocations=len(turns),
        lambda_gb_seconds=_gb_seconds(validators, memory),
        transitions=usage.standard_transitions,
        child_starts=usage.map_child_starts,
        dollars_per_million=_dollars_per_million(usage, records),
        unsplit_dollars_per_million=unsplit_dollars_per_million(inputs, limits),
        notes=notes,
    )


def _checkpoints(turns: list[float], rates: Rates, limits: Limits) -> list[float]:
    """Bytes of JSON text done before each turn (the checkpoint it starts from)."""
    validate, inflate = rates.gzip_bytes_per_s * limits.share, rates.inflate_bytes_per_s * limits.share
    done, found = 0.0, []
    for seconds in turns:
        found.append(done)
        done += (seconds - done / inflate) * validate
    return found


@dataclass(frozen=True)
class Ceiling:
    """The largest file of one form the design reads, and what bounds it."""

    form: str
    today_bytes: float
    bound: str


def ceilings(inputs: Inputs, limits: Limits) -> list[Ceiling]:
    """Per form, at the validator's memory and the measured rates: the largest size, and its bound."""
    rates, share, budget = inputs.rates, limits.share, limits.turn_budget_s
    overhead = inputs.assume.validator_overhead_s
    usable = budget - overhead
    manifest_ratio = rates.manifest_bytes_per_record / rates.bytes_per_record
    by_manifest = limits.max_manifest_bytes / manifest_ratio
    per_range = usable * rates.jsonl_bytes_per_s * share
    split = min(limits.max_ranges * per_range, by_manifest)
    # CombineRanges streams the joined manifest S3 to S3 (read and write) in one invocation.
    combine_rate = 2 * split * manifest_ratio / usable
    one_array = usable * rates.array_bytes_per_s * share
    one_gzip = usable * rates.gzip_bytes_per_s * share
    manifest_bound = (
        f"the manifest ({manifest_ratio:.2f} x the JSON text) within S3's {limits.max_parts:,} parts x "
        f"{limits.part_bytes / 2**20:.0f} MiB = {by_manifest / GB:.1f} GB of JSON text"
    )
    gzip_limit = budget * rates.inflate_bytes_per_s * share
    # The loop's turns (MAX_CONTINUATIONS + 1); unset: bounded by the other limits only.
    by_turns = float(limits.max_turns) if limits.max_turns is not None else math.inf
    turns = limits.max_turns if limits.max_turns is not None else "any"
    return [
        Ceiling(
            "JSON Lines (split)",
            min(split, limits.max_file_bytes),
            f"MAX_RANGES {limits.max_ranges} x {per_range / GB:.2f} GB a range in {budget:,.0f} s "
            f"= {limits.max_ranges * per_range / GB:.0f} GB; {manifest_bound}; CombineRanges joining "
            f"the parts in one invocation (at that size >= {combine_rate / 1e6:,.0f} MB/s of S3 transfer, "
            "not measured); MaxFileBytes",
        ),
        Ceiling(
            "array / orders wrapper (one invocation)",
            min(one_array, limits.max_file_bytes),
            f"{budget:,.0f} s x {rates.array_bytes_per_s * share / 1e6:.2f} MB/s = {one_array / GB:.2f} GB; "
            "MaxFileBytes",
        ),
        Ceiling(
            "gzip (one invocation)",
            min(one_gzip, limits.max_file_bytes),
            f"{budget:,.0f} s x {rates.gzip_bytes_per_s * share / 1e6:.2f} MB/s = {one_gzip / GB:.2f} GB "
            "of JSON text; MaxFileBytes",
        ),
        Ceiling(
            "array / orders wrapper (by continuation)",
            min(by_manifest, by_turns * one_array, limits.max_file_bytes),
            f"{turns} turns x {one_array / GB:.2f} GB a turn (MAX_CONTINUATIONS + 1; history "
            f"{limits.history_events:,} events / {EVENTS_PER_TURN} a turn); {manifest_bound}; MaxFileBytes",
        ),
        Ceiling(
            "gzip (by continuation)",
            min(gzip_limit, by_manifest, by_turns * one_gzip, limits.max_file_bytes),
            f"re-inflating to the checkpoint fills a turn at {gzip_limit / GB:.0f} GB ({budget:,.0f} s "
            f"x zlib's {rates.inflate_bytes_per_s * share / 1e6:.0f} MB/s); MAX_CONTINUATIONS; "
            f"{manifest_bound}; MaxFileBytes",
        ),
    ]


def unbounded_ceilings(inputs: Inputs, limits: Limits) -> list[Ceiling]:
    """The ceilings with MaxFileBytes out of the way: what the design itself handles."""
    return ceilings(inputs, replace(limits, max_file_bytes=10**18))


def safe_max_file_bytes(inputs: Inputs, limits: Limits, *, after_continuation: bool) -> float:
    """The largest MaxFileBytes every accepted form handles: each in one invocation, or with arrays,
    wrappers and gzip continued across invocations (the continuation loop)."""
    found = {c.form: c.today_bytes for c in unbounded_ceilings(inputs, limits)}
    if after_continuation:
        return min(v for form, v in found.items() if "one invocation" not in form)
    return min(v for form, v in found.items() if "continuation" not in form)


def as_json(result: Figures | Refused) -> dict[str, Any]:
    if isinstance(result, Refused):
        return {"form": result.form, "size_bytes": result.size_bytes, "refused": result.bound}
    return {
        "form": result.form,
        "size_bytes": result.size_bytes,
        "records": result.records,
        "phases_s": {name: round(seconds, 1) for name, seconds in result.phases},
        "wall_s": round(result.wall_s, 1),
        "store_new_table_s": round(result.store_new_table_s, 1),
        "validator_invocations": result.validator_invocations,
        "lambda_gb_seconds": round(result.lambda_gb_seconds, 1),
        "transitions": result.transitions,
        "child_starts": result.child_starts,
        "dollars_per_million_records": round(result.dollars_per_million, 4),
        "unsplit_dollars_per_million_records": round(result.unsplit_dollars_per_million, 4),
        "ratio_to_unsplit": round(result.ratio, 4),
        "within_goal": abs(result.ratio - 1) <= GOAL_RATIO,
        "notes": list(result.notes),
    }


def _minutes(seconds: float) -> str:
    return f"{seconds:,.0f} s" if seconds < 120 else f"{seconds / 60:,.1f} min"


def markdown(results: list[Figures | Refused]) -> str:
    lines = [
        "| file | records | wall time by phase | stores on a new table | validator invocations | "
        "Lambda GB-s | Standard transitions | child starts | $ per million records | × unsplit |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        name = f"{r.size_bytes / GB:.0f} GB {r.form}"
        if isinstance(r, Refused):
            lines.append(f"| {name} | refused: {r.bound} | | | | | | | | |")
            continue
        phases = " + ".join(f"{phase} {_minutes(seconds)}" for phase, seconds in r.phases)
        lines.append(
            f"| {name} | {r.records:,} | {phases} = **{_minutes(r.wall_s)}** | "
            f"{_minutes(r.store_new_table_s)} | {r.validator_invocations} | {r.lambda_gb_seconds:,.0f} | "
            f"{r.transitions:,} | {r.child_starts:,} | ${r.dollars_per_million:.4f} | **{r.ratio:.4f}** |"
        )
    return "\n".join(lines)


def ceilings_markdown(found: list[Ceiling]) -> str:
    lines = ["| form | largest file (at the default MaxFileBytes) | bounded by |", "|---|---|---|"]
    lines += [f"| {c.form} | {c.today_bytes / GB:,.2f} GB | {c.bound} |" for c in found]
    return "\n".join(lines)


def measure(collected: Any) -> tuple[Inputs, Limits]:
    """The model's inputs from the pipeline's emulator run (`benchmarks.pipeline.Collected`) plus the
    split runs and the core's rates measured now."""
    from benchmarks import bigmeasure
    from benchmarks.pipeline import _large_lane

    smallest = min(collected.sizes)
    unsplit = collected.runs[f"{smallest} large"]
    split = bigmeasure.split_runs(
        collected.stack, collected.run_id, smallest, log_format=collected.log_format
    )
    small, big = _large_lane(collected.runs)[-2:]
    inputs = Inputs(
        rates=Rates.of(bigmeasure.core_rates()),
        small=small,
        big=big,
        delta=split_delta(unsplit, split),
        records_per_batch=collected.records_per_batch,
        assume=collected.base,
    )
    return inputs, Limits.from_template(collected.template, max_turns=MAX_CONTINUATIONS + 1)


def report(inputs: Inputs, limits: Limits, *, json_lines: bool = False) -> list[dict[str, Any]]:
    results: list[Figures | Refused] = [split_jsonl(size, inputs, limits) for size in JSONL_SIZES]
    results += [gzip_array(size, inputs, limits) for size in GZIP_SIZES]
    print("\nFiles past one validator (JSON Lines split into ranges; gzip array by continuation):\n")
    print(markdown(results))
    for r in results:
        if isinstance(r, Figures):
            print(f"- {r.size_bytes / GB:.0f} GB {r.form}: " + "; ".join(r.notes))
    print("\nCeilings per form (this run's rates at ValidatorMemorySize; MaxFileBytes default):\n")
    print(ceilings_markdown(ceilings(inputs, limits)))
    today = safe_max_file_bytes(inputs, limits, after_continuation=False)
    after = safe_max_file_bytes(inputs, limits, after_continuation=True)
    print(
        f"\nMaxFileBytes {limits.max_file_bytes:,}: every form handles up to {today / GB:.2f} GB in one "
        f"invocation ({today / limits.max_file_bytes:.2f} x the default), {after / GB:.1f} GB with arrays, "
        "wrappers and gzip continued across invocations."
    )
    rates = inputs.rates
    print(
        f"Inputs (one core here; x {limits.share:.3f} at {limits.memory_mb} MB): JSON Lines "
        f"{rates.jsonl_bytes_per_s / 1e6:.2f} MB/s, array {rates.array_bytes_per_s / 1e6:.2f} MB/s, gzip "
        f"{rates.gzip_bytes_per_s / 1e6:.2f} MB/s, inflate {rates.inflate_bytes_per_s / 1e6:.0f} MB/s, "
        f"count {rates.count_bytes_per_s / 1e6:.0f} MB/s, join {rates.join_bytes_per_s / 1e6:.0f} MB/s; "
        f"{rates.bytes_per_record:.1f} bytes a record, manifest {rates.manifest_bytes_per_record:.1f} "
        f"bytes a record; turn budget {limits.turn_budget_s:,.0f} s; "
        f"{inputs.records_per_batch:.1f} records a batch; a put {inputs.assume.task_seconds} s (the cost "
        "model's stated input)."
    )
    delta = inputs.delta
    shown = {name: delta.requests[name] for name in sorted(delta.requests) if any(delta.requests[name])}
    print(
        "A split adds (emulator, per file + per range): "
        + ", ".join(f"{name} {fixed:+.1f} {per:+.2f}/range" for name, (fixed, per) in shown.items())
        + f", transitions {delta.states[0]:+.1f} {delta.states[1]:+.2f}/range; "
        f"work objects {delta.work_bytes_per_record:.0f} bytes a record."
    )
    objects = [as_json(result) for result in results]
    objects.append(
        {
            "ceilings": [
                {"form": c.form, "bytes": round(c.today_bytes), "bound": c.bound}
                for c in ceilings(inputs, limits)
            ],
            "max_file_bytes": limits.max_file_bytes,
            "every_form_today_bytes": round(today),
            "every_form_after_continuation_bytes": round(after),
        }
    )
    if json_lines:
        for obj in objects:
            print(json.dumps(obj, sort_keys=True))
    return objects


def main(argv: list[str] | None = None, collected: Any = None) -> list[dict[str, Any]]:
    """Measure (or reuse `collected`, the pipeline benchmark's run) and print the model's tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--json", action="store_true", help="one JSON object per file, then the ceilings")
    args = parser.parse_args(argv)
    if collected is None:
        from benchmarks import pipeline

        collected = pipeline.collect(args.sizes)
    inputs, limits = measure(collected)
    return report(inputs, limits, json_lines=args.json)


if __name__ == "__main__":
    main()
