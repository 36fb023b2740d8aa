"""Checks of the state graph that cfn-lint does not make (it validates structure, not the graph).

For every state list (the top level and each Map/Parallel processor): StartAt exists; every Next,
Default, Choice and Catch target exists in the same scope; every state is reachable from StartAt;
every non-terminal state has exactly one of Next/End (Choice: targets, no End); and from every state
some path ends (no cycle without a way out).
"""

from __future__ import annotations

from typing import Any

TERMINAL_TYPES = frozenset({"Succeed", "Fail"})


def _successors(state: dict[str, Any]) -> list[str]:
    targets: list[str] = []
    if "Next" in state:
        targets.append(state["Next"])
    if "Default" in state:
        targets.append(state["Default"])
    targets.extend(_choice_targets(state.get("Choices", [])))
    targets.extend(catch["Next"] for catch in state.get("Catch", []))
    return targets


def _choice_targets(choices: list[dict[str, Any]]) -> list[str]:
    return [choice["Next"] for choice in choices if "Next" in choice]


def _ends(state: dict[str, Any]) -> bool:
    return state.get("Type") in TERMINAL_TYPES or state.get("End") is True


def _sub_graphs(state: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    graphs: list[tuple[str, dict[str, Any]]] = []
    for key in ("ItemProcessor", "Iterator"):
        if key in state:
            graphs.append((key, state[key]))
    for index, branch in enumerate(state.get("Branches", [])):
        graphs.append((f"Branches[{index}]", branch))
    return graphs


def _exit_problems(name: str, state: dict[str, Any]) -> list[str]:
    kind = state.get("Type")
    has_next, has_end = "Next" in state, state.get("End") is True
    if kind in TERMINAL_TYPES:
        return [f"{name}: a {kind} state has Next/End"] if has_next or "End" in state else []
    if kind == "Choice":
        problems = [] if state.get("Choices") else [f"{name}: Choice without Choices"]
        return problems + ([f"{name}: Choice has Next/End"] if has_next or "End" in state else [])
    if has_next == has_end:
        return [f"{name}: needs exactly one of Next or End"]
    return []


def check_graph(definition: dict[str, Any], *, scope: str = "$") -> list[str]:
    """Return one message per problem found (empty when the graph is sound)."""
    states: dict[str, dict[str, Any]] = definition.get("States", {})
    start = definition.get("StartAt")
    problems: list[str] = []
    if start not in states:
        problems.append(f"{scope}: StartAt {start!r} is not a state")

    for name, state in sorted(states.items()):
        where = f"{scope}.{name}"
        problems.extend(_exit_problems(where, state))
        for target in _successors(state):
            if target not in states:
                problems.append(f"{where}: target {target!r} is not a state in this scope")
        for key, graph in _sub_graphs(state):
            problems.extend(check_graph(graph, scope=f"{where}.{key}"))

    reachable = _reachable(states, start)
    problems.extend(f"{scope}.{name}: unreachable from StartAt" for name in sorted(set(states) - reachable))
    ending = _can_end(states)
    problems.extend(
        f"{scope}.{name}: no path from here reaches an end" for name in sorted(set(states) - ending)
    )
    return problems


def _reachable(states: dict[str, dict[str, Any]], start: Any) -> set[str]:
    seen: set[str] = set()
    todo = [start] if start in states else []
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(t for t in _successors(states[name]) if t in states)
    return seen


def _can_end(states: dict[str, dict[str, Any]]) -> set[str]:
    ending = {name for name, state in states.items() if _ends(state)}
    changed = True
    while changed:
        changed = False
        for name, state in states.items():
            if name not in ending and any(t in ending for t in _successors(state)):
                ending.add(name)
                changed = True
    return ending
