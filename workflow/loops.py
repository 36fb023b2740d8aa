"""The one kind of loop a worst case can price: a counter incremented once a lap, bounded by a Choice.

Read from the rendered ASL (workflow/worstcase.py prices it as `laps` times its worst lap). A cycle is
accepted only when all of this holds, else WorstCaseError names it:
- exactly one Choice of the cycle (the guard) has a rule `{"Variable": V, "NumericLessThan": N}` (N a
  literal non-negative integer) whose Next is on the cycle; its other rules and its Default leave it;
- exactly one state of the cycle is a Pass whose Parameters are `{"k.$": "States.MathAdd(V, 1)"}` with
  ResultPath R where V is `R.k`; no other state of the cycle can write V (every other Task, Pass, Map
  or Parallel has an explicit ResultPath that is neither V nor a path above it; no InputPath or
  OutputPath on the cycle; no Catch that stays on it);
- without the guard nothing else loops (one lap is a finite path from the guard back to it);
- the cycle is entered only at its guard, and only from Pass states that set V to a literal
  non-negative integer (`Result` `{k: n}` at ResultPath R): so the guard lets at most N laps through.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any


class LoopError(Exception):
    """A cycle that is not a bounded loop (workflow/worstcase.py raises it as WorstCaseError)."""


@dataclass(frozen=True)
class Loop:
    guard: str
    members: frozenset[str]
    laps: int
    counter: str


_INCREMENT = re.compile(r"States\.MathAdd\(\s*(\$[\w.]+)\s*,\s*1\s*\)")


def components(names: Iterable[str], successors: Callable[[str], list[str]]) -> list[frozenset[str]]:
    """The strongly connected components that are cycles (more than one state, or a state that goes
    to itself), by Tarjan's algorithm."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def connect(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        on_stack.add(name)
        for target in successors(name):
            if target not in index:
                connect(target)
                low[name] = min(low[name], low[target])
            elif target in on_stack:
                low[name] = min(low[name], index[target])
        if low[name] == index[name]:
            members = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                members.append(member)
                if member == name:
                    break
            if len(members) > 1 or name in successors(name):
                found.append(frozenset(members))

    for name in names:
        if name not in index:
            connect(name)
    return found


def _above_or_at(path: str, counter: str) -> bool:
    return path == "$" or counter == path or counter.startswith(path + ".")


def _guard_rule(state: Mapping[str, Any], members: frozenset[str]) -> tuple[str, int] | None:
    """(counter, bound) of a Choice's `counter < bound` rule that stays on the cycle, if it has one."""
    if state.get("Type") != "Choice":
        return None
    for rule in state.get("Choices", []):
        bound = rule.get("NumericLessThan")
        if rule.get("Next") in members and type(bound) is int and bound >= 0 and "Variable" in rule:
            return str(rule["Variable"]), bound
    return None


def _sets_counter(state: Mapping[str, Any], counter: str) -> bool:
    """A Pass whose Parameters are exactly `{"k.$": "States.MathAdd(counter, 1)"}` at ResultPath R
    with `R.k` the counter."""
    parameters, result_path = state.get("Parameters"), state.get("ResultPath")
    if state.get("Type") != "Pass" or not isinstance(parameters, dict) or len(parameters) != 1:
        return False
    ((key, value),) = parameters.items()
    matched = _INCREMENT.fullmatch(value) if isinstance(value, str) else None
    return (
        isinstance(result_path, str)
        and key.endswith(".$")
        and f"{result_path}.{key[:-2]}" == counter
        and matched is not None
        and matched.group(1) == counter
    )


def _initialises(state: Mapping[str, Any], counter: str) -> bool:
    """A Pass that sets the counter to a literal non-negative integer (Result `{k: n}` at R)."""
    result, result_path = state.get("Result"), state.get("ResultPath")
    if state.get("Type") != "Pass" or "Parameters" in state or not isinstance(result, dict):
        return False
    if not isinstance(result_path, str) or len(result) != 1:
        return False
    ((key, value),) = result.items()
    return f"{result_path}.{key}" == counter and type(value) is int and value >= 0


def bounded_loop(
    states: Mapping[str, Any], members: frozenset[str], successors: Callable[[str], list[str]]
) -> Loop:
    """The cycle `members` as a bounded loop (see the module docstring), or LoopError."""
    named = ", ".join(sorted(members))
    guards = {name: rule for name in members if (rule := _guard_rule(states[name], members))}
    if len(guards) != 1:
        raise LoopError(f"{named}: a loop needs exactly one Choice bounding a counter")
    ((guard, (counter, bound)),) = guards.items()
    guard_state = states[guard]
    staying = [rule.get("Next") for rule in guard_state.get("Choices", []) if rule.get("Next") in members]
    if len(staying) != 1 or guard_state.get("Default") in members:
        raise LoopError(f"{guard}: only its `{counter} < {bound}` rule may stay on the loop")
    increments = [name for name in members if _sets_counter(states[name], counter)]
    if len(increments) != 1:
        raise LoopError(f"{named}: a loop needs exactly one Pass adding 1 to {counter}")
    for name in members:
        state = states[name]
        if "InputPath" in state or "OutputPath" in state:
            raise LoopError(f"{name}: no InputPath or OutputPath on a loop")
        if any(catch.get("Next") in members for catch in state.get("Catch", [])):
            raise LoopError(f"{name}: a Catch may not stay on a loop")
        if name in increments or state.get("Type") in ("Choice", "Wait", "Succeed", "Fail"):
            continue
        result_path = state.get("ResultPath", "$")
        if isinstance(result_path, str) and _above_or_at(result_path, counter):
            raise LoopError(f"{name}: its ResultPath may overwrite the loop's counter {counter}")
    for name, state in states.items():
        entering = [target for target in successors(name) if target in members]
        if name in members or not entering:
            continue
        if entering != [guard] or not _initialises(state, counter):
            raise LoopError(f"{name}: a loop is entered only at its guard, from a Pass setting {counter}")
    return Loop(guard=guard, members=members, laps=bound, counter=counter)
