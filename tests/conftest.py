"""Shared test settings."""

import os

import pytest

# sagemaker 2.x (pulled in by stepfunctions) warns about v3 on import; the warning is not ours to fix.
os.environ.setdefault("SAGEMAKER_SUPPRESS_V2_WARNING", "1")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest files first, so `make test`'s workers (pytest-xdist, whole files each, in this
    order: the Makefile passes --no-loadscope-reorder) end together instead of one finishing a
    two-minute file alone: files with a `slow` test (1,000,000-record and flood memory bounds), then
    the cli and e2e files (a stack deployed, executions in the emulator), then the rest. A stable sort:
    within each group, collection order."""

    def weight(item: pytest.Item) -> int:
        if item.get_closest_marker("slow"):
            return 0
        if item.get_closest_marker("cli") or item.get_closest_marker("e2e"):
            return 1
        return 2

    items.sort(key=weight)
