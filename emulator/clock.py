"""Emulated time: waits advance a clock instead of the wall clock, so limits hold without waiting.

An execution (or a Lambda invocation) owns an `EmulatedClock`: its elapsed time is the real time
since it started plus every wait it skipped. Waits are charged to the thread that waits; a thread
the interpreter starts inherits its starter's position, and a thread that finished hands its
position back, so a starter that waited for its workers (an inline Map's wave after wave, a task's
attempt) continues from the latest of them: an inline Map with MaxConcurrency 10 over 40 records
costs its longest worker's four paths, not forty.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class EmulatedClock:
    """One execution's or invocation's clock; `limit` in seconds (None: no limit)."""

    limit: float | None
    # An execution's clock parks a thread whose wait passes the limit (on AWS nothing runs after
    # it); an invocation's clock does not (the Lambda runner ends the invocation at its next check).
    parks: bool = False
    started: float = field(default_factory=time.monotonic)
    expired: threading.Event = field(default_factory=threading.Event)
    # The latest emulated elapsed time any of its threads reached (reported, e.g. by tests).
    latest: float = 0.0

    def real_elapsed(self) -> float:
        return time.monotonic() - self.started

    def check(self, position: float) -> bool:
        """Whether the limit has passed at `position` (this thread's skipped seconds); sets `expired`."""
        now = self.real_elapsed() + position
        self.latest = max(self.latest, now)
        if self.limit is not None and now > self.limit:
            self.expired.set()
        return self.expired.is_set()


@dataclass
class _Position:
    """Where one thread is on its clock: the seconds of waiting it skipped so far."""

    clock: EmulatedClock
    skipped: float = 0.0
    parent: _Position | None = None
    finished_children: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> float:
        with self.lock:
            self.skipped = max(self.skipped, self.finished_children)
            return self.skipped


_local = threading.local()
_NEVER = threading.Event()


def position() -> _Position | None:
    found: _Position | None = getattr(_local, "position", None)
    return found


def start(clock: EmulatedClock) -> None:
    """Make `clock` this thread's clock, at its start."""
    _local.position = _Position(clock)


def stop(previous: _Position | None = None) -> None:
    """End this thread's clock, back to `previous` (the position it had before `start`)."""
    _local.position = previous


def clock() -> EmulatedClock | None:
    here = position()
    return here.clock if here else None


def elapsed() -> float | None:
    """This thread's emulated seconds since its clock started (None without a clock)."""
    here = position()
    return None if here is None else here.clock.real_elapsed() + here.now()


def sleep(seconds: float) -> None:
    """Wait `seconds` in emulated time (instantly); without a clock, really wait."""
    here = position()
    if here is None:
        time.sleep(seconds)
        return
    with here.lock:
        here.skipped = max(here.skipped, here.finished_children) + max(0.0, seconds)
    if here.clock.check(here.now()) and here.clock.parks:
        # The execution's limit passed during this wait: on AWS the execution is ended in it and
        # this thread never goes on (no Catch, no later state, no side effect). It waits here for
        # good (a daemon thread); the execution's program ends it TIMED_OUT.
        _NEVER.wait()


def inheriting(target: Callable[..., Any]) -> Callable[..., Any]:
    """`target` run on a new thread from the calling thread's position, handing its own back."""
    parent = position()
    if parent is None:
        return target
    begin = parent.now()

    def run(*args: Any, **kwargs: Any) -> Any:
        child = _Position(parent.clock, skipped=begin, parent=parent)
        _local.position = child
        try:
            return target(*args, **kwargs)
        finally:
            end = child.now()
            with parent.lock:
                parent.finished_children = max(parent.finished_children, end)
            _local.position = None

    return run
