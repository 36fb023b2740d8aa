"""Shared test settings."""

import os

import pytest

# sagemaker 2.x (pulled in by stepfunctions) warns about v3 on import; the warning is not ours to fix.
os.environ.setdefault("SAGEMAKER_SUPPRESS_V2_WARNING", "1")


# The unit files that take longest (seconds summed over their tests, `-n 2 --dist loadfile -m "not slow
# and not e2e and not cli" --durations=60` on the shared machine at load ~10, 2026-12-06; about half
# that alone): run after the cli and e2e files and before the other unit files, so none is the last
# file a worker starts while the others have finished.
LONG_FILES = (
    "tests/unit/handlers/test_handlers_ranges.py",  # 127 s
    "tests/unit/test_template_scanners.py",  # 62 s
    "tests/unit/test_build.py",  # 34 s
    "tests/unit/sales_pipeline/test_command.py",  # 34 s
    "tests/unit/handlers/test_handlers_contract_agreement.py",  # 32 s
    "tests/unit/test_contract_errors_cli.py",  # 24 s
    "tests/unit/handlers/test_handlers_claimpacks.py",  # 22 s
    "tests/unit/handlers/test_handlers_fuzz.py",  # 17 s
    "tests/unit/handlers/test_handlers_turns.py",  # 17 s
    "tests/unit/workflow/test_mermaid.py",  # 16 s
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest files first, so `make test`'s workers (pytest-xdist, whole files each, in this
    order: the Makefile passes --no-loadscope-reorder) end together instead of one finishing a
    two-minute file alone: files with a `slow` test (memory bounds of generated and hostile inputs),
    then the cli and e2e files (a stack deployed, executions in the emulator), then LONG_FILES in
    their order, then the rest. A stable sort: within each group, collection order."""

    def weight(item: pytest.Item) -> tuple[int, int]:
        if item.get_closest_marker("slow"):
            return (0, 0)
        if item.get_closest_marker("cli") or item.get_closest_marker("e2e"):
            return (1, 0)
        path = item.nodeid.split("::", 1)[0]
        if path in LONG_FILES:
            return (2, LONG_FILES.index(path))
        return (3, 0)

    items.sort(key=weight)
