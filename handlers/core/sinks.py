"""Where the core writes: the manifest as one byte stream, claim-check bodies grouped in pack objects."""

from __future__ import annotations

from typing import Protocol


class ManifestSink(Protocol):
    """A stream that becomes visible only on commit; abort leaves nothing behind."""

    def write(self, data: bytes) -> None: ...

    def commit(self) -> str | None:
        """Make the manifest visible; its object version (None where there are no versions)."""
        ...

    def abort(self) -> None: ...


class ClaimSink(Protocol):
    """Stores one claim pack (raw JSON texts of records, UTF-8, back to back) under a key of the source
    bucket; returns the object's version (None where there are no versions)."""

    def put(self, key: str, body: bytes) -> str | None: ...
