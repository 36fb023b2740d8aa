"""Fakes and helpers for the handler tests (a unique module name: tests/unit/handlers is on sys.path)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handlers.core.pipeline import Summary, process_file
from handlers.seams.errors import FileRejected
from handlers.seams.model import Source

FIXTURE_FILES = Path(__file__).resolve().parents[2] / "fixtures" / "files"


class MemoryManifest:
    """ManifestSink keeping the bytes; visible only after commit, like the S3 writer."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.committed: bytes | None = None
        self.aborted = False

    def write(self, data: bytes) -> None:
        self.buffer += data

    def commit(self) -> str:
        self.committed = bytes(self.buffer)
        return "manifest-v1"

    def abort(self) -> None:
        self.aborted = True
        self.buffer.clear()


class MemoryClaims:
    """ClaimSink keeping every pack by key (and every version written), like a versioned bucket."""

    def __init__(self) -> None:
        self.bodies: dict[str, bytes] = {}
        self.versions: dict[str, bytes] = {}
        self.puts = 0

    def put(self, key: str, body: bytes) -> str:
        self.puts += 1
        version = f"claims-v{self.puts}"
        self.bodies[key] = body
        self.versions[version] = body
        return version

    def read(self, pointer: dict[str, Any]) -> bytes:
        """The bytes a pointer names: its range of the pack version it names."""
        body = self.versions[pointer["version_id"]]
        assert self.bodies[pointer["key"]] is body, "the pointer names another key's version"
        return body[pointer["offset"] : pointer["offset"] + pointer["length"]]


@dataclass
class Outcome:
    summary: Summary | None
    rejection: FileRejected | None
    manifest: MemoryManifest
    claims: MemoryClaims
    batches: list[dict[str, Any]] = field(default_factory=list)

    @property
    def entries(self) -> list[dict[str, Any]]:
        return [entry for batch in self.batches for entry in batch["records"]]

    def outcomes(self) -> list[str]:
        """Per record: "valid", "large", or the review reason."""
        return [e["review"]["reason"] if e["status"] == "invalid" else e["status"] for e in self.entries]


def source_for(key: str) -> Source:
    return {"bucket": "uploads", "key": key, "version_id": "v1", "etag": "e1"}


def run_bytes(data: bytes, key: str, **options: Any) -> Outcome:
    manifest, claims = MemoryManifest(), MemoryClaims()
    try:
        summary = process_file(
            io.BytesIO(data), source=source_for(key), manifest=manifest, claims=claims, **options
        )
    except FileRejected as rejected:
        return Outcome(None, rejected, manifest, claims)
    assert manifest.committed is not None
    return Outcome(summary, None, manifest, claims, json.loads(manifest.committed))


def run_fresh(script: str, *args: str) -> dict[str, Any]:
    """Run `script` (python -c) with `args` in a fresh interpreter from the repository root; the JSON
    object it printed last. A fresh process makes max RSS that run's own peak."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
