"""A data-quality report of one or more files: one self-contained HTML page, or the same as Markdown.

Per file: the reconciliation line, bars of rejections per reason and per contract rule, the share of the
file's records failing each rule and the first records breaking each (index, line, path, rule). Counts
and positions only: no record content reaches a report.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from quality.charts import bar_chart
from quality.model import FileQuality, position_text, split_rule

TITLE = "Data-quality report"
# Suffix -> format (`--report PATH`, `review report --out PATH`).
FORMATS = {".html": "html", ".htm": "html", ".md": "markdown"}
_STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; max-width: 60em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; margin-top: 2em; }
h3 { font-size: 1em; margin-bottom: 0.3em; }
.reconciliation { font-family: monospace; font-size: 1.1em; background: #f4f4f4; padding: 0.5em; }
.rejected { color: #c0392b; font-weight: bold; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; font-size: 0.9em; }
td.n { text-align: right; } code { font-size: 0.95em; }
.none { color: #666; }
"""


class ReportError(Exception):
    """The report cannot be written where asked (one line for the user)."""


def _share(count: int, records: int | None) -> str:
    if not records:
        return "-"
    return f"{100 * count / records:.1f} %"


# A Markdown bar: this many blocks for the largest count.
BAR_BLOCKS = 20


def _bar(count: int, top: int) -> str:
    return "█" * max(1, round(BAR_BLOCKS * count / top)) if top else ""


def _cell(value: object) -> str:
    return "-" if value is None else str(value)


_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]<>()#+!|~"})


def _md(text: object) -> str:
    """Text safe in a Markdown table cell (a member name in a path may hold any character)."""
    return _cell(text).translate(_MARKDOWN_SPECIAL)


def render_markdown(files: list[FileQuality], *, title: str = TITLE) -> str:
    lines = [f"# {title}", ""]
    for found in files:
        lines += [f"## {_md(found.name)}", "", f"Figures from the {found.origin}.", ""]
        lines += [f"`{found.reconciliation()}`", ""]
        if found.file_rejected:
            where = position_text(found.position)
            lines += [
                f"**File rejected: {found.reason}**: {found.message}" + (f" ({where})" if where else ""),
                "",
            ]
        lines += ["### Rejected records per reason", ""]
        if found.rejected_by_reason:
            top = max(found.rejected_by_reason.values())
            lines += ["| reason | records | share | |", "|---|--:|--:|---|"]
            lines += [
                f"| {reason} | {n} | {_share(n, found.records)} | {_bar(n, top)} |"
                for reason, n in found.reasons_ranked()
            ]
        else:
            lines.append("none")
        lines += ["", "### Rejected records per contract rule", ""]
        if found.rejected_by_rule:
            top = max(found.rejected_by_rule.values())
            lines += ["| path | rule | records failing | share failing | |", "|---|---|--:|--:|---|"]
            for key, n in found.rules_ranked():
                path, keyword = split_rule(key)
                share = _share(n, found.records)
                lines.append(f"| {_md(path)} | {_md(keyword)} | {n} | {share} | {_bar(n, top)} |")
        else:
            lines.append("none")
        lines += ["", "### First records breaking each rule", ""]
        examples = [(key, e) for key, _ in found.rules_ranked() for e in found.examples.get(key, [])]
        if examples:
            lines += ["| index | line | path | rule |", "|--:|--:|---|---|"]
            lines += [
                f"| {_cell(e.index)} | {_cell(e.line)} | {_md(e.path)} | {_md(e.rule)} |" for _, e in examples
            ]
        else:
            lines.append("none")
        lines.append("")
    return "\n".join(lines)


def _table(header: tuple[str, ...], rows: list[tuple[object, ...]], numeric: frozenset[int]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{escape(_cell(v))}</td>' if i in numeric else f"<td>{escape(_cell(v))}</td>"
            for i, v in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(files: list[FileQuality], *, title: str = TITLE) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
    ]
    for found in files:
        parts.append(f'<section class="file"><h2>{escape(found.name)}</h2>')
        parts.append(f"<p>Figures from the {escape(found.origin)}.</p>")
        parts.append(f'<p class="reconciliation">{escape(found.reconciliation())}</p>')
        if found.file_rejected:
            where = position_text(found.position)
            said = f"File rejected: {found.reason}: {found.message}" + (f" ({where})" if where else "")
            parts.append(f'<p class="rejected">{escape(said)}</p>')
        parts.append("<h3>Rejected records per reason</h3>")
        reasons = found.reasons_ranked()
        parts.append(bar_chart(reasons, title="rejected records per reason", color="#c0392b"))
        rules = found.rules_ranked()
        parts.append("<h3>Rejected records per contract rule</h3>")
        parts.append(bar_chart(rules, title="rejected records per contract rule", color="#d35400"))
        if rules:
            rows: list[tuple[object, ...]] = [
                (*split_rule(key), n, _share(n, found.records)) for key, n in rules
            ]
            parts.append(
                _table(("path", "rule", "records failing", "share failing"), rows, frozenset({2, 3}))
            )
        parts.append("<h3>First records breaking each rule</h3>")
        examples = [
            (e.index, e.line, e.path, e.rule) for key, _ in rules for e in found.examples.get(key, [])
        ]
        if examples:
            parts.append(_table(("index", "line", "path", "rule"), list(examples), frozenset({0, 1})))
        else:
            parts.append('<p class="none">none</p>')
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def report_format(path: Path) -> str:
    """ "html" or "markdown" from the path's suffix; ReportError for another suffix or a directory."""
    if path.is_dir():
        raise ReportError(f"{path} is a directory (name a .html or .md file)")
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise ReportError(f"{path}: a report is .html or .md (got {path.suffix or 'no suffix'!r})")
    if not path.parent.is_dir():
        raise ReportError(f"cannot write {path}: no directory {path.parent}")
    return found


def write_report(path: Path, files: list[FileQuality], *, title: str = TITLE) -> None:
    """Write the report in the format its suffix names (ReportError when it cannot)."""
    kind = report_format(path)
    text = render_html(files, title=title) if kind == "html" else render_markdown(files, title=title)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ReportError(f"cannot write {path}: {error.strerror or error}") from error
