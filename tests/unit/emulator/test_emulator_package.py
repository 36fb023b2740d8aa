"""Packaging like `aws cloudformation package`: local Code folders become content-addressed S3 zips."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from emulator.package import package_template, zip_folder


def _folder(tmp_path: Path) -> Path:
    code = tmp_path / "code"
    (code / "pkg").mkdir(parents=True)
    (code / "app.py").write_text("def handler(e, c):\n    return 1\n")
    (code / "pkg" / "__init__.py").write_text("")
    (code / "__pycache__").mkdir()
    (code / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"\0")
    return code


def test_zip_has_the_sources_at_its_root_and_is_byte_stable(tmp_path: Path) -> None:
    code = _folder(tmp_path)
    body = zip_folder(code)
    assert sorted(zipfile.ZipFile(io.BytesIO(body)).namelist()) == ["app.py", "pkg/__init__.py"]
    (code / "app.py").touch()  # a new mtime changes nothing
    assert zip_folder(code) == body


def test_only_local_code_paths_are_rewritten(tmp_path: Path) -> None:
    _folder(tmp_path)
    (tmp_path / "output").mkdir()
    template = {
        "Resources": {
            "Local": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"Code": "../code", "Handler": "app.handler"},
            },
            "Twin": {"Type": "AWS::Lambda::Function", "Properties": {"Code": "../code"}},
            "Remote": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"Code": {"S3Bucket": "b", "S3Key": "k"}},
            },
        }
    }
    packaged, artifacts = package_template(template, tmp_path / "output", "artifacts")
    [artifact] = artifacts
    resources = packaged["Resources"]
    assert resources["Local"]["Properties"] == {
        "Code": {"S3Bucket": "artifacts", "S3Key": artifact.key},
        "Handler": "app.handler",
    }
    assert resources["Twin"]["Properties"]["Code"] == resources["Local"]["Properties"]["Code"]
    assert resources["Remote"] == template["Resources"]["Remote"]
    assert template["Resources"]["Local"]["Properties"]["Code"] == "../code"


def test_missing_code_folder_is_named(tmp_path: Path) -> None:
    template = {"Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": {"Code": "nowhere"}}}}
    with pytest.raises(FileNotFoundError, match="nowhere"):
        package_template(template, tmp_path, "artifacts")
