"""Fixtures for the handler tests: run the validator core over a fixture file or over bytes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from handlers_testkit import FIXTURE_FILES, Outcome, run_bytes


@pytest.fixture
def run_file() -> Callable[..., Outcome]:
    """Run the core over tests/fixtures/files/<name>, the file name being the S3 key."""

    def run(name: str, **options: Any) -> Outcome:
        return run_bytes((FIXTURE_FILES / name).read_bytes(), name, **options)

    return run


@pytest.fixture
def run_data() -> Callable[..., Outcome]:
    """Run the core over bytes made in the test."""
    return run_bytes
