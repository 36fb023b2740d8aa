"""Functional layer: the Lambda handlers and parts of the state machine against emulated AWS (moto).

Between the unit layer (pure code, fakes in memory) and the end-to-end layer (the rendered output/
deployed into the emulator): each test here starts its own in-process moto. Run it on its own with
`pytest tests/functional` or `pytest -m functional`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.functional)
