"""Counts said right: `1 message`, `2 messages`."""

from __future__ import annotations


def count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"
