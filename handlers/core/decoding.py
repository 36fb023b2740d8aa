"""Bytes to text, incrementally: gzip found by its magic bytes, strict UTF-8 with a leading BOM tolerated.

Every problem is reported where it is in the byte stream, whatever the read size: the text before a
corrupt gzip byte, an invalid UTF-8 sequence or the inflated-size limit is delivered first, so a
problem the parser finds earlier in the file wins at every chunk size.
"""

from __future__ import annotations

import codecs
import zlib
from collections.abc import Iterator
from typing import Protocol

from handlers.seams.errors import FileRejected
from handlers.seams.settings import REASON_CORRUPT_GZIP, REASON_FILE_TOO_LARGE, REASON_NOT_UTF8

CHUNK_BYTES = 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
# Deflate expands one input byte to at most ~1032 output bytes: feeding this many input bytes per call
# caps each call's output near `out_size` without zlib's max_length (whose partial calls would make the
# point where corruption is noticed depend on the read size).
_DEFLATE_MAX_RATIO = 1032
_CORRUPT = "the file starts like gzip but does not inflate"


class BinaryBody(Protocol):
    """What the core needs from a body: botocore's StreamingBody, a file opened "rb", io.BytesIO."""

    def read(self, amt: int, /) -> bytes: ...


def _raw_chunks(body: BinaryBody, size: int) -> Iterator[bytes]:
    while True:
        data = body.read(size)
        if not data:
            return
        yield data


