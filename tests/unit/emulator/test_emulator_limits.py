"""The one list of what is not emulated, rendered into both READMEs (emulator/limits.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from emulator import limits, readmes


@pytest.mark.parametrize("readme", limits.READMES, ids=lambda p: str(p.relative_to(limits.REPO_ROOT)))
def test_readme_block_is_the_generated_list(readme: Path) -> None:
    # Fix a failure with `python -m emulator.readmes --write`.
    assert limits.block_in(readme.read_text(encoding="utf-8")) == limits.render()


def test_the_list_names_every_unsupported_resource_type() -> None:
    for kind in limits.UNSUPPORTED_RESOURCE_TYPES:
        assert f"`{kind}`" in limits.render()


def test_rewriting_replaces_only_the_block() -> None:
    stale = f"intro\n{limits.BEGIN}\n- an old entry\n{limits.END}\noutro\n"
    assert limits.rewritten(stale) == f"intro\n{limits.render()}\noutro\n"


def test_the_check_fails_on_a_stale_readme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"{limits.BEGIN}\n- an old entry\n{limits.END}\n", encoding="utf-8")
    monkeypatch.setattr(readmes, "READMES", (readme,))
    monkeypatch.setattr(readmes, "REPO_ROOT", tmp_path)
    assert readmes.main([]) == 1
    assert readmes.main(["--write"]) == 0
    assert readmes.main([]) == 0
