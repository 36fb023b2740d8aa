"""Generated upload bodies of any size, produced lazily (never held in memory), and a discarding sink."""

from __future__ import annotations

from collections.abc import Iterator

_RECORD = (
    '{"order-info": {"order_id": "ord-%d", "item": "Laptop", "quantity": %d, "price": 1299.99, '
    '"tags": ["a", "b"]}, "contact-info": {"name": "Zoë 山田", "email": "user%d@example.com"}}'
)


def record_text(index: int) -> str:
    """One valid order record (a float price, a nested list, non-ASCII text)."""
    return _RECORD % (index, index % 7 + 1, index)


def json_lines(count: int) -> Iterator[bytes]:
    """`count` records, one per line, in pieces of about 1,000 records."""
    for start in range(0, count, 1000):
        yield "".join(record_text(i) + "\n" for i in range(start, min(start + 1000, count))).encode("utf-8")


def json_array(count: int) -> Iterator[bytes]:
    """`count` records as one JSON array (pretty enough: one element per line)."""
    yield b"[\n"
    for start in range(0, count, 1000):
        end = min(start + 1000, count)
        text = ",\n".join(record_text(i) for i in range(start, end))
        yield (text + (",\n" if end < count else "\n")).encode("utf-8")
    yield b"]\n"


class GeneratedBody:
    """A fake S3 `Body`: read(amt) over generated pieces; counts bytes served."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self._pieces = pieces
        self._pending = b""
        self.bytes_read = 0

    def read(self, amt: int = -1, /) -> bytes:
        while amt < 0 or len(self._pending) < amt:
            piece = next(self._pieces, None)
            if piece is None:
                break
            self._pending += piece
        if amt < 0:
            data, self._pending = self._pending, b""
        else:
            data, self._pending = self._pending[:amt], self._pending[amt:]
        self.bytes_read += len(data)
        return data

    def close(self) -> None:
        self._pieces = iter(())


class CountingSink:
    """ManifestSink and ClaimSink that keep only counts (bytes written, claims, commit/abort)."""

    def __init__(self) -> None:
        self.bytes = 0
        self.claims = 0
        self.claim_bytes = 0
        self.committed = False
        self.aborted = False

    def write(self, data: bytes) -> None:
        self.bytes += len(data)

    def commit(self) -> None:
        self.committed = True

    def abort(self) -> None:
        self.aborted = True

    def put(self, key: str, body: bytes) -> None:
        self.claims += 1
        self.claim_bytes += len(body)
