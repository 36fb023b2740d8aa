"""The data-quality report (quality/report.py): one self-contained HTML page with the
charts as inline SVG, and the same content as Markdown; rendered in headless Chromium when present.

Failure classes: a page that loads something from the network (a script, a style sheet, an image, a
font), record content or an unescaped member name reaching the page, and the two formats disagreeing.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from quality import screenshot
from quality.model import Example, FileQuality
from quality.report import render_html, render_markdown, write_report

HOSTILE = '/order-info/<script>alert("x")</script>|`'
FOUND = FileQuality(
    name="orders.jsonl",
    records=1000,
    parts=(("stored", 950), ("duplicates", 0), ("rejected", 50)),
    rejected_by_reason={"missing_contact_info": 13, "contract_violation": 37},
    rejected_by_rule={"/order-info/quantity minimum": 30, f"{HOSTILE} type": 7, "/contact-info required": 13},
    examples={
        "/order-info/quantity minimum": [
            Example(3, 4, "/order-info/quantity", "minimum"),
            Example(17, 18, "/order-info/quantity", "minimum"),
        ],
        f"{HOSTILE} type": [Example(5, 6, HOSTILE, "type")],
    },
)
REJECTED = FileQuality(
    name="bad.json",
    records=None,
    file_rejected=True,
    reason="not_json",
    message="JSON syntax error: Expecting value",
    position={"line": 2, "column": 5, "offset": 9},
)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            loads = name in ("src", "href", "srcset", "action", "data") or (value or "").startswith("http")
            if loads and name != "xmlns":  # the SVG namespace is a name, never fetched
                self.urls.append(f"{name}={value}")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def test_the_page_is_self_contained_with_inline_svg_charts() -> None:
    html = render_html([FOUND, REJECTED])
    page = _page(html)
    assert html.startswith("<!DOCTYPE html>")
    assert not page.urls
    assert not {"script", "link", "img", "iframe", "object", "embed"} & set(page.tags)
    assert "@import" not in html and "url(" not in html
    # two charts for the accepted file: a bar per reason and a bar per rule
    assert page.tags.count("svg") == 2 and page.tags.count("rect") == 2 + 3
    text = " ".join(page.text)
    assert "records 1000 = stored 950 + duplicates 0 + rejected 50" in text
    assert "file rejected: not_json" in text and "(line 2, column 5, offset 9)" in text


def test_a_member_name_in_a_path_is_escaped_not_markup() -> None:
    html = render_html([FOUND])
    assert "<script>" not in html and "&lt;script&gt;" in html
    markdown = render_markdown([FOUND])
    assert "<script>" not in markdown and "\\|" in markdown


def test_the_share_failing_each_rule_and_the_first_examples() -> None:
    text = " ".join(_page(render_html([FOUND])).text)
    assert re.search(r"/order-info/quantity\s+minimum\s+30\s+3\.0 %", text)
    assert re.search(
        r"3\s+4\s+/order-info/quantity\s+minimum\s+17\s+18\s+/order-info/quantity\s+minimum", text
    )


def test_markdown_holds_the_same_figures() -> None:
    markdown = render_markdown([FOUND, REJECTED])
    assert "`records 1000 = stored 950 + duplicates 0 + rejected 50`" in markdown
    assert "| contract\\_violation |" not in markdown  # reason codes are not escaped
    assert "| contract_violation | 37 | 3.7 % | ████████████████████ |" in markdown
    assert "| /order-info/quantity | minimum | 30 | 3.0 % | ████████████████████ |" in markdown
    assert "| 17 | 18 | /order-info/quantity | minimum |" in markdown
    assert (
        "**File rejected: not_json**: JSON syntax error: Expecting value (line 2, column 5, offset 9)"
        in markdown
    )


def test_write_report_picks_the_format_by_suffix(tmp_path: Path) -> None:
    write_report(tmp_path / "r.html", [FOUND])
    write_report(tmp_path / "r.md", [FOUND])
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")
    assert (tmp_path / "r.md").read_text().startswith("# Data-quality report")


@pytest.mark.skipif(screenshot.browser() is None, reason="no Chromium on PATH (apt-get install chromium)")
def test_chromium_renders_the_page(tmp_path: Path) -> None:
    write_report(tmp_path / "r.html", [FOUND, REJECTED])
    out = tmp_path / "r.png"
    screenshot.screenshot(tmp_path / "r.html", out, width=800, height=600)
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (800, 600)


@pytest.mark.parametrize("case", ["missing-page", "output-directory"])
def test_screenshot_bad_input_is_one_line_and_exit_1(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "r.html"
    if case == "output-directory":
        write_report(page, [FOUND])
        out = tmp_path
    else:
        out = tmp_path / "r.png"
    assert screenshot.main([str(page), str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("screenshot: error: ")


@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_the_example_report_under_docs_is_current(
    suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/quality-report.* (and the screenshot made from the page) are what check writes today."""
    from quality.cli import main

    repo = Path(__file__).resolve().parents[3]
    monkeypatch.chdir(repo)
    out = tmp_path / f"report{suffix}"
    argv = ["examples/orders-to-check.jsonl", "--contract", "examples/record-contract.json"]
    assert main([*argv, "--report", str(out)]) == 1
    capsys.readouterr()
    assert out.read_text() == (repo / "docs" / f"quality-report{suffix}").read_text()
