"""Names of a split file's events, results and objects (handlers/flows/ranges.py): no contract compiled at
import, so workflow/ and the emulator can name them without loading the record contract."""

from __future__ import annotations

from handlers.seams.settings import WORK_PREFIX

# The validator's environment variable that sets both the split threshold and the range size (the
# emulator's `simulate --range-bytes N`; unset on AWS: handlers/seams/throughput.py decides).
RANGE_BYTES_ENV = "RANGE_BYTES"
# Event and result members (handlers/flows/rangestep.py).
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
# A range's (or a continuation's turn's) batch and claim-pack numbers start at its number x
# NUMBER_STRIDE (unique in the file; a range or turn has far fewer batches or packs than this).
NUMBER_STRIDE = 1_000_000_000


# A file validated by continuation (handlers/flows/turns.py): the validator's environment variable that stops
# each turn after this many records (the emulator's `simulate --turn-records N`; unset on AWS: a turn
# stops when its time runs short), the checkpoint member of a turn's event and result, and the
# combining step's flag (its parts are turns: turn 0's manifest is the file's first manifest).
TURN_RECORDS_ENV = "TURN_RECORDS"
CHECKPOINT = "checkpoint"
TURNS = "turns"
TURNS_MANIFEST = "turns.manifest"


def part_key(digest: str, number: int) -> str:
    """Range `number`'s part of the manifest."""
    return f"{WORK_PREFIX}{digest}/parts/{number}.manifest"


def summary_key(digest: str, number: int) -> str:
    """Range `number`'s part summary (counts, rejections in order, problem)."""
    return f"{WORK_PREFIX}{digest}/parts/{number}{SUMMARY_SUFFIX}"


def turns_manifest_key(digest: str) -> str:
    """The joined manifest of a file validated by continuation (turn 0's part is at manifest_key)."""
    return f"{WORK_PREFIX}{digest}/{TURNS_MANIFEST}"
