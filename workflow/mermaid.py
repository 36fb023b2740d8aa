"""A state machine definition drawn as a Mermaid flowchart, for reviewers reading a diff of output/.

Pure and deterministic: states in name order, one line per node and one per edge, so that changing one
state (one Retry, one Next) changes the lines of that state only. All nodes come first, nested in one
subgraph per Map processor or Parallel branch; all edges follow at the top level, because Mermaid moves
a node into whichever subgraph first mentions it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workflow.mermaid_text import condition, label, node_id, number, retry_lines

# Mermaid shape brackets per state type; the type is also written in the label.
_SHAPES = {
    "Task": ("[", "]"),
    "Pass": ("(", ")"),
    "Choice": ("{", "}"),
    "Wait": ("{{", "}}"),
    "Succeed": ("([", "])"),
    "Fail": ("([", "])"),
    "Map": ("[[", "]]"),
    "Parallel": ("[[", "]]"),
}
_CLASSES = {"Succeed": ":::succeed", "Fail": ":::fail"}
HEADER = (
    "flowchart TD",
    "  classDef succeed fill:#e6f4ea,stroke:#2e7d32",
    "  classDef fail fill:#fdecea,stroke:#c62828",
    "  classDef marker fill:#eeeeee,stroke:#757575",
)

Path = tuple[str, ...]


@dataclass
class _Picture:
    nodes: list[str] = field(default_factory=list)
    edges: list[str] = field(default_factory=list)


def render_mermaid(definition: dict[str, Any]) -> str:
    """The flowchart's source text (without the Markdown fence), ending in a newline."""
    picture = _Picture()
    _draw_scope(definition, (), picture, indent="  ")
    return "\n".join([*HEADER, *picture.nodes, *picture.edges]) + "\n"


def _begin_id(scope: Path) -> str:
    return node_id("b", scope) if scope else "start"


def _end_id(scope: Path) -> str:
    return node_id("e", scope) if scope else "stop"


def _draw_scope(graph: dict[str, Any], scope: Path, picture: _Picture, *, indent: str) -> None:
    """One state list (the machine, a Map processor or a Parallel branch): its nodes and its edges."""
    states: dict[str, dict[str, Any]] = graph.get("States", {})
    picture.nodes.append(f'{indent}{_begin_id(scope)}(("start")):::marker')
    picture.edges.append(f"  {_begin_id(scope)} --> {node_id('s', (*scope, str(graph.get('StartAt'))))}")
    for name in sorted(states):
        _draw_state(name, states[name], scope, picture, indent=indent)
    if any(state.get("End") is True for state in states.values()):
        picture.nodes.append(f'{indent}{_end_id(scope)}(("end")):::marker')


def _draw_state(name: str, state: dict[str, Any], scope: Path, picture: _Picture, *, indent: str) -> None:
    path = (*scope, name)
    me = node_id("s", path)
    kind = str(state.get("Type", "?"))
    opening, closing = _SHAPES.get(kind, ("[", "]"))
    lines = [name, *_summary(kind, state)]
    for retrier in state.get("Retry", []):
        lines.extend(retry_lines(retrier))
    picture.nodes.append(f"{indent}{me}{opening}{label(*lines)}{closing}{_CLASSES.get(kind, '')}")

    def to(target: Any) -> str:
        return node_id("s", (*scope, str(target)))

    if "Next" in state:
        picture.edges.append(f"  {me} --> {to(state['Next'])}")
    for index, rule in enumerate(state.get("Choices", []), start=1):
        picture.edges.append(f"  {me} -->|{label(f'{index}: {condition(rule)}')}| {to(rule.get('Next'))}")
    if "Default" in state:
        picture.edges.append(f"  {me} -->|{label('default')}| {to(state['Default'])}")
    for catcher in state.get("Catch", []):
        errors = ", ".join(str(error) for error in catcher.get("ErrorEquals", []))
        picture.edges.append(f"  {me} -.->|{label(f'catch {errors}')}| {to(catcher.get('Next'))}")
    if state.get("End") is True:
        picture.edges.append(f"  {me} --> {_end_id(scope)}")
    for child_scope, title, graph in _children(path, name, state):
        picture.edges.append(f"  {me} ==> {_begin_id(child_scope)}")
        picture.nodes.append(f"{indent}subgraph {node_id('g', child_scope)}[{label(title)}]")
        _draw_scope(graph, child_scope, picture, indent=indent + "  ")
        picture.nodes.append(f"{indent}end")