class _Inflater:
    """Concatenated gzip members, then optionally zero padding (GNU gzip and Python's gzip accept
    zeros after the last member; anything after the padding is corrupt)."""

    def __init__(self, out_size: int) -> None:
        self.step = max(1, out_size // _DEFLATE_MAX_RATIO)
        self.member = zlib.decompressobj(wbits=31)
        self.padded = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        at = 0
        while at < len(data):
            if self.member.eof:
                if self.padded or data[at] == 0:
                    self.padded = True
                    if data.count(0, at) != len(data) - at:
                        raise FileRejected(REASON_CORRUPT_GZIP, "data follows the zero padding")
                    return
                self.member = zlib.decompressobj(wbits=31)
            piece = data[at : at + self.step]
            yield from self._inflate(piece)
            at += len(piece)
            if self.member.eof and self.member.unused_data:
                # The next member (or padding) started inside this piece.
                at -= len(self.member.unused_data)

    def _inflate(self, piece: bytes) -> Iterator[bytes]:
        before = self.member.copy()
        try:
            out = self.member.decompress(piece)
        except zlib.error:
            # Deliver what the bytes before the corrupt one inflate to (byte by byte), then reject.
            for position in range(len(piece)):
                try:
                    out = before.decompress(piece[position : position + 1])
                except zlib.error:
                    break
                if out:
                    yield out
            raise FileRejected(REASON_CORRUPT_GZIP, _CORRUPT) from None
        if out:
            yield out

    def finish(self) -> None:
        if not self.member.eof:
            raise FileRejected(REASON_CORRUPT_GZIP, "the gzip stream ends before its end marker (truncated)")


def _gunzip(chunks: Iterator[bytes], out_size: int) -> Iterator[bytes]:
    """Inflate one or more concatenated gzip members; output per call is capped (no zip-bomb buffers)."""
    inflater = _Inflater(out_size)
    for chunk in chunks:
        yield from inflater.feed(chunk)
    inflater.finish()


def _with_magic_check(body: BinaryBody, size: int) -> tuple[bool, Iterator[bytes]]:
    """Whether the body is gzip (by its first two bytes), and its chunks with nothing lost."""
    head = b""
    raw = _raw_chunks(body, size)
    for chunk in raw:
        head += chunk
        if len(head) >= len(GZIP_MAGIC):
            break

    def chunks() -> Iterator[bytes]:
        if head:
            yield head
        yield from raw

    return head.startswith(GZIP_MAGIC), chunks()


class SizeKnownTooLarge(FileRejected):
    """file_too_large decided from the stored size of an uncompressed object, before any text was read:
    final in every lane (no other lane would read more of it)."""


def _too_large(max_bytes: int) -> FileRejected:
    return FileRejected(
        REASON_FILE_TOO_LARGE, f"the file is larger than {max_bytes} bytes (after gzip decompression)"
    )


def _limited(data: Iterator[bytes], max_bytes: int) -> Iterator[bytes]:
    """`data` up to `max_bytes` bytes in all; FileRejected(file_too_large) past it."""
    total = 0
    for chunk in data:
        total += len(chunk)
        if total > max_bytes:
            allowed = len(chunk) - (total - max_bytes)
            if allowed > 0:
                yield chunk[:allowed]
            raise _too_large(max_bytes)
        yield chunk


def text_chunks(
    body: BinaryBody,
    *,
    chunk_bytes: int = CHUNK_BYTES,
    max_bytes: int | None = None,
    stored_bytes: int | None = None,
    stored_max_bytes: int | None = None,
    plain: bool = False,
    byte_offset: int = 0,
) -> Iterator[str]:
    """Decoded text of `body`, about `chunk_bytes` a chunk.

    FileRejected: not_utf8, corrupt_gzip, and file_too_large once more than `max_bytes` bytes (after
    gunzip, before UTF-8 decoding) have been read. `stored_bytes` (the object's size, GetObject's
    ContentLength): an uncompressed body larger than `max_bytes` is file_too_large before its first
    text is yielded (only the gzip magic check has read anything), not after `max_bytes` were streamed.
    `stored_max_bytes` (the file limit, when `max_bytes` is a smaller lane cap): an uncompressed body
    larger than it is SizeKnownTooLarge (final), one only larger than `max_bytes` is file_too_large.
    `plain` (a byte range of an uncompressed file that does not start the file, handlers/flows/ranges.py):
    no gzip check and no BOM removal; `byte_offset`: where `body` starts in the file (not_utf8 offsets).
    """
    if plain:
        gzipped, chunks = False, _raw_chunks(body, chunk_bytes)
    else:
        gzipped, chunks = _with_magic_check(body, chunk_bytes)
    if not gzipped and stored_bytes is not None:
        if stored_max_bytes is not None and stored_bytes > stored_max_bytes:
            raise SizeKnownTooLarge(REASON_FILE_TOO_LARGE, _too_large(stored_max_bytes).message)
        if max_bytes is not None and stored_bytes > max_bytes:
            if stored_max_bytes is None:
                raise SizeKnownTooLarge(REASON_FILE_TOO_LARGE, _too_large(max_bytes).message)
            raise _too_large(max_bytes)
    data = _gunzip(chunks, chunk_bytes) if gzipped else chunks
    if max_bytes is not None:
        data = _limited(data, max_bytes)
    decoder = codecs.getincrementaldecoder("utf-8" if plain else "utf-8-sig")("strict")
    fed = byte_offset  # bytes before this one (after gunzip): a bad sequence's byte offset
    for chunk in data:
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            # The valid text before the bad sequence first, so that the first problem in the file wins.
            valid = exc.object[: exc.start].decode("utf-8")
            if valid:
                yield valid
            # exc.object is the decoder's pending bytes followed by this chunk.
            raise _not_utf8(fed + len(chunk) - len(exc.object) + exc.start) from None
        fed += len(chunk)
        if text:
            yield text
    try:
        text = decoder.decode(b"", True)
    except UnicodeDecodeError as exc:
        raise _not_utf8(fed - len(exc.object) + exc.start) from None
    if text:
        yield text


def _not_utf8(byte_offset: int) -> FileRejected:
    return FileRejected(
        REASON_NOT_UTF8, "the file is not valid UTF-8 text", position={"byte_offset": byte_offset}
    )
