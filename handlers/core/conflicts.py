"""Conflicts inside one file: a later record with an earlier record's order_id and other content.

Found by the validator, so they count toward MaxRejectedRecords like any rejection (a file of one
order_id with many contents is rejected whole, nothing stored). Memory: one entry per distinct
order_id, keyed by the order_id's 64-bit str hash (SipHash, keyed per process: not predictable from
outside) with the 64-bit str hash of the first content's sha256 as value: about 113 bytes an order_id
(measured with tracemalloc at 1,000,000; str hashes are cached in the strings, so this costs a dict
lookup a record), at most TRACKED_ORDER_IDS of them (~113 MB). Order_ids first seen past that
are not tracked: their conflicts are found by DynamoDB's condition, as conflicts with earlier files are.
"""

from __future__ import annotations

TRACKED_ORDER_IDS = 1_000_000
CONFLICT_MESSAGE = "an earlier record of this file has the same order_id and different content"


class FirstContents:
    """The content hash of the first valid record of each order_id of one file (the validator inlines
    `conflicts` in handlers/core/pipeline.py `_Router.store`, with the same dict and limit)."""

    __slots__ = ("_first", "_limit")

    def __init__(self, limit: int = TRACKED_ORDER_IDS) -> None:
        self._first: dict[int, int] = {}
        self._limit = limit

    def conflicts(self, order_id: str, digest: str) -> bool:
        """Whether `order_id` came earlier in the file with another content; remembers the first."""
        first = self._first.get(hash(order_id))
        if first is None:
            if len(self._first) < self._limit:
                self._first[hash(order_id)] = hash(digest)
            return False
        return first != hash(digest)
