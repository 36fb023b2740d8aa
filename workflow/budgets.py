"""Each lane's worst case against its limits, rendered as output/worstcase.md (build.py refuses a break).

The figures come from the rendered ASL (workflow/worstcase.py), the template (each Lambda's timeout)
and the throughput settings (handlers/seams/throughput.py, handlers/flows/inline.py: how many items each Map
runs). The one figure the ASL cannot give, how long one service request (DynamoDB, SQS, S3, Step
Functions) takes when the Task sets no TimeoutSeconds, is SERVICE_REQUEST_SECONDS, stated in the table.

Over 300 lines: each lane's worst case (retries, Map waves, the continuation loop) against its limits and
its rendering as output/worstcase.md are one job.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from handlers.seams.throughput import (
    BATCH_CONCURRENCY,
    BATCH_MAX_BYTES,
    BATCH_MAX_RECORDS,
    INLINE_MAX_BYTES,
    INLINE_MAX_RECORDS,
    MAX_RANGES,
    SMALL_FILE_RECORD_CONCURRENCY,
)
from workflow.worstcase import Cost, Settings, WorstCaseError, graph_cost

WORST_CASE_FILE = "worstcase.md"
# AWS limits (Step Functions quotas).
EXPRESS_LIMIT_SECONDS = 300
STANDARD_LIMIT_SECONDS = 365 * 24 * 60 * 60
STANDARD_HISTORY_EVENTS = 25_000
PAYLOAD_LIMIT_BYTES = 262_144
LAMBDA_MAX_SECONDS = 900
# The margin an EXPRESS lane keeps under its 5 minutes (clock skew, cold starts, slow calls).
EXPRESS_MARGIN_SECONDS = 60
# One service request's bound where a Task sets no TimeoutSeconds (an assumption, stated in the table).
SERVICE_REQUEST_SECONDS = 2.0
# What travels in the state beside an inline batch or a child's batch (event, file, counts, ledger).
ENVELOPE_RESERVE_BYTES = 32 * 1024
# One record's outcome in a record Map's result array ({"outcome": "rejected", "reason": <code>}).
OUTCOME_MAX_BYTES = 96

SMALL_MACHINE = "SmallFileStateMachine"
LARGE_MACHINE = "StateMachine"
SMALL_MAP = "StoreRecords"
BATCHES_MAP = "ProcessBatches"
BATCH_MAP = "StoreBatch"
# A split file's range Maps (workflow/ranges.py), each at its most ranges; what one range keeps in the
# parent's state data: its plan, its count and its part pointer, with a URL-decoded key of up to 1,024
# bytes (an upper bound, in bytes).
RANGE_MAPS = ("CountRanges", "ValidateRanges")
# The other ways the large lane validates a file, by their first state: each priced on its own.
VALIDATION_FORMS = (
    ("a split file", "CountRanges"),
    ("a file validated by continuation", "StartContinuations"),
)
RANGE_STATE_BYTES = 1_600


@dataclass(frozen=True)
class Row:
    scenario: str
    cost: Cost
    limit_seconds: float


@dataclass(frozen=True)
class Lane:
    machine: str
    kind: str
    rows: tuple[Row, ...]
    per_record: Cost
    problems: tuple[str, ...]
    # The EXPRESS children of a Distributed Map, if any.
    child: Row | None = None
    # The largest file's worst from the first state of each other way to validate it (a split file's
    # ranges, a continued file's loop) to the end: (what, first state, cost).
    forms: tuple[tuple[str, str, Cost], ...] = ()


def _function_timeouts(template: Mapping[str, Any], machine: str) -> dict[str, float]:
    """`${Placeholder}` -> the timeout of the Lambda function it substitutes, for `machine`."""
    resources = template["Resources"]
    parameters = template.get("Parameters", {})
    found: dict[str, float] = {}
    for name, value in resources[machine]["Properties"].get("DefinitionSubstitutions", {}).items():
        target = value.get("Fn::GetAtt", [None])[0] if isinstance(value, dict) else None
        function = resources.get(target or "", {})
        if function.get("Type") == "AWS::Lambda::Function":
            timeout = function["Properties"].get("Timeout", 3)
            if isinstance(timeout, dict):
                timeout = parameters[timeout["Ref"]]["Default"]
            found["${" + name + "}"] = float(timeout)
    return found


def _settings(template: Mapping[str, Any], machine: str, items: Mapping[str, int]) -> Settings:
    timeouts = _function_timeouts(template, machine)

    def attempt_seconds(state: Mapping[str, Any]) -> float:
        return timeouts.get(str(state.get("Resource", "")), SERVICE_REQUEST_SECONDS)

    return Settings(items=items, attempt_seconds=attempt_seconds)


def _record_processor(definition: Mapping[str, Any], map_name: str) -> Mapping[str, Any]:
    for state in _all_states(definition["States"]):
        if state[0] == map_name:
            processor: Mapping[str, Any] = state[1]["ItemProcessor"]
            return processor
    raise WorstCaseError(f"no Map named {map_name}")


def _all_states(states: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    found: list[tuple[str, Mapping[str, Any]]] = []
    for name, state in states.items():
        found.append((name, state))
        if "ItemProcessor" in state:
            found += _all_states(state["ItemProcessor"]["States"])
    return found


def small_lane(template: Mapping[str, Any], definition: Mapping[str, Any]) -> Lane:
    """The EXPRESS small-file lane: a file of up to INLINE_MAX_RECORDS records, inline."""
    rows: list[Row] = []
    problems: list[str] = []
    budget = EXPRESS_LIMIT_SECONDS - EXPRESS_MARGIN_SECONDS
    for records in sorted({1, SMALL_FILE_RECORD_CONCURRENCY, INLINE_MAX_RECORDS}):
        cost = graph_cost(
            definition["States"],
            definition["StartAt"],
            _settings(template, SMALL_MACHINE, {SMALL_MAP: records}),
        )
        rows.append(Row(_records(records), cost, budget))
        if cost.seconds > budget:
            problems.append(
                f"{SMALL_MACHINE}: worst case {cost.seconds:g} s for {records} records exceeds the EXPRESS "
                f"limit of {EXPRESS_LIMIT_SECONDS} s less {EXPRESS_MARGIN_SECONDS} s margin, on the path "
                + " > ".join(cost.path)
            )
    inline_bytes = INLINE_MAX_BYTES + ENVELOPE_RESERVE_BYTES
    outcome_bytes = INLINE_MAX_RECORDS * OUTCOME_MAX_BYTES + ENVELOPE_RESERVE_BYTES
    for what, size in (
        ("an inline batch and its envelope", inline_bytes),
        (f"{SMALL_MAP}'s result", outcome_bytes),
    ):
        if size > PAYLOAD_LIMIT_BYTES:
            problems.append(
                f"{SMALL_MACHINE}: {what} may reach {size} bytes, "
                f"past the {PAYLOAD_LIMIT_BYTES}-byte payload limit"
            )
    processor = _record_processor(definition, SMALL_MAP)
    per_record = graph_cost(processor["States"], processor["StartAt"], _settings(template, SMALL_MACHINE, {}))
    return Lane(SMALL_MACHINE, "EXPRESS", tuple(rows), per_record, tuple(problems))


def large_lane(template: Mapping[str, Any], definition: Mapping[str, Any]) -> Lane:
    """The STANDARD large-file lane (files of N records in full batches) and its EXPRESS children."""
    rows: list[Row] = []
    problems: list[str] = []
    for records in (1, BATCH_MAX_RECORDS, BATCH_MAX_RECORDS * BATCH_CONCURRENCY, 1_000_000):
        batches = math.ceil(records / BATCH_MAX_RECORDS)
        items = {BATCHES_MAP: batches, BATCH_MAP: min(records, BATCH_MAX_RECORDS)}
        items |= {name: MAX_RANGES for name in RANGE_MAPS}
        cost = graph_cost(
            definition["States"], definition["StartAt"], _settings(template, LARGE_MACHINE, items)
        )
        rows.append(
            Row(
                f"{_records(records)} ({batches:,} batch{'es' if batches != 1 else ''})",
                cost,
                STANDARD_LIMIT_SECONDS,
            )
        )
        if cost.seconds > STANDARD_LIMIT_SECONDS:
            problems.append(
                f"{LARGE_MACHINE}: worst case {cost.seconds:g} s for {records} records "
                "exceeds a STANDARD execution's year"
            )
        if cost.events > STANDARD_HISTORY_EVENTS:
            problems.append(
                f"{LARGE_MACHINE}: {cost.events} history events for {records} records "
                f"exceed {STANDARD_HISTORY_EVENTS}"
            )
    child = _record_processor(definition, BATCHES_MAP)
    child_cost = graph_cost(
        child["States"], child["StartAt"], _settings(template, LARGE_MACHINE, {BATCH_MAP: BATCH_MAX_RECORDS})
    )
    budget = EXPRESS_LIMIT_SECONDS - EXPRESS_MARGIN_SECONDS
    child_row = Row(f"one {BATCHES_MAP} child: {_records(BATCH_MAX_RECORDS)}", child_cost, budget)
    # No exception: a child past its 5 minutes ends TIMED_OUT wherever it stands (no Catch runs).
    if child_cost.seconds > budget:
        problems.append(
            f"{LARGE_MACHINE}: a {BATCHES_MAP} child's worst case {child_cost.seconds:g} s for "
            f"{BATCH_MAX_RECORDS} records exceeds the EXPRESS limit of {EXPRESS_LIMIT_SECONDS} s less "
            f"{EXPRESS_MARGIN_SECONDS} s margin, on the path " + " > ".join(child_cost.path)
        )
    if MAX_RANGES * RANGE_STATE_BYTES + ENVELOPE_RESERVE_BYTES > PAYLOAD_LIMIT_BYTES:
        problems.append(
            f"{LARGE_MACHINE}: {MAX_RANGES} ranges may pass the {PAYLOAD_LIMIT_BYTES}-byte payload limit"
        )
    if BATCH_MAX_BYTES + ENVELOPE_RESERVE_BYTES > PAYLOAD_LIMIT_BYTES:
        problems.append(
            f"{LARGE_MACHINE}: a batch and its envelope may pass the {PAYLOAD_LIMIT_BYTES}-byte payload limit"
        )
    record = _record_processor(definition, BATCH_MAP)
    per_record = graph_cost(record["States"], record["StartAt"], _settings(template, LARGE_MACHINE, {}))
    forms = tuple(
        (what, first, graph_cost(definition["States"], first, _settings(template, LARGE_MACHINE, items)))
        for what, first in VALIDATION_FORMS
        if first in definition["States"]
    )
    return Lane(
        LARGE_MACHINE, "STANDARD", tuple(rows), per_record, tuple(problems), child=child_row, forms=forms
    )


def _records(count: int) -> str:
    return f"{count:,} record{'s' if count != 1 else ''}"


def _seconds(value: float) -> str:
    return f"{value:,.0f} s" if value < 3 * 3600 else f"{value:,.0f} s ({value / 3600:,.1f} h)"


def render_worst_cases(lanes: list[Lane], sources: Mapping[str, str]) -> str:
    """The Markdown table, deterministic (no clock, no machine-dependent value)."""
    lines = [
        "# Worst cases per file (generated by build.py; do not edit)",
        "",
        "Computed from the rendered ASL (" + ", ".join(f"`{sources[lane.machine]}`" for lane in lanes) + "), "
        "the Lambda timeouts in `template.json` and the throughput settings "
        "(`handlers/seams/throughput.py`): "
        "every retry at its longest backoff (MaxDelaySeconds caps), every Map wave "
        "(ceil(items / MaxConcurrency)), every attempt at its TimeoutSeconds or Lambda timeout, and "
        f"{SERVICE_REQUEST_SECONDS:g} s for a service request without one (an assumption). Transitions and "
        "requests are each maximised over the paths; requests are calls to DynamoDB, SQS, S3, Lambda and "
        "Step Functions, retries included. History events are an upper bound (a STANDARD execution keeps "
        f"at most {STANDARD_HISTORY_EVENTS:,}; a Distributed Map's children keep their own). Billing: a "
        "STANDARD execution per state transition (a child start is one), an EXPRESS execution per "
        "request (one per small file, one per batch child) plus its duration. An EXPRESS lane's limit is "
        f"its {EXPRESS_LIMIT_SECONDS} s less a {EXPRESS_MARGIN_SECONDS} s margin, a batch child's too.",
        "",
    ]
    for lane in lanes:
        standard = lane.kind == "STANDARD"
        lines += [
            f"## {lane.machine} ({lane.kind})",
            "",
            "| file | worst duration | limit | state transitions | service requests | history events |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        rows = [*lane.rows, *([lane.child] if lane.child else [])]
        for row in rows:
            events = f"{row.cost.events:,}" if standard and row is not lane.child else "n/a (EXPRESS)"
            lines.append(
                f"| {row.scenario} | {_seconds(row.cost.seconds)} | {_seconds(row.limit_seconds)} "
                f"| {row.cost.transitions:,} | {row.cost.requests:,} | {events} |"
            )
        record = lane.per_record
        lines += [
            "",
            f"Per record (worst path): {_seconds(record.seconds)}, {record.transitions} transitions, "
            f"{record.requests} requests: " + " > ".join(record.path) + ".",
            "",
            "Worst path of the largest file: " + " > ".join(lane.rows[-1].cost.path) + ".",
            "",
        ]
        for what, first, cost in lane.forms:
            lines += [
                f"Worst of {what}, from {first} to the end: {_seconds(cost.seconds)}, "
                f"{cost.transitions:,} transitions, {cost.events:,} history events: "
                + " > ".join(cost.path)
                + ".",
                "",
            ]
    return "\n".join(lines).rstrip("\n") + "\n"


def worst_cases(
    template: Mapping[str, Any], definitions: Mapping[str, Mapping[str, Any]], sources: Mapping[str, str]
) -> tuple[str, list[str]]:
    """(output/worstcase.md, problems): `definitions` by state machine logical ID."""
    try:
        lanes = [
            large_lane(template, definitions[LARGE_MACHINE]),
            small_lane(template, definitions[SMALL_MACHINE]),
        ]
    except (WorstCaseError, KeyError) as error:
        return "", [f"{WORST_CASE_FILE}: no worst case: {error}"]
    problems = [f"{WORST_CASE_FILE}: {problem}" for lane in lanes for problem in lane.problems]
    problems += [
        f"{WORST_CASE_FILE}: {problem}"
        for machine, definition in sorted(definitions.items())
        for problem in lambda_wait_problems(template, machine, definition)
    ]
    return render_worst_cases(lanes, sources), problems


def lambda_wait_problems(
    template: Mapping[str, Any], machine: str, definition: Mapping[str, Any]
) -> list[str]:
    """A Lambda's limits: its timeout within Lambda's maximum, and no Task waiting on it past its timeout
    (a TimeoutSeconds longer than the function can run is a wait that can never be reached)."""
    timeouts = _function_timeouts(template, machine)
    problems = [
        f"{machine}: {placeholder} has a timeout of {seconds:g} s, past Lambda's {LAMBDA_MAX_SECONDS} s"
        for placeholder, seconds in sorted(timeouts.items())
        if seconds > LAMBDA_MAX_SECONDS
    ]
    for name, state in _all_states(definition["States"]):
        limit = timeouts.get(str(state.get("Resource", "")))
        waits = state.get("TimeoutSeconds")
        if limit is not None and waits is not None and waits > limit:
            problems.append(
                f"{machine}: {name} waits {waits} s (TimeoutSeconds) for {state['Resource']}, "
                f"whose timeout is {limit:g} s"
            )
    return problems
