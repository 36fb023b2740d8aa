"""Claim checks grouped into claim packs: PUTs grow with claimed bytes, not records."""

from __future__ import annotations

import io
import json
import time
from typing import Any

from handlers_testkit import MemoryManifest, source_for

from benchmarks.bodies import GeneratedBody
from handlers.adapters.s3io import S3ClaimWriter
from handlers.core.pipeline import process_file
from handlers.seams.settings import CLAIM_PACK_BYTES
from tests.builders import order_text, valid_order

FORTY_DIGITS = "1234567890" * 4


class StubS3:
    """Counts put_object requests and keeps every version, like a versioned bucket."""

    def __init__(self) -> None:
        self.puts: list[tuple[str, int]] = []
        self.versions: dict[str, bytes] = {}

    def put_object(self, *, Bucket: str, Key: str, Body: bytes, ContentType: str) -> dict[str, Any]:
        version = f"v{len(self.puts)}"
        self.puts.append((Key, len(Body)))
        self.versions[version] = Body
        return {"VersionId": version}

    def read(self, pointer: dict[str, Any]) -> bytes:
        body = self.versions[pointer["version_id"]]
        return body[pointer["offset"] : pointer["offset"] + pointer["length"]]


def claimed_lines(count: int) -> list[str]:
    """Records that each need a claim check: a 40-digit number is invalid_value (DynamoDB keeps 38)."""
    return [
        f'{{"order-info": {{"order_id": "o-{i}"}}, "contact-info": {{}}, "n": {FORTY_DIGITS}}}'
        for i in range(count)
    ]


def test_100000_claim_checked_records_cost_a_handful_of_puts():
    # GIVEN 100,000 records that each need a claim check (about 9 MB of claimed text)
    lines = claimed_lines(100_000)
    s3, manifest = StubS3(), MemoryManifest()
    started = time.perf_counter()
    # WHEN the core validates them (tolerance raised so that the file is not rejected whole)
    summary = process_file(
        io.BytesIO(("\n".join(lines) + "\n").encode()),
        source=source_for("many.jsonl"),
        manifest=manifest,
        claims=S3ClaimWriter(s3, "uploads"),
        max_rejected=100_000,
    )
    seconds = time.perf_counter() - started
    # THEN every record is one invalid_value review with a pointer into a pack
    assert summary.records == summary.invalid == 100_000
    entries = [e for batch in json.loads(manifest.committed) for e in batch["records"]]
    assert [e["index"] for e in entries] == list(range(100_000))
    # AND the S3 requests are a handful (claimed bytes / 8 MiB, plus flushes bounding waiting entries),
    # where one PUT per claim check made 100,000
    claimed = sum(len(line) for line in lines)
    assert len(s3.puts) <= 2 * (claimed // CLAIM_PACK_BYTES + 1) + 8, len(s3.puts)
    assert all(size <= CLAIM_PACK_BYTES + 200 for _, size in s3.puts)
    assert len({key for key, _ in s3.puts}) == len(s3.puts)  # one object per pack: 0.claims, 1.claims, ...
    # AND each pointer reads back its record's raw text from the version it names
    for entry in entries[::997] + entries[-3:]:
        pointer = entry["review"]["record_pointer"]
        assert set(pointer) == {"bucket", "key", "version_id", "offset", "length"}
        assert s3.read(pointer).decode() == lines[entry["index"]]
    assert seconds < 60


def test_a_pack_is_written_when_it_passes_its_size():
    # GIVEN 300 claim-checked records of ~100 bytes and packs of 4 KiB
    lines = claimed_lines(300)
    s3, manifest = StubS3(), MemoryManifest()
    # WHEN validated
    process_file(
        io.BytesIO("\n".join(lines).encode()),
        source=source_for("p.jsonl"),
        manifest=manifest,
        claims=S3ClaimWriter(s3, "uploads"),
        max_rejected=1000,
        pack_bytes=4096,
    )
    # THEN packs are about 4 KiB each (the entries waiting for them also stay within 4 KiB)
    claimed = sum(len(line) for line in lines)
    assert len(s3.puts) >= claimed // 4096
    assert all(size < 4096 + 200 for _, size in s3.puts)
    keys = [key for key, _ in s3.puts]
    assert keys[0].endswith("/0.claims") and keys[1].endswith("/1.claims")
    entries = [e for batch in json.loads(manifest.committed) for e in batch["records"]]
    assert all(s3.read(e["review"]["record_pointer"]).decode() == lines[e["index"]] for e in entries)


def test_entries_waiting_for_their_pack_are_bounded_by_bytes():
    # GIVEN one claim-checked record followed by 5,000 valid ones, read in 1 KiB chunks
    lines = claimed_lines(1) + [order_text(valid_order(f"v-{i}")) for i in range(5_000)]
    body = GeneratedBody(iter([("\n".join(lines) + "\n").encode()]))

    class WatchedManifest(MemoryManifest):
        """Records how much input had been read when each batch reached the manifest."""

        def __init__(self) -> None:
            super().__init__()
            self.read_at_write: list[int] = []

        def write(self, data: bytes) -> None:
            super().write(data)
            self.read_at_write.append(body.bytes_read)

    s3, manifest = StubS3(), WatchedManifest()
    # WHEN validated with 32 KiB packs
    process_file(
        body,
        source=source_for("w.jsonl"),
        manifest=manifest,
        claims=S3ClaimWriter(s3, "uploads"),
        chunk_bytes=1024,
        pack_bytes=32 * 1024,
    )
    # THEN the one small pack was written early, once the entries waiting for it reached 32 KiB,
    # and batches reached the manifest long before the end of the input (not all held until the end)
    assert len(s3.puts) == 1
    first_batch_at = manifest.read_at_write[1]  # write 0 is the opening "["
    assert first_batch_at < body.bytes_read / 4, (first_batch_at, body.bytes_read)
    entries = [e for batch in json.loads(manifest.committed) for e in batch["records"]]
    assert [e["index"] for e in entries] == list(range(5_001))
    assert entries[0]["review"]["record_pointer"]["version_id"] == "v0"
