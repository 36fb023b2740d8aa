"""The installed distribution's version (package metadata); pyproject.toml's when not installed."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "sales-pipeline"
PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        with PYPROJECT.open("rb") as handle:
            declared: str = tomllib.load(handle)["project"]["version"]
        return f"{declared} (not installed: run `make build`)"
