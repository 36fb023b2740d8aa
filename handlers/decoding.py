"""Bytes to text, incrementally: gzip found by its magic bytes, strict UTF-8 with a leading BOM tolerated."""

from __future__ import annotations

import codecs
import zlib
from collections.abc import Iterator
from typing import Protocol

from handlers.contract import (
    DEFAULT_MAX_FILE_BYTES,
    REASON_CORRUPT_GZIP,
    REASON_FILE_TOO_LARGE,
    REASON_NOT_UTF8,
)
from handlers.errors import FileRejected

CHUNK_BYTES = 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"


class BinaryBody(Protocol):
    """What the core needs from a body: botocore's StreamingBody, a file opened "rb", io.BytesIO."""

    def read(self, amt: int, /) -> bytes: ...


def _raw_chunks(body: BinaryBody, size: int) -> Iterator[bytes]:
    while True:
        data = body.read(size)
        if not data:
            return
        yield data


def _gunzip(chunks: Iterator[bytes], out_size: int) -> Iterator[bytes]:
    """Inflate one or more concatenated gzip members; output per call is capped (no zip-bomb buffers)."""
    inflater = zlib.decompressobj(wbits=31)
    try:
        for chunk in chunks:
            data = chunk
            while data:
                out = inflater.decompress(data, out_size)
                if out:
                    yield out
                if inflater.eof:
                    data = inflater.unused_data
                    if data:
                        inflater = zlib.decompressobj(wbits=31)
                else:
                    data = inflater.unconsumed_tail
        while not inflater.eof:
            out = inflater.decompress(b"", out_size)
            if not out:
                break
            yield out
        tail = inflater.flush()
        if tail:
            yield tail
    except zlib.error as exc:
        raise FileRejected(REASON_CORRUPT_GZIP, "the file starts like gzip but does not inflate") from exc
    if not inflater.eof:
        raise FileRejected(REASON_CORRUPT_GZIP, "the gzip stream ends before its end marker (truncated)")


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


def text_chunks(
    body: BinaryBody, *, chunk_bytes: int = CHUNK_BYTES, max_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> Iterator[str]:
    """Decoded text of `body`, about `chunk_bytes` a chunk; FileRejected: not_utf8, corrupt_gzip,
    file_too_large (more than `max_bytes` bytes after gunzip)."""
    gzipped, chunks = _with_magic_check(body, chunk_bytes)
    data = _gunzip(chunks, chunk_bytes) if gzipped else chunks
    decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
    total = 0
    try:
        for chunk in data:
            total += len(chunk)
            if total > max_bytes:
                raise FileRejected(
                    REASON_FILE_TOO_LARGE, f"the file is larger than {max_bytes} bytes (after gunzip)"
                )
            text = decoder.decode(chunk)
            if text:
                yield text
        text = decoder.decode(b"", True)
    except UnicodeDecodeError as exc:
        raise FileRejected(REASON_NOT_UTF8, "the file is not valid UTF-8 text") from exc
    if text:
        yield text
