"""The Mermaid picture of a state machine: pinned for a small definition, complete for the real one,
one changed line per changed state, and labels that cannot break Mermaid's grammar."""

from __future__ import annotations

import copy
import difflib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflow.mermaid import render_markdown, render_mermaid

ROOT = Path(__file__).resolve().parents[3]

SMALL: dict[str, Any] = {
    "StartAt": "Route",
    "States": {
        "Route": {
            "Type": "Choice",
            "Choices": [
                {
                    "And": [
                        {"Variable": "$.n", "NumericGreaterThan": 0},
                        {"Not": {"Variable": "$.tag", "StringEquals": 'say "hi" | #1'}},
                    ],
                    "Next": "Work",
                },
                {"Variable": "$.flag", "IsPresent": False, "Next": "All done"},
            ],
            "Default": "Broken",
        },
        "Work": {
            "Type": "Task",
            "Resource": "${FnArn}",
            "Retry": [{"ErrorEquals": ["Busy"], "MaxAttempts": 2}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Broken"}],
            "Next": "Each",
        },
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 2,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "Pause",
                "States": {"Pause": {"Type": "Wait", "Seconds": 1, "End": True}},
            },
            "Next": "All done",
        },
        "All done": {"Type": "Succeed"},
        "Broken": {"Type": "Fail", "Error": "Broken"},
    },
}

SMALL_PICTURE = """\
flowchart TD
  classDef succeed fill:#e6f4ea,stroke:#2e7d32
  classDef fail fill:#fdecea,stroke:#c62828
  classDef marker fill:#eeeeee,stroke:#757575
  start(("start")):::marker
  s_All_20_done(["All done<br/>Succeed"]):::succeed
  s_Broken(["Broken<br/>Fail · Broken"]):::fail
  s_Each[["Each<br/>Map · INLINE<br/>items $.items<br/>max 2 at once"]]
  subgraph g_Each["Each: each item"]
    b_Each(("start")):::marker
    s_Each__Pause{{"Pause<br/>Wait · Seconds 1"}}
    e_Each(("end")):::marker
  end
  s_Route{"Route<br/>Choice"}
  s_Work["Work<br/>Task · ${FnArn}<br/>retry ×2 · interval 1s · backoff ×2<br/>Busy"]
  start --> s_Route
  s_Each --> s_All_20_done
  s_Each ==> b_Each
  b_Each --> s_Each__Pause
  s_Each__Pause --> e_Each
  s_Route -->|"1: $.n > 0 and not $.tag == 'say #quot;hi#quot; #124; #35;1'"| s_Work
  s_Route -->|"2: $.flag is not present"| s_All_20_done
  s_Route -->|"default"| s_Broken
  s_Work --> s_Each
  s_Work -.->|"catch States.ALL"| s_Broken
"""


def test_a_small_definition_renders_to_this_exact_text() -> None:
    assert render_mermaid(SMALL) == SMALL_PICTURE


def test_state_order_in_the_input_does_not_change_the_text() -> None:
    reordered = copy.deepcopy(SMALL)
    reordered["States"] = dict(reversed(list(SMALL["States"].items())))
    assert render_mermaid(reordered) == SMALL_PICTURE


def test_a_parallel_state_draws_one_subgraph_per_branch() -> None:
    branch = {"StartAt": "Go", "States": {"Go": {"Type": "Pass", "End": True}}}
    definition = {
        "StartAt": "Both",
        "States": {"Both": {"Type": "Parallel", "Branches": [branch, branch], "End": True}},
    }
    text = render_mermaid(definition)
    assert '  s_Both[["Both<br/>Parallel · 2 branches"]]' in text
    assert '  subgraph g_Both___23_0["Both: branch 1"]' in text
    assert '  subgraph g_Both___23_1["Both: branch 2"]' in text
    assert "  s_Both ==> b_Both___23_0\n  b_Both___23_0 --> s_Both___23_0__Go\n" in text
    assert "  s_Both___23_1__Go --> e_Both___23_1\n" in text
    assert "  s_Both --> stop\n" in text


# --- the real state machine, as committed ------------------------------------------------------------

_EDGE = re.compile(r'^  (\w+) (-->|-\.->|==>)(?:\|"([^"]*)"\|)? (\w+)$')
_NODE = re.compile(r'^\s+(s_\w+)\W{1,2}"([^"]*)"')


def _committed() -> tuple[dict[str, Any], str]:
    asl = json.loads((ROOT / "output" / "statemachine.asl.json").read_text(encoding="utf-8"))
    markdown = (ROOT / "output" / "statemachine.md").read_text(encoding="utf-8")
    block = re.search(r"```mermaid\n(.*?)```", markdown, re.S)
    assert block, "output/statemachine.md has no ```mermaid block"
    return asl, block.group(1)