def _children(path: Path, name: str, state: dict[str, Any]) -> list[tuple[Path, str, dict[str, Any]]]:
    """The state lists nested in a state: a Map's processor, or each branch of a Parallel."""
    for key in ("ItemProcessor", "Iterator"):
        if key in state:
            return [(path, f"{name}: each item", state[key])]
    return [
        ((*path, f"#{index}"), f"{name}: branch {index + 1}", branch)
        for index, branch in enumerate(state.get("Branches", []))
    ]


def _summary(kind: str, state: dict[str, Any]) -> list[str]:
    """The label's lines after the name: the type and what most changes its behaviour."""
    parts = [kind]
    if kind == "Task":
        parts.append(str(state.get("Resource", "")))
        parts.extend(f"{key} {state[key]}s" for key in ("TimeoutSeconds", "HeartbeatSeconds") if key in state)
    elif kind == "Map":
        return _map_summary(state)
    elif kind == "Fail" and "Error" in state:
        parts.append(str(state["Error"]))
    elif kind == "Wait":
        waits = sorted(key for key in state if key.startswith(("Seconds", "Timestamp")))
        parts.extend(f"{key} {state[key]}" for key in waits)
    elif kind == "Parallel":
        parts.append(f"{len(state.get('Branches', []))} branches")
    return [" · ".join(parts)]


def _map_summary(state: dict[str, Any]) -> list[str]:
    processor = state.get("ItemProcessor", {}).get("ProcessorConfig", {})
    mode = " ".join(str(processor[key]) for key in ("Mode", "ExecutionType") if key in processor)
    parts = ["Map · " + mode if mode else "Map"]
    if "ItemReader" in state:
        reader = state["ItemReader"]
        input_type = reader.get("ReaderConfig", {}).get("InputType", "")
        parts.append(f"items from {reader.get('Resource', '')} {input_type}".rstrip())
    if "ItemsPath" in state:
        parts.append(f"items {state['ItemsPath']}")
    batcher = state.get("ItemBatcher", {})
    if "MaxItemsPerBatch" in batcher:
        parts.append(f"batches of ≤{batcher['MaxItemsPerBatch']}")
    if "MaxConcurrency" in state:
        parts.append(f"max {state['MaxConcurrency']} at once")
    if "ToleratedFailurePercentage" in state:
        parts.append(f"tolerates {number(state['ToleratedFailurePercentage'])}% failed")
    return parts


def render_markdown(definition: dict[str, Any], *, source: str) -> str:
    """The committed picture: a short legend and the flowchart in a ```mermaid fence (GitHub draws it)."""
    return "\n".join(
        [
            f"# State machine `{source}`",
            "",
            f"Generated by `python build.py` from `{source}`; do not edit. Shapes: rectangle Task, rounded",
            "Pass, diamond Choice, hexagon Wait, double-edged box Map/Parallel (its states in the subgraph",
            "joined by a thick arrow), green/red stadium Succeed/Fail. Edges: plain arrow Next or End,",
            "numbered arrow a Choice rule (in evaluation order), `default` the Choice Default, dashed",
            "arrow a Catch with its errors. Each Retry is listed in its state: attempts, interval,",
            "backoff rate, maximum delay, jitter, then its errors.",
            "",
            "```mermaid",
            render_mermaid(definition).rstrip("\n"),
            "```",
            "",
        ]
    )
