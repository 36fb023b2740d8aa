"""Worst cases of a rendered ASL definition: duration, state transitions, service requests, history.

Pure arithmetic over the definition dict (what output/*.asl.json holds):
- a Task makes 1 + sum(MaxAttempts) attempts (its retriers exhausted one after another), each lasting
  its TimeoutSeconds, else the invoked Lambda function's timeout, else one service request's bound;
  between attempts it waits each retrier's longest backoff: IntervalSeconds x BackoffRate^k, capped at
  MaxDelaySeconds (full jitter only shortens a wait);
- a Map runs its items in ceil(items / MaxConcurrency) waves, each as long as the worst item;
- a state's worst is its own cost plus the worst of every state it can go to (Next, Choices,
  Default, Catch). Each figure is maximised on its own path; the duration's path is kept;
- a loop is refused unless it is a bounded loop (workflow/loops.py: a counter incremented once a lap,
  a Choice `counter < N`), priced as N + 1 of its worst lap (N laps, and the part of one more that
  leaves it) plus the worst way out of it. Any other cycle has no worst case.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from workflow.loops import Loop, LoopError, bounded_loop, components

# Step Functions' defaults when a retrier omits them.
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_INTERVAL_SECONDS = 1
DEFAULT_BACKOFF_RATE = 2.0
# Errors a Distributed Map's Retry can only meet while reading its items, before any child starts.
READER_ERRORS = frozenset({"States.ItemReaderFailed"})
# History events, as an upper bound: a state's entered/exited pair, an attempt's scheduled/started/ended,
# an inline iteration's started/ended, a map run's started/ended.
EVENTS_PER_STATE = 2
EVENTS_PER_ATTEMPT = 3
EVENTS_PER_ITERATION = 2
EVENTS_PER_MAP_RUN = 2


class WorstCaseError(Exception):
    """The definition has no finite worst case (a loop, a Map without a known item count)."""


@dataclass(frozen=True)
class Cost:
    """Worst figures of running from one state to an end."""

    seconds: float = 0.0
    transitions: int = 0
    requests: int = 0
    events: int = 0
    path: tuple[str, ...] = ()

    def times(self, count: int) -> Cost:
        return Cost(
            self.seconds * count,
            self.transitions * count,
            self.requests * count,
            self.events * count,
            self.path,
        )

    def then(self, other: Cost) -> Cost:
        return Cost(
            self.seconds + other.seconds,
            self.transitions + other.transitions,
            self.requests + other.requests,
            self.events + other.events,
            self.path + other.path,
        )


def _worst(costs: list[Cost]) -> Cost:
    """Each figure's maximum over `costs`; the path of the longest duration."""
    if not costs:
        return Cost()
    longest = max(costs, key=lambda cost: cost.seconds)
    return Cost(
        longest.seconds,
        max(c.transitions for c in costs),
        max(c.requests for c in costs),
        max(c.events for c in costs),
        longest.path,
    )


def retrier_waits(retrier: Mapping[str, Any]) -> float:
    """The longest total wait of one retrier (every wait at its cap)."""
    interval = retrier.get("IntervalSeconds", DEFAULT_INTERVAL_SECONDS)
    rate = retrier.get("BackoffRate", DEFAULT_BACKOFF_RATE)
    cap = retrier.get("MaxDelaySeconds", math.inf)
    return float(
        sum(min(interval * rate**k, cap) for k in range(retrier.get("MaxAttempts", DEFAULT_MAX_ATTEMPTS)))
    )


def attempts(state: Mapping[str, Any]) -> int:
    return 1 + sum(int(r.get("MaxAttempts", DEFAULT_MAX_ATTEMPTS)) for r in state.get("Retry", []))


@dataclass(frozen=True)
class Settings:
    """What the ASL does not say: each Map's item count and each call's duration bound."""

    # Map state name -> items per run (for a nested Map: per run of its enclosing iteration).
    items: Mapping[str, int]
    # The longest one attempt of a Task without TimeoutSeconds can take (e.g. a Lambda's timeout).
    attempt_seconds: Callable[[Mapping[str, Any]], float]


def _successors(state: Mapping[str, Any]) -> list[str]:
    found = [state.get("Next"), state.get("Default")]
    found += [choice.get("Next") for choice in state.get("Choices", [])]
    found += [catch.get("Next") for catch in state.get("Catch", [])]
    return [name for name in dict.fromkeys(found) if name]


def _label(name: str, detail: str = "") -> str:
    return f"{name}[{detail}]" if detail else name


