"""The validator's limits from its environment (one ConfigurationError line for a bad one), and the
invocation's remaining time.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from handlers.seams.errors import ConfigurationError
from handlers.seams.rangekeys import TURN_RECORDS_ENV


def limit_from_env(name: str, default: int) -> int:
    """A non-negative integer limit from the environment (the default when unset or empty)."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise ConfigurationError(f"environment variable {name} must be a non-negative integer")
    return value


def turn_records() -> int | None:
    """Records per turn (TURN_RECORDS_ENV, emulator only: `simulate --turn-records N`); None: unset."""
    return limit_from_env(TURN_RECORDS_ENV, 0) or None


def remaining_ms(context: object) -> Callable[[], int] | None:
    """The Lambda context's get_remaining_time_in_millis (None without one: no time budget)."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return remaining if callable(remaining) else None
