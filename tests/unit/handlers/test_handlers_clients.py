"""boto3 clients are created once per container, not per invocation."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.adapters import clients, s3read


@pytest.fixture
def created(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every boto3.client call, by service, with a fresh per-container cache."""
    import boto3

    made: list[str] = []

    def fake_client(service: str, *args: Any, **kwargs: Any) -> object:
        made.append(service)
        return object()

    monkeypatch.setattr(clients, "_CLIENTS", {})
    monkeypatch.setattr(boto3, "client", fake_client)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    return made


def test_each_handler_reuses_one_client_per_service_across_invocations(created: list[str]) -> None:
    """Failure class: a cost paid per invocation that belongs to the container (a boto3 client is
    ~8 ms wall, ~4 ms CPU of billed duration). Fails before the cost cuts: `validator._s3_client()`
    (now `s3read.s3_client()`) and `store_large._client()` called boto3.client on every invocation."""
    # WHEN the validator's and store-large's client getters run as three invocations would
    first = [s3read.s3_client(), clients.client("s3"), clients.client("dynamodb")]
    for _ in range(2):
        again = [s3read.s3_client(), clients.client("s3"), clients.client("dynamodb")]
        # THEN each returns the very client of the first invocation
        assert [a is b for a, b in zip(first, again, strict=True)] == [True, True, True]
    # AND boto3 built one client per service, once
    assert sorted(created) == ["dynamodb", "s3"]


def test_a_changed_endpoint_gets_its_own_client(created: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Failure class: a cached client pointing at a stale endpoint/region (a test or emulator that
    changes them must not reach the old one)."""
    # GIVEN a client for one endpoint
    old = clients.client("s3")
    # WHEN the endpoint changes
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:2")
    # THEN a new client is made for it, and the old configuration keeps its own
    assert clients.client("s3") is not old
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    assert clients.client("s3") is old
    assert created == ["s3", "s3"]


def test_no_handler_module_creates_a_client_but_the_container_cache() -> None:
    """Failure class: a handler that goes back to `boto3.client(...)` per invocation (store-large and the
    watchdog once did: a new client per call). Every module of handlers/ is read: `boto3.client` and
    `boto3.resource` appear in handlers/adapters/clients.py only, so every client is the container's."""
    import ast
    from pathlib import Path

    root = Path(clients.__file__).resolve().parent.parent
    creators = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in {"client", "resource", "Session"}
                and isinstance(node.value, ast.Name)
                and node.value.id == "boto3"
            ):
                creators.append(f"{path.relative_to(root)}:{node.lineno}")
    assert [where.split(":")[0] for where in creators] == ["adapters/clients.py"], creators
