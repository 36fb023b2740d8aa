"""Names of a split file's events, results and objects (handlers/ranges.py): no contract compiled at
import, so workflow/ and the emulator can name them without loading the record contract."""

from __future__ import annotations

from handlers.contract import WORK_PREFIX

# The validator's environment variable that sets both the split threshold and the range size (the
# emulator's `simulate --range-bytes N`; unset on AWS: handlers/throughput.py decides).
RANGE_BYTES_ENV = "RANGE_BYTES"
# Event and result members (handlers/rangestep.py).
RANGES = "ranges"
RANGE = "range"
RANGE_START = "start"
RANGE_END = "end"
COUNT = "count"
COUNTS = "counts"
PARTS = "parts"
VALIDATIONS = "validations"
COUNT_RECORDS = "records"
COUNT_NEWLINES = "newlines"
SUMMARY_SUFFIX = ".summary.json"


def part_key(digest: str, number: int) -> str:
    """Range `number`'s part of the manifest."""
    return f"{WORK_PREFIX}{digest}/parts/{number}.manifest"


def summary_key(digest: str, number: int) -> str:
    """Range `number`'s part summary (counts, rejections in order, problem)."""
    return f"{WORK_PREFIX}{digest}/parts/{number}{SUMMARY_SUFFIX}"
