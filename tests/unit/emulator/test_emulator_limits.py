"""The one list of what is not emulated (emulator/limits.py), rendered into emulator/README.md only."""

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


def test_the_list_is_in_one_place_and_the_user_guide_links_to_it() -> None:
    """Failure class: a second copy of the list (the top-level README held one until the docs split)
    drifting from the first, or the user guide losing its way to the list."""
    assert limits.READMES == (limits.REPO_ROOT / "emulator" / "README.md",)
    for document in ("README.md", "docs/user-guide.md"):
        text = (limits.REPO_ROOT / document).read_text(encoding="utf-8")
        assert limits.block_in(text) is None, f"{document} holds a copy of the not-emulated list"
    guide = (limits.REPO_ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")
    assert "(../emulator/README.md#what-the-emulator-does-not-emulate)" in guide
    assert "### What the emulator does not emulate" in limits.READMES[0].read_text(encoding="utf-8")
