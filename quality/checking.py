"""Run the validator's own core (handlers.core.pipeline.process_file) on a local file: no AWS, no emulator.

The manifest and the claim packs the core writes are discarded; the verdicts, counts per reason and per
contract rule and the first records breaking each rule are kept (positions only, never content).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from handlers.core.pipeline import process_file
from handlers.core.rules import Rules
from handlers.seams.errors import FileRejected
from handlers.seams.model import Source
from handlers.seams.settings import DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_REJECTED_RECORDS
from quality.model import Example, FileQuality, split_rule

# Files larger than this print progress on stderr, at most every PROGRESS_SECONDS.
PROGRESS_MIN_BYTES = 4 * 1024 * 1024
PROGRESS_SECONDS = 2.0
# The bucket name the core sees (it names claim packs and review sources; nothing is written).
LOCAL_BUCKET = "local"


class _Discard:
    """ManifestSink and ClaimSink that keep nothing (the check needs only the counts)."""

    def write(self, data: bytes) -> None:
        pass

    def commit(self) -> str | None:
        return None

    def abort(self) -> None:
        pass

    def put(self, key: str, body: bytes) -> str:
        return "local"


class _Progress:
    """A binary file that reports on stderr how much of it was read, every few seconds."""

    def __init__(self, raw: IO[bytes], *, label: str, size: int, say: Callable[[str], None]) -> None:
        self._raw = raw
        self._label = label
        self._size = size
        self._say = say
        self._read = 0
        self._next = time.monotonic() + PROGRESS_SECONDS

    def read(self, amt: int, /) -> bytes:
        data = self._raw.read(amt)
        self._read += len(data)
        now = time.monotonic()
        if now >= self._next:
            self._next = now + PROGRESS_SECONDS
            share = self._read / self._size if self._size else 1.0
            self._say(
                f"{self._label}: {self._read / 2**20:.1f} of {self._size / 2**20:.1f} MiB read ({share:.0%})"
            )
        return data


def _stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def check_file(
    path: Path,
    *,
    name: str | None = None,
    rules: Rules | None = None,
    max_rejected: int = DEFAULT_MAX_REJECTED_RECORDS,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    say: Callable[[str], None] = _stderr,
) -> FileQuality:
    """The verdicts of the pipeline on `path` (uploaded under its base name), as the validator finds them.

    Raises OSError when the file cannot be read.
    """
    label = name or str(path)
    source: Source = {"bucket": LOCAL_BUCKET, "key": path.name, "version_id": None, "etag": None}
    sink = _Discard()
    with path.open("rb") as raw:
        size = path.stat().st_size
        body = _Progress(raw, label=label, size=size, say=say) if size > PROGRESS_MIN_BYTES else raw
        try:
            summary = process_file(
                body,
                source=source,
                manifest=sink,
                claims=sink,
                max_rejected=max_rejected,
                max_file_bytes=max_file_bytes,
                rules=rules,
            )
        except FileRejected as rejected:
            counts = (rejected.rejections or {}).get("counts") or {}
            return FileQuality(
                name=label,
                records=None,
                file_rejected=True,
                reason=rejected.reason,
                message=rejected.message,
                position=rejected.position,
                rejected_by_reason={str(k): int(v) for k, v in counts.items()},
            )
    examples = {
        rule: [Example(index, line, *split_rule(rule)) for index, line in found]
        for rule, found in summary.rule_examples.items()
    }
    valid = summary.valid + summary.large
    return FileQuality(
        name=label,
        records=summary.records,
        parts=(("valid", valid), ("rejected", summary.invalid)),
        rejected_by_reason=dict(summary.rejected_by_reason),
        rejected_by_rule=dict(summary.rejected_by_rule),
        examples=examples,
    )
