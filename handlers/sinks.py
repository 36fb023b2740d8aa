"""Where the core writes: the manifest as one byte stream, claim-check bodies as small objects."""

from __future__ import annotations

from typing import Protocol


class ManifestSink(Protocol):
    """A stream that becomes visible only on commit; abort leaves nothing behind."""

    def write(self, data: bytes) -> None: ...

    def commit(self) -> None: ...

    def abort(self) -> None: ...


class ClaimSink(Protocol):
    """Stores one claim-check body (the record's raw JSON text, UTF-8) under a key of the source bucket."""

    def put(self, key: str, body: bytes) -> None: ...