def graph_cost(states: Mapping[str, Any], start: str, settings: Settings) -> Cost:
    """The worst cost from `start` to an end of `states`."""
    memo: dict[str, Cost] = {}
    visiting: set[str] = set()

    def successors(name: str) -> list[str]:
        return _successors(states[name])

    loops: dict[str, Loop] = {}
    for members in components(states, successors):
        try:
            loop = bounded_loop(states, members, successors)
        except LoopError as refused:
            raise WorstCaseError(f"{min(members)} is on a loop: no finite worst case ({refused})") from None
        loops[loop.guard] = loop

    def lap(loop: Loop) -> Cost:
        """The worst path from the guard around the loop back to it (the guard's cost included)."""
        inner: dict[str, Cost] = {}

        def around(name: str, trail: frozenset[str]) -> Cost:
            if name == loop.guard and trail:
                return Cost()
            if name in trail:
                raise WorstCaseError(f"{name} is on a loop inside {loop.guard}'s: no finite worst case")
            if name not in inner:
                staying = [n for n in successors(name) if n in loop.members]
                own = state_cost(name, states[name], settings)
                inner[name] = own.then(_worst([around(n, trail | {name}) for n in staying]))
            return inner[name]

        return around(loop.guard, frozenset())

    def visit(name: str) -> Cost:
        if name in memo:
            return memo[name]
        if name in visiting:
            raise WorstCaseError(f"{name} is on a loop: no finite worst case")
        visiting.add(name)
        loop = loops.get(name)
        if loop is None:
            own = state_cost(name, states[name], settings)
            result = own.then(_worst([visit(n) for n in successors(name)]))
        else:
            one = lap(loop)
            laps = one.times(loop.laps + 1)
            label = f"{loop.laps} + 1 laps of " + " > ".join(one.path)
            exits = [n for m in sorted(loop.members) for n in successors(m) if n not in loop.members]
            result = Cost(laps.seconds, laps.transitions, laps.requests, laps.events, (_label(name, label),))
            result = result.then(_worst([visit(n) for n in dict.fromkeys(exits)]))
        visiting.discard(name)
        memo[name] = result
        return result

    return visit(start)


def state_cost(name: str, state: Mapping[str, Any], settings: Settings) -> Cost:
    """The cost of one state alone (a Map: all of its items)."""
    kind = state.get("Type")
    if kind == "Task":
        tries = attempts(state)
        per_attempt = float(state.get("TimeoutSeconds") or settings.attempt_seconds(state))
        waits = sum(retrier_waits(r) for r in state.get("Retry", []))
        seconds = tries * per_attempt + waits
        detail = f"{tries} x {per_attempt:g} s + {waits:g} s waits" if tries > 1 else ""
        return Cost(
            seconds, tries, tries, EVENTS_PER_STATE + EVENTS_PER_ATTEMPT * tries, (_label(name, detail),)
        )
    if kind == "Wait":
        if "Seconds" not in state:
            raise WorstCaseError(f"{name}: a Wait without a fixed Seconds has no worst case")
        return Cost(float(state["Seconds"]), 1, 0, EVENTS_PER_STATE, (name,))
    if kind == "Map":
        return _map_cost(name, state, settings)
    if kind == "Parallel":
        branches = [graph_cost(b["States"], b["StartAt"], settings) for b in state["Branches"]]
        return Cost(
            max(b.seconds for b in branches),
            1 + sum(b.transitions for b in branches),
            sum(b.requests for b in branches),
            EVENTS_PER_STATE + sum(b.events for b in branches),
            (name,),
        )
    return Cost(0.0, 1, 0, EVENTS_PER_STATE, (name,))


def _map_cost(name: str, state: Mapping[str, Any], settings: Settings) -> Cost:
    processor = state.get("ItemProcessor") or state.get("Iterator")
    if processor is None:
        raise WorstCaseError(f"{name}: a Map without an ItemProcessor")
    if name not in settings.items:
        raise WorstCaseError(f"{name}: no item count given for this Map")
    items = settings.items[name]
    item = graph_cost(processor["States"], processor["StartAt"], settings)
    distributed = processor.get("ProcessorConfig", {}).get("Mode") == "DISTRIBUTED"
    concurrency = int(state.get("MaxConcurrency", 0)) or items or 1
    waves = math.ceil(items / concurrency) if items else 0
    run = waves * item.seconds
    if distributed:
        # Each child start is one transition and one StartExecution of the parent; the children's own
        # transitions and requests are theirs (EXPRESS: billed per request), counted in `requests`.
        reader = 1 if "ItemReader" in state else 0
        transitions, requests = 1 + items, reader + items + items * item.requests
        events = EVENTS_PER_STATE + EVENTS_PER_MAP_RUN
    else:
        transitions, requests = 1 + items * item.transitions, items * item.requests
        events = EVENTS_PER_STATE + items * (EVENTS_PER_ITERATION + item.events)
    # A retried Map: a reader error retries only the read; any other error re-runs the whole Map.
    retries = state.get("Retry", [])
    extra_attempts = attempts(state) - 1
    reader_only = all(set(r.get("ErrorEquals", [])) <= READER_ERRORS for r in retries)
    per_retry = settings.attempt_seconds(state) if reader_only else run
    seconds = run + extra_attempts * per_retry + sum(retrier_waits(r) for r in retries)
    transitions += extra_attempts
    requests += extra_attempts * (1 if reader_only else requests)
    detail = f"{waves} wave{'s' if waves != 1 else ''} of {items} x " + " > ".join(item.path)
    return Cost(seconds, transitions, requests, events, (_label(name, detail),))
