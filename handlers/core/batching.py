"""The manifest as a stream: `[`, batches of serialised entries separated by `,`, `]`."""

from __future__ import annotations

from typing import Any

from handlers.core.provenance import source_members
from handlers.core.sinks import ManifestSink
from handlers.seams.model import Source
from handlers.seams.throughput import BATCH_MAX_BYTES, BATCH_MAX_RECORDS
from handlers.values.jsontext import dumps

# Room for the batch number's digits in `{"batch":k,...}`.
_BATCH_NUMBER_ROOM = 12


class BatchWriter:
    """Groups entry texts into batches of at most BATCH_MAX_RECORDS entries and BATCH_MAX_BYTES bytes."""

    def __init__(
        self, sink: ManifestSink, source: Source, review_source: dict[str, Any], *, first_batch: int = 0
    ) -> None:
        self._sink = sink
        # The first batch's number: a byte range of a split file numbers its batches from its own base
        # (handlers/flows/ranges.py), so that batch numbers stay unique in the file (CountBatch counts each
        # once).
        self._first_batch = first_batch
        # Each batch carries the exact source, the SQS-safe one (for its reviews) and the items' shared
        # `_pipeline_source` members (once per batch, not per entry: batches fill by bytes).
        provenance = (
            '"source":'
            + dumps(source)
            + ',"review_source":'
            + dumps(review_source)
            + ',"item_source":'
            + dumps(source_members(source))
        )
        self._head = '{"batch":%d,' + provenance.replace("%", "%%") + ',"records":['
        self._frame = len(self._head) + _BATCH_NUMBER_ROOM + len("]}")
        self._entries: list[str] = []
        self._size = self._frame
        self.batches = 0
        sink.write(b"[")

    @property
    def entry_max(self) -> int:
        """The largest entry that fits a batch on its own."""
        return BATCH_MAX_BYTES - self._frame

    def add(self, entry: str) -> None:
        """Append one serialised (ASCII) entry, starting a new batch when this one is full."""
        if len(entry) > self.entry_max:
            raise ValueError("entry larger than a batch: it must travel as a claim check")
        if self._entries and (
            len(self._entries) >= BATCH_MAX_RECORDS or self._size + 1 + len(entry) > BATCH_MAX_BYTES
        ):
            self._flush()
        self._size += len(entry) + (1 if self._entries else 0)
        self._entries.append(entry)

    def close(self) -> None:
        if self._entries:
            self._flush()
        self._sink.write(b"]")

    def _flush(self) -> None:
        text = (self._head % (self._first_batch + self.batches)) + ",".join(self._entries) + "]}"
        self._sink.write((b"," if self.batches else b"") + text.encode("ascii"))
        self.batches += 1
        self._entries = []
        self._size = self._frame
