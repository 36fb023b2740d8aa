"""The file arguments of `check` and `simulate` (sales_pipeline/inputs.py): one place for both."""

from __future__ import annotations

from pathlib import Path

import pytest

from sales_pipeline.inputs import InputError, expand


def test_a_directory_stands_for_its_visible_files_in_name_order(tmp_path: Path) -> None:
    for name in ("b.jsonl", "a.JSON", ".hidden.json"):
        (tmp_path / name).write_text("{}")
    (tmp_path / "sub").mkdir()
    single = tmp_path / "sub" / "c.json.gz"
    single.write_bytes(b"")
    found = expand([str(tmp_path), str(single)], verb="check", ignored_by="the pipeline")
    assert [path.name for _, path in found] == ["a.JSON", "b.jsonl", "c.json.gz"]
    assert found[-1][0] == str(single)


@pytest.mark.parametrize(
    ("names", "argument", "message"),
    [
        ((), "missing.json", "no such file or directory: missing.json"),
        ((), ".", "no files to upload"),
        (
            ("orders.csv",),
            "orders.csv",
            "orders.csv: the bucket's rule ignores this name; accepted suffixes: .json",
        ),
    ],
)
def test_an_unusable_argument_is_one_line_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: tuple[str, ...], argument: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in names:
        (tmp_path / name).write_text("{}")
    with pytest.raises(InputError) as raised:
        expand([argument], verb="upload", ignored_by="the bucket's rule")
    assert str(raised.value).startswith(message) and "\n" not in str(raised.value)
