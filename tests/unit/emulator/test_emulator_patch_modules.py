"""Each module of emulator/patches/ names its gap, the moto version, and a test that proves it."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

from emulator import patches

REPO_ROOT = Path(__file__).resolve().parents[3]
MODULES = [
    importlib.import_module(f"emulator.patches.{info.name}")
    for info in pkgutil.iter_modules(patches.__path__)
]


def _ids(module: ModuleType) -> str:
    return module.__name__.rsplit(".", 1)[-1]


@pytest.mark.parametrize("module", MODULES, ids=_ids)
def test_module_names_its_gap_and_the_pinned_moto_version(module: ModuleType) -> None:
    doc = module.__doc__ or ""
    assert doc.startswith("Gap (moto "), f"{module.__name__}: docstring must open with its gap"
    assert f"moto {patches.PINNED_MOTO_VERSION}" in doc


@pytest.mark.parametrize("module", MODULES, ids=_ids)
def test_module_names_a_test_that_exists(module: ModuleType) -> None:
    path, _, name = module.PROVEN_BY.partition("::")
    test_file = REPO_ROOT / path
    assert test_file.is_file(), module.PROVEN_BY
    if name:
        tree = ast.parse(test_file.read_text(encoding="utf-8"))
        functions = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        assert name in functions, module.PROVEN_BY


def test_every_module_that_installs_a_patch_is_applied() -> None:
    installing = {m for m in MODULES if hasattr(m, "install")}
    assert installing == set(patches.PATCHES)


def test_emulator_readme_lists_every_module() -> None:
    readme = (REPO_ROOT / "emulator" / "README.md").read_text(encoding="utf-8")
    missing = [_ids(m) for m in MODULES if f"`{_ids(m)}.py`" not in readme]
    assert not missing, f"emulator/README.md does not list: {missing}"
