"""Claim packs: claim-check bodies appended to one object per ~CLAIM_PACK_BYTES, read back by byte range."""

from __future__ import annotations

from handlers.core.sinks import ClaimSink
from handlers.seams.model import Pointer, claim_key
from handlers.seams.settings import CLAIM_PACK_BYTES


class ClaimPacks:
    """Buffers claim-check bodies into the current pack; `flush` writes it with ONE put.

    A pointer handed out by `add` gets its pack's `version_id` when the pack is flushed: its manifest
    entry must not be serialised before (the caller keeps such entries waiting, bounded by bytes).
    """

    def __init__(
        self,
        sink: ClaimSink,
        *,
        bucket: str,
        digest: str,
        pack_bytes: int = CLAIM_PACK_BYTES,
        first_pack: int = 0,
    ) -> None:
        self._sink = sink
        # A byte range of a split file numbers its packs from its own base: no two ranges share a key.
        self._first_pack = first_pack
        self._bucket = bucket
        self._digest = digest
        self.pack_bytes = pack_bytes
        self._buffer = bytearray()
        self._unversioned: list[Pointer] = []
        self.packs = 0

    @property
    def buffered(self) -> int:
        """Bytes of the current, not yet written, pack."""
        return len(self._buffer)

    @property
    def full(self) -> bool:
        return len(self._buffer) >= self.pack_bytes

    def add(self, body: bytes) -> Pointer:
        """Append one body to the current pack; its pointer (version_id set at flush)."""
        pointer: Pointer = {
            "bucket": self._bucket,
            "key": claim_key(self._digest, self._first_pack + self.packs),
            "version_id": None,
            "offset": len(self._buffer),
            "length": len(body),
        }
        self._buffer += body
        self._unversioned.append(pointer)
        return pointer

    def flush(self) -> None:
        """Write the current pack (if it holds anything) and give its pointers the version written."""
        if not self._buffer:
            return
        version = self._sink.put(claim_key(self._digest, self._first_pack + self.packs), bytes(self._buffer))
        for pointer in self._unversioned:
            pointer["version_id"] = version
        self._unversioned = []
        self._buffer = bytearray()
        self.packs += 1
