"""Horizontal bar charts as inline SVG (no script, no style sheet, nothing loaded from the network)."""

from __future__ import annotations

from html import escape

BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 330
BAR_WIDTH = 360
COUNT_WIDTH = 70
# A label longer than this is cut (a rule's path may be 200 characters).
LABEL_CHARS = 48


def _label(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def bar_chart(rows: list[tuple[str, int]], *, title: str, color: str = "#c0392b") -> str:
    """One bar per (label, count), longest first as given; an empty list is a one-line note."""
    if not rows:
        return f'<p class="none">{escape(title)}: none</p>'
    top = max(count for _, count in rows) or 1
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + COUNT_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>'
    ]
    for number, (label, count) in enumerate(rows):
        y = GAP + number * (BAR_HEIGHT + GAP)
        length = max(1, round(BAR_WIDTH * count / top))
        middle = y + BAR_HEIGHT / 2 + 4
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" font-family="monospace" '
            f'font-size="12" fill="#222">{escape(_label(label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="{color}"/>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{middle}" font-family="sans-serif" font-size="12" '
            f'fill="#222">{count}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
