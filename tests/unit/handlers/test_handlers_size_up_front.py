"""file_too_large decided from the object's size before any record is parsed."""

from __future__ import annotations

import gzip
import io
from typing import Any

import pytest
from handlers_testkit import MemoryClaims, MemoryManifest, source_for

from handlers.core import pipeline
from handlers.core.decoding import CHUNK_BYTES
from handlers.core.pipeline import process_file
from handlers.seams.errors import FileRejected
from tests.builders import order_text, valid_order

LINE = order_text(valid_order("o-%d")) + "\n"


def lines(count: int) -> bytes:
    return "".join(LINE % i for i in range(count)).encode()


class CountingBody(io.BytesIO):
    """A body that counts the bytes the validator reads from it."""

    read_bytes = 0

    def read(self, amt: int | None = -1, /) -> bytes:
        out = super().read(amt)
        self.read_bytes += len(out)
        return out


def run(data: bytes, *, max_file_bytes: int, stored_bytes: int | None, body: Any = None) -> Any:
    try:
        return process_file(
            body or io.BytesIO(data),
            source=source_for("big.jsonl"),
            manifest=MemoryManifest(),
            claims=MemoryClaims(),
            max_file_bytes=max_file_bytes,
            stored_bytes=stored_bytes,
        )
    except FileRejected as rejected:
        return (rejected.reason, rejected.message)


def test_an_uncompressed_object_over_the_limit_is_rejected_before_any_record(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Failure class: a cost paid for a known answer (a 10 GB file streamed for minutes before
    file_too_large). Fails before the cost cuts: process_file had no stored size; it parsed
    ~max_file_bytes."""
    # GIVEN an uncompressed 3 MiB file, a 1 MiB limit, and a spy on the record router
    data = lines(3 * 1024 * 1024 // len(LINE % 0))
    routed: list[int] = []
    real_route = pipeline._Router.route
    monkeypatch.setattr(pipeline._Router, "route", lambda self, e: (routed.append(1), real_route(self, e)))
    body = CountingBody(data)
    # WHEN validated with the object's stored size
    outcome = run(data, max_file_bytes=CHUNK_BYTES, stored_bytes=len(data), body=body)
    # THEN file_too_large, no record routed, one read at most
    assert outcome[0] == "file_too_large"
    assert (routed, body.read_bytes <= CHUNK_BYTES) == ([], True)
    # AND with the message the streamed check gives (which parsed records up to the limit)
    assert outcome == run(data, max_file_bytes=CHUNK_BYTES, stored_bytes=None)
    assert routed


def test_a_gzipped_object_is_judged_by_its_inflated_size_not_its_stored_size() -> None:
    """Failure class: a stored size taken for the decoded size (gzip inflates: only the stream decides)."""
    # GIVEN a gzipped file whose stored size is over the limit but whose text is not
    data = lines(200)
    packed = gzip.compress(data, mtime=0) + bytes(len(data))  # zero padding after the member is allowed
    assert len(packed) > len(data)
    # WHEN validated with its stored size and a limit of its decoded size
    summary = run(packed, max_file_bytes=len(data), stored_bytes=len(packed))
    # THEN it is accepted whole
    assert not isinstance(summary, tuple) and summary.valid == 200


@pytest.mark.parametrize("records", [1, 37, 400])
def test_a_stored_size_within_the_limit_changes_nothing(records: int) -> None:
    """Differential: with the size known and within the limit, the manifest is the one without it."""
    # GIVEN a file of `records` records, exactly at the limit
    data = lines(records)
    outputs = []
    for stored in (None, len(data)):
        manifest = MemoryManifest()
        process_file(
            io.BytesIO(data),
            source=source_for("f.jsonl"),
            manifest=manifest,
            claims=MemoryClaims(),
            max_file_bytes=max(1, len(data)),
            stored_bytes=stored,
        )
        outputs.append(manifest.committed)
    # THEN the manifests are byte-identical
    assert outputs[0] == outputs[1]
