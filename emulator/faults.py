"""AWS's faults, injected at one configurable rate from one seed, and counted by kind.

Every fault the emulator can inject is named in KINDS and decided here, by `roll(kind, key)`:
throttling and 5xx answers of DynamoDB, SQS, S3 and Lambda (emulator/patches/service_faults.py,
for the state machine's service integrations and the handlers' boto3 alike), a Lambda killed
part-way through an invocation (emulator/lambda_runner.py), an EXPRESS Distributed Map child run
twice (emulator/patches/sfn_express_child_twice.py), and an S3 event delivered twice or late
(emulator/patches/eventbridge_state_machine_target.py). The limits the emulator enforces (EXPRESS
duration, Lambda timeout and memory) are not faults: they are always on, and counted in `limits()`.

Decisions are seeded and do not depend on thread timing: the n-th roll of one (kind, key) draws
from a generator seeded with (seed, kind, key, n), so the same requests fail the same way under the
same seed, in whatever order the interpreter's threads make them. Keys are request contents (a
table and item key, an object key, an event's object and version), never generated ids.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

SERVICES = ("dynamodb", "sqs", "s3", "lambda")
SERVICE_KINDS = tuple(f"{service}.{fault}" for service in SERVICES for fault in ("throttle", "5xx"))
LAMBDA_CRASH = "lambda.crash"
CHILD_TWICE = "express_child.twice"
EVENT_TWICE = "event.twice"
EVENT_LATE = "event.late"
KINDS: tuple[str, ...] = (*SERVICE_KINDS, LAMBDA_CRASH, CHILD_TWICE, EVENT_TWICE, EVENT_LATE)
# Counted (not rolled): a late event delivered after an event for a newer version of its key.
EVENT_AFTER_NEWER = "event.after_newer_version"

# Limits enforced whatever the fault rate (counted so a run can say how often each one bit).
EXPRESS_TIMED_OUT = "express.timed_out"
LAMBDA_TIMED_OUT = "lambda.timed_out"
LAMBDA_OUT_OF_MEMORY = "lambda.out_of_memory"

# A late event is held this long (real seconds, drawn uniformly): long enough for the next upload's
# event to overtake it, short enough for a caller waiting on the file.
LATE_SECONDS = (0.5, 3.0)


@dataclass(frozen=True)
class FaultConfig:
    """`rate`: the probability that one eligible call or event gets a fault of each enabled kind.

    `burst`: a fault rolled for a call repeats on its next `burst - 1` attempts (the same request
    sent again), then one attempt goes through: sustained throttling, as a table that throttles for
    a while until its capacity catches up, rather than independent failures.

    `scope`: when given, only calls whose key contains it are eligible (service keys read
    `Action:table-or-path:digest`, e.g. "PutItem:orders-table" for one table's puts).
    """

    rate: float = 0.0
    seed: int = 0
    kinds: frozenset[str] = field(default_factory=lambda: frozenset(KINDS))
    burst: int = 1
    scope: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"fault rate must be between 0 and 1, got {self.rate}")
        if self.burst < 1:
            raise ValueError(f"fault burst must be at least 1, got {self.burst}")
        unknown = sorted(self.kinds - set(KINDS))
        if unknown:
            raise ValueError(f"unknown fault kinds: {', '.join(unknown)} (known: {', '.join(KINDS)})")


_LOCK = threading.Lock()
_config = FaultConfig()
_occurrences: Counter[tuple[str, str]] = Counter()
# Per (kind, key) in a burst: attempts still to fail (> 0), or 0 for the one attempt let through.
_bursts: dict[tuple[str, str], int] = {}
_injected: Counter[str] = Counter()
_limits: Counter[str] = Counter()
# Retry jitter (Step Functions' FULL jitter) drawn from the same seed (patches/sfn_emulated_time.py).
_jitter = random.Random(0)


def configure(config: FaultConfig) -> None:
    """Set the process's fault configuration (the moto server is process-wide); counts restart."""
    global _config
    with _LOCK:
        _config = config
        _jitter.seed(config.seed)
        _occurrences.clear()
        _bursts.clear()
        _injected.clear()
        _limits.clear()


def current() -> FaultConfig:
    return _config


@contextlib.contextmanager
def injecting(config: FaultConfig) -> Iterator[FaultConfig]:
    """Faults on for a block (tests), then off again (rate 0) with fresh counts."""
    configure(config)
    try:
        yield config
    finally:
        configure(FaultConfig())


def jitter(high: float) -> float:
    """A Retry's FULL-jitter wait, uniform in [0, high), from the configured seed."""
    with _LOCK:
        return _jitter.uniform(0, high)


def _draw(kind: str, key: str) -> float:
    with _LOCK:
        _occurrences[(kind, key)] += 1
        nth = _occurrences[(kind, key)]
        seed = _config.seed
    digest = hashlib.sha256(f"{seed}\x00{kind}\x00{key}\x00{nth}".encode("utf-8", "surrogatepass")).digest()
    return random.Random(digest).random()


def roll(kind: str, key: str) -> bool:
    """Whether this occurrence of (kind, key) gets the fault; counted when it does."""
    config = _config
    if config.rate <= 0.0 or kind not in config.kinds or config.scope not in key:
        return False
    with _LOCK:
        left = _bursts.pop((kind, key), None)
        if left is not None and left > 0:
            _bursts[(kind, key)] = left - 1
    if left == 0:
        return False
    if left is None:
        if _draw(kind, key) >= config.rate:
            return False
        if config.burst > 1:
            with _LOCK:
                _bursts[(kind, key)] = config.burst - 1
    count(kind)
    return True


def uniform(kind: str, key: str, low: float, high: float) -> float:
    """A seeded number in [low, high) for a fault already decided (a delay, a crash point)."""
    return low + (high - low) * _draw(f"{kind}#value", key)


def count(kind: str) -> None:
    with _LOCK:
        _injected[kind] += 1


def count_limit(kind: str) -> None:
    with _LOCK:
        _limits[kind] += 1


def injected() -> dict[str, int]:
    """Faults injected so far, by kind (kinds never injected are left out)."""
    with _LOCK:
        return dict(sorted(_injected.items()))


def limits() -> dict[str, int]:
    """Limits enforced so far, by kind."""
    with _LOCK:
        return dict(sorted(_limits.items()))


def since(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """The counts added between two snapshots (kinds with none left out)."""
    return {kind: after[kind] - before.get(kind, 0) for kind in after if after[kind] > before.get(kind, 0)}
