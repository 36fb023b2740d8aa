"""The text pieces of the Mermaid picture: safe ids, escaped labels, and one-line summaries of ASL fields.

Pure string functions, so that the graph walk in `workflow.mermaid` only decides what is drawn where.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Inside a quoted Mermaid label these still mean something (end of string, entity code, HTML, the edge
# label's pipe, a markdown string); each is written as a `#<code>;` entity, which Mermaid shows literally.
# A lone `>` is plain text both to Mermaid's lexer and in HTML, and `$.a > 0` reads better in a diff.
_SPECIAL = frozenset('"#&<|`\\')
_NAMED = {'"': "quot", "<": "lt", "&": "amp"}
# Mermaid's lexer takes `direction LR` anywhere on a line as a statement, even inside a quoted label; and
# `$$...$$` in a label is KaTeX math (a context-object path such as `$$.Execution.Id` would start one).
_DIRECTION = re.compile(r"(directio)n(?=\s+(?:TB|BT|RL|LR|TD))")
_MATH = "$$"

# A choice rule's comparison, by the end of its operator name (longest first: `LessThanEquals` before
# `LessThan`). The type prefix (String/Numeric/Timestamp/Boolean) shows in how the value is written.
_COMPARISONS = (
    ("LessThanEquals", "<="),
    ("GreaterThanEquals", ">="),
    ("LessThan", "<"),
    ("GreaterThan", ">"),
    ("Equals", "=="),
    ("Matches", "matches"),
)


def escape(text: str) -> str:
    """Text for inside `"..."` in Mermaid: specials as entities, line breaks and controls as spaces."""
    out: list[str] = []
    for char in text:
        if char in _SPECIAL:
            out.append(f"#{_NAMED.get(char, ord(char))};")
        elif char.isprintable():
            out.append(char)
        else:
            out.append(" ")
    return _DIRECTION.sub(r"\1#110;", "".join(out)).replace(_MATH, "$#36;")


def label(*lines: str) -> str:
    """A quoted Mermaid label: each line escaped, joined by the one HTML tag we write ourselves."""
    return '"' + "<br/>".join(escape(line) for line in lines) + '"'


def _segment(name: str) -> str:
    # Letters and digits stay (readable diffs); anything else, `_` included, becomes `_<hex>_`. Because
    # every `_` inside a segment opens such an escape, `__` between segments cannot be produced by one.
    return "".join(char if char.isascii() and char.isalnum() else f"_{ord(char):x}_" for char in name)


def node_id(kind: str, path: tuple[str, ...]) -> str:
    """`s_A__B` for state B inside state A's processor. `kind` (one letter) keeps states, subgraphs and
    start/end markers apart and keeps every id clear of Mermaid keywords (`end`, `graph`, `class`...)."""
    return kind + "_" + "__".join(_segment(part) for part in path)


def number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _value(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else json.dumps(value, sort_keys=True)


def condition(rule: dict[str, Any]) -> str:
    """A choice rule as one short line: `$.a == 'x' and $.b present`."""
    if "Condition" in rule:  # JSONata
        return str(rule["Condition"])
    for combinator in ("And", "Or"):
        if combinator in rule:
            return f" {combinator.lower()} ".join(_grouped(part) for part in rule[combinator])
    if "Not" in rule:
        return "not " + _grouped(rule["Not"])
    variable = rule.get("Variable", "?")
    for operator, value in sorted(rule.items()):
        if operator in ("Variable", "Next"):
            continue
        if operator.startswith("Is"):
            check = operator[2:].lower()
            return f"{variable} {'is' if value else 'is not'} {check}"
        as_path = operator.endswith("Path")
        name = operator.removesuffix("Path")
        for suffix, symbol in _COMPARISONS:
            if name.endswith(suffix):
                return f"{variable} {symbol} {value if as_path else _value(value)}"
    return json.dumps({k: v for k, v in rule.items() if k != "Next"}, sort_keys=True)


def _grouped(rule: dict[str, Any]) -> str:
    text = condition(rule)
    return f"({text})" if any(key in rule for key in ("And", "Or")) else text


def retry_lines(retrier: dict[str, Any]) -> list[str]:
    """`retry ×6 · interval 1s · backoff ×2 · max delay 20s · jitter FULL`, then one error name per line.
    Unset fields show the ASL defaults (3 attempts, 1 s, rate 2.0): the picture says what will happen."""
    parts = [
        f"retry ×{number(retrier.get('MaxAttempts', 3))}",
        f"interval {number(retrier.get('IntervalSeconds', 1))}s",
        f"backoff ×{number(retrier.get('BackoffRate', 2.0))}",
    ]
    if "MaxDelaySeconds" in retrier:
        parts.append(f"max delay {number(retrier['MaxDelaySeconds'])}s")
    if "JitterStrategy" in retrier:
        parts.append(f"jitter {retrier['JitterStrategy']}")
    return [" · ".join(parts), *(str(error) for error in retrier.get("ErrorEquals", []))]