def _expected(graph: dict[str, Any], scope: tuple[str, ...] = ()) -> tuple[dict[str, str], Counter[Any]]:
    """Every state (id -> Type) and every state-to-state edge, collected from the ASL independently of
    the renderer: the real state names are plain words, so an id is just `s_` + the path joined by `__`."""
    nodes: dict[str, str] = {}
    edges: Counter[Any] = Counter()
    for name, state in graph["States"].items():
        assert name.isalnum(), name
        me = "s_" + "__".join((*scope, name))

        def to(target: str) -> str:
            return "s_" + "__".join((*scope, target))

        nodes[me] = state["Type"]
        if "Next" in state:
            edges[(me, "-->", "next", to(state["Next"]))] += 1
        for index, rule in enumerate(state.get("Choices", []), start=1):
            edges[(me, "-->", f"choice {index}", to(rule["Next"]))] += 1
        if "Default" in state:
            edges[(me, "-->", "default", to(state["Default"]))] += 1
        for catcher in state.get("Catch", []):
            edges[(me, "-.->", "catch " + ", ".join(catcher["ErrorEquals"]), to(catcher["Next"]))] += 1
        if "ItemProcessor" in state:
            inner_nodes, inner_edges = _expected(state["ItemProcessor"], (*scope, name))
            nodes.update(inner_nodes)
            edges.update(inner_edges)
    return nodes, edges


def _drawn_edges(text: str) -> Counter[Any]:
    edges: Counter[Any] = Counter()
    for line in text.splitlines():
        match = _EDGE.match(line)
        if not match or not match.group(1).startswith("s_") or not match.group(4).startswith("s_"):
            continue
        source, arrow, text_label, target = match.groups()
        if arrow == "-.->":
            kind = text_label
        elif text_label is None:
            kind = "next"
        elif text_label == "default":
            kind = "default"
        else:
            kind = "choice " + text_label.split(":", 1)[0]
        edges[(source, arrow, kind, target)] += 1
    return edges


def test_every_state_of_the_real_machine_is_drawn_with_its_type() -> None:
    asl, text = _committed()
    nodes, _ = _expected(asl)
    drawn = {match.group(1): match.group(2) for line in text.splitlines() if (match := _NODE.match(line))}
    assert set(drawn) == set(nodes)
    for node, kind in nodes.items():
        name = node.rsplit("__", 1)[-1].removeprefix("s_")
        assert drawn[node].startswith(f"{name}<br/>{kind}"), drawn[node]
    assert len(nodes) >= 20  # the walk reached the Distributed Map's child and the inline Map's states


def test_every_edge_of_the_real_machine_is_drawn_and_no_other() -> None:
    asl, text = _committed()
    _, edges = _expected(asl)
    assert _drawn_edges(text) == edges
    assert {kind for _, _, kind, _ in edges} >= {"next", "default", "choice 1", "catch States.ALL"}


def test_the_nested_graphs_hang_from_their_map_states() -> None:
    _, text = _committed()
    assert "  start --> s_CheckObject\n" in text
    assert '  subgraph g_ProcessBatches["ProcessBatches: each item"]\n' in text
    assert "  s_ProcessBatches ==> b_ProcessBatches\n" in text
    assert "  b_ProcessBatches --> s_ProcessBatches__StoreBatch\n" in text
    assert "  s_ProcessBatches__StoreBatch ==> b_ProcessBatches__StoreBatch\n" in text
    assert "  b_ProcessBatches__StoreBatch --> s_ProcessBatches__StoreBatch__RouteRecord\n" in text
    assert "  s_ProcessBatches__StoreBatch__StoreRecord --> e_ProcessBatches__StoreBatch\n" in text
    assert "Map · DISTRIBUTED EXPRESS" in text
    assert "Map · INLINE" in text


def test_the_committed_picture_is_the_rendering_of_the_committed_asl() -> None:
    asl, _ = _committed()
    markdown = (ROOT / "output" / "statemachine.md").read_text(encoding="utf-8")
    assert render_markdown(asl, source="statemachine.asl.json") == markdown


# --- small changes, small diffs -------------------------------------------------------------------------


def _records(definition: dict[str, Any]) -> dict[str, Any]:
    batch = definition["States"]["ProcessBatches"]["ItemProcessor"]["States"]["StoreBatch"]
    states: dict[str, Any] = batch["ItemProcessor"]["States"]
    return states


@pytest.mark.parametrize(
    ("mutate", "added"),
    [
        (
            lambda d: _records(d)["StoreRecord"]["Retry"][0].update(MaxAttempts=7),
            "s_ProcessBatches__StoreBatch__StoreRecord[",
        ),
        (lambda d: d["States"]["ClaimFile"]["Retry"][0].update(IntervalSeconds=2), "s_ClaimFile["),
        (
            lambda d: d["States"]["ValidateFile"]["Catch"][0].update(Next="PipelineFailed"),
            "s_ValidateFile -.->",
        ),
        (lambda d: d["States"]["RouteFile"].update(Default="ProcessBatches"), "s_RouteFile -->"),
        (lambda d: _records(d)["RouteRecord"]["Choices"][1].update(StringEquals="big"), "RouteRecord -->"),
    ],
)
def test_changing_one_field_of_one_state_changes_one_line(mutate: Any, added: str) -> None:
    asl, _ = _committed()
    changed = copy.deepcopy(asl)
    mutate(changed)
    diff = [
        line
        for line in difflib.unified_diff(
            render_mermaid(asl).splitlines(), render_mermaid(changed).splitlines(), n=0, lineterm=""
        )
        if line[:1] in "+-" and not line.startswith(("---", "+++"))
    ]
    assert len(diff) == 2, diff
    assert diff[0].startswith("-") and diff[1].startswith("+")
    assert added in diff[1]


