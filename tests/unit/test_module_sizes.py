"""Modules stay small enough to read: over 300 lines, a module says why at its top.

Failure class: a module that grows past what one reader holds in mind without anyone deciding it
should (the rule of the house: one job per module, ~300 lines, or the reason in its docstring).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = (
    "handlers", "workflow", "resources", "review", "emulator", "sales_pipeline", "benchmarks", "quality",
)
LIMIT = 300
WHY = "Over 300 lines:"


def long_modules_without_a_reason(root: Path = ROOT) -> list[str]:
    paths = [p for d in PRODUCT for p in (root / d).rglob("*.py") if "generated" not in p.parts]
    paths += [root / "build.py", root / "simulate.py"]
    found = []
    for path in sorted(p for p in paths if p.is_file()):
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        doc = ast.get_docstring(ast.parse(text)) or ""
        if lines > LIMIT and WHY not in doc:
            found.append(f"{path.relative_to(root)} ({lines} lines)")
    return found


def test_every_module_over_300_lines_says_why_at_its_top() -> None:
    assert long_modules_without_a_reason() == []


def test_a_long_module_without_a_reason_is_named(tmp_path: Path) -> None:
    (tmp_path / "handlers").mkdir()
    (tmp_path / "handlers" / "big.py").write_text('"""Big."""\n' + "x = 1\n" * 301, encoding="utf-8")
    (tmp_path / "handlers" / "ok.py").write_text(f'"""Big.\n\n{WHY} a reason."""\n' + "x = 1\n" * 301)
    assert long_modules_without_a_reason(tmp_path) == ["handlers/big.py (302 lines)"]
