"""handlers/ imports in one direction: a package never imports one above it, nothing imports an entry point.

Failure classes: a package cycle (recordcontract/ imported core/ while core/ imported recordcontract/,
until the JSON primitives moved to values/), pure code reaching for AWS (core/ importing adapters/), an
entry module imported as a library (its `_package` bootstrap then runs twice), the build code pulling in
Lambda-only modules. The graph is read from the source (ast), every module of handlers/.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
HANDLERS = ROOT / "handlers"
ENTRY_POINTS = {"validator", "store_large", "watchdog"}

# What each package may import (besides itself); the layers, bottom first.
ALLOWED: dict[str, set[str]] = {
    "seams": set(),
    "values": set(),
    "recordcontract": {"values", "seams"},
    "core": {"recordcontract", "values", "seams"},
    "adapters": {"values", "seams"},
    "flows": {"core", "adapters", "recordcontract", "values", "seams"},
}


def _package(path: Path, root: Path) -> str:
    parts = path.relative_to(root).parts
    return parts[0] if len(parts) > 1 else path.stem


def _imported(path: Path) -> set[str]:
    """The handlers modules `path` imports, as dotted names under handlers (`core.pipeline`)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "handlers":
            base = node.module.split(".")[1:]
            if base:
                found.add(".".join(base))
            else:  # from handlers import x
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".", 1)[1] for a in node.names if a.name.startswith("handlers."))
    return found


def edges(root: Path = HANDLERS) -> list[tuple[str, str, str]]:
    """(importing module, its package, the imported package) for every handlers/ import across packages."""
    out = []
    for path in sorted(root.rglob("*.py")):
        if "generated" in path.parts:
            continue
        source = _package(path, root)
        for name in _imported(path):
            target = name.split(".")[0]
            if target != source:
                out.append((str(path.relative_to(root)), source, target))
    return out


def violations(found: list[tuple[str, str, str]]) -> list[str]:
    problems = []
    for module, source, target in found:
        if target in ENTRY_POINTS:
            problems.append(f"{module} imports the entry point {target}")
        elif source in ALLOWED and target not in ALLOWED[source]:
            problems.append(f"{module} ({source}/) imports {target}/")
    return problems


def test_every_import_goes_down_the_layers() -> None:
    assert violations(edges()) == []


def test_every_module_belongs_to_a_layer_or_is_an_entry_point() -> None:
    """A new top-level module or package must be placed in the layers on purpose."""
    top = {p.stem for p in HANDLERS.glob("*.py")} | {p.name for p in HANDLERS.iterdir() if p.is_dir()}
    assert top - {"__pycache__"} == ENTRY_POINTS | set(ALLOWED) | {"__init__", "_package"}


@pytest.mark.parametrize(
    ("module", "text", "expected"),
    [
        ("core/x.py", "from handlers.adapters.s3io import S3Writer\n", "core/x.py (core/) imports adapters/"),
        (
            "recordcontract/x.py",
            "from handlers.core import pipeline\n",
            "recordcontract/x.py (recordcontract/) imports core/",
        ),
        ("flows/x.py", "from handlers import validator\n", "flows/x.py imports the entry point validator"),
        ("seams/x.py", "import handlers.flows.ranges\n", "seams/x.py (seams/) imports flows/"),
    ],
)
def test_an_import_up_the_layers_is_named(tmp_path: Path, module: str, text: str, expected: str) -> None:
    """The check itself fails on each kind of upward import (so the test above can fail)."""
    path = tmp_path / module
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    assert violations(edges(tmp_path)) == [expected]