# --- labels and ids are safe for Mermaid whatever the names ----------------------------------------

_ID = r"[A-Za-z0-9_]+"
_QUOTED = r'"[^"]*"'
_SHAPES = r"(?:\[|\(|\{|\{\{|\(\[|\[\[|\(\()" + _QUOTED + r"(?:\]|\)|\}|\}\}|\]\)|\]\]|\)\))"
_GRAMMAR = [
    re.compile(r"flowchart TD"),
    re.compile(r"  classDef \w+ [\w:#,]+"),
    re.compile(rf"\s+{_ID}{_SHAPES}(?::::\w+)?"),
    re.compile(rf"\s+subgraph {_ID}\[{_QUOTED}\]"),
    re.compile(r"\s+end"),
    re.compile(rf"  {_ID} (?:-->|-\.->|==>)(?:\|{_QUOTED}\|)? {_ID}"),
]
_RAW_IN_LABEL = re.compile(r'[<&`|\\]|#(?!\w+;)|\$\$|direction\s+(?:TB|BT|RL|LR|TD)')

names = st.text(min_size=1, max_size=12)


@settings(max_examples=150, derandomize=True, deadline=None)
@given(first=names, second=names, value=st.text(max_size=20), error=st.text(min_size=1, max_size=12))
def test_any_names_and_values_give_lines_of_the_drawn_grammar(
    first: str, second: str, value: str, error: str
) -> None:
    if first == second:
        second += "x"
    definition = {
        "StartAt": first,
        "States": {
            first: {"Type": "Choice", "Choices": [{"Variable": "$.v", "StringEquals": value, "Next": second}],
                    "Default": second},
            second: {
                "Type": "Map",
                "ItemProcessor": {"StartAt": first, "States": {first: {"Type": "Fail", "Error": error}}},
                "Catch": [{"ErrorEquals": [error], "Next": first}],
                "End": True,
            },
        },
    }
    text = render_mermaid(definition)
    ids: set[str] = set()
    for line in text.splitlines():
        assert any(rule.fullmatch(line) for rule in _GRAMMAR), line
        for quoted in re.findall(_QUOTED, line):
            assert not _RAW_IN_LABEL.search(quoted.replace("<br/>", "")), quoted
        node = re.match(rf"\s+({_ID})[\[({{]", line)
        if node:
            assert node.group(1) not in ids, f"{node.group(1)} drawn twice"
            ids.add(node.group(1))
    assert text.count("subgraph ") == sum(1 for line in text.splitlines() if line.strip() == "end")


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ('a "b"', "a #quot;b#quot;"),
        ("x < y & z > w", "x #lt; y #amp; z > w"),
        ("a|b#c`d\\e", "a#124;b#35;c#96;d#92;e"),
        ("two\nlines\ttab", "two lines tab"),
        ("set direction LR", "set directio#110; LR"),
        ("$$.Execution.Id", "$#36;.Execution.Id"),
        ("Ünïcode ≤ ×", "Ünïcode ≤ ×"),
    ],
)
def test_escape(text: str, escaped: str) -> None:
    from workflow.mermaid_text import escape

    assert escape(text) == escaped


@settings(max_examples=200, derandomize=True, deadline=None)
@given(a=st.lists(names, min_size=1, max_size=3), b=st.lists(names, min_size=1, max_size=3))
def test_distinct_paths_get_distinct_ids(a: list[str], b: list[str]) -> None:
    from workflow.mermaid_text import node_id

    assert (node_id("s", tuple(a)) == node_id("s", tuple(b))) == (a == b)


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ({"Variable": "$.a", "StringEquals": "x"}, "$.a == 'x'"),
        ({"Variable": "$.a", "NumericLessThanEquals": 3}, "$.a <= 3"),
        ({"Variable": "$.a", "TimestampGreaterThanPath": "$.b"}, "$.a > $.b"),
        ({"Variable": "$.a", "BooleanEquals": False}, "$.a == false"),
        ({"Variable": "$.a", "IsNull": True}, "$.a is null"),
        ({"Or": [{"Variable": "$.a", "IsString": True}, {"And": [{"Variable": "$.b", "NumericEquals": 1},
                                                                 {"Variable": "$.c", "NumericEquals": 2}]}]},
         "$.a is string or ($.b == 1 and $.c == 2)"),
        ({"Condition": "{% $states.input.n > 1 %}"}, "{% $states.input.n > 1 %}"),
    ],
)
def test_choice_conditions_read_as_one_short_line(rule: dict[str, Any], text: str) -> None:
    from workflow.mermaid_text import condition

    assert condition({**rule, "Next": "X"}) == text
