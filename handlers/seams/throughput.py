"""Throughput settings, in one place: batch size, batch and record concurrency, the inline threshold.

The validator (handlers/) sizes manifest batches and decides inline vs claim check with these; the
state machine (workflow/) runs BATCH_CONCURRENCY children of RECORD_CONCURRENCY puts each; the figures in
docs/design.md and docs/performance-and-cost.md are derived from them.

Trade-off: at most BATCH_CONCURRENCY × RECORD_CONCURRENCY puts are in flight at once, so the write rate
is about that product divided by one put's latency through Step Functions. A new on-demand DynamoDB
table starts with a limited write throughput (it grows with use, from the previous peak): a higher
product finishes a big file sooner but is more often throttled. A throttled put is retried briefly
(workflow/retries.py: an EXPRESS child has 5 minutes); one that still fails fails its child and so the
file (FAILED in the ledger), which the watchdog re-drives later: stores are idempotent, nothing is
lost, but the file is re-run. Lower the product to spare a cold table; raise it for a warm one.
"""

from __future__ import annotations

from typing import Final

# The Step Functions payload limit is 262,144 bytes: a batch (and so a child's input) stays under it.
# A batch is one EXPRESS child (ProcessBatches), which must end within its 5 minutes by construction:
# its worst case is ceil(BATCH_MAX_RECORDS / RECORD_CONCURRENCY) waves of one record's worst path
# (every call retried at its longest backoff), and build.py refuses settings past 300 s less a 60 s
# margin (workflow/budgets.py, output/worstcase.md): 200 records in 5 waves of 40 take at most 239 s
# (the conflict breaker's trip included); 400 (10 waves of 40, or 40 of 10) fit no useful retry
# budget. Batches are sized by bytes too, and each is one billed child start: realistic orders reach
# BATCH_MAX_BYTES at ~200-205 records (the cost benchmark's: 200 a batch before and after), so 200
# keeps them full; the sample order (~330 bytes an entry, ~600 by bytes) stops at the count: twice the
# children of the 400 cap.
# Above INLINE_MAX_RECORDS: the small lane's own cap, not the batch's, hands a 161-record file off.
BATCH_MAX_BYTES: Final = 200_000
BATCH_MAX_RECORDS: Final = 200
# A record entry bigger than this travels as a claim check (an S3 pointer) instead of inline.
INLINE_RECORD_MAX_BYTES: Final = 190_000
# Distributed Map children (one per batch) running at once: 12 x 40 = 480 puts in flight, as 50 x 10
# were before children were bounded (a child of 40 at once, 12 children at once).
BATCH_CONCURRENCY: Final = 12
# Records of one batch stored at once by a child's inline Map (an inline Map runs at most 40): the
# fewer waves a child runs, the longer each record's retries may last within its 5 minutes.
RECORD_CONCURRENCY: Final = 40
# The small-file (EXPRESS) lane stores at most INLINE_MAX_RECORDS records of a file inline, in waves of
# SMALL_FILE_RECORD_CONCURRENCY; the validator hands a file with more to the large lane. The lane's
# worst case (every retry, every wave: output/worstcase.md) must stay under its 5 minutes with margin,
# and build.py refuses settings that break it (workflow/budgets.py).
INLINE_MAX_RECORDS: Final = 160
# The inline batch travels in the EXPRESS execution's state data (256 KiB payload limit) next to the
# file's identity and counts; 200,000 bytes of manifest leaves room for both.
INLINE_MAX_BYTES: Final = 200_000
SMALL_FILE_RECORD_CONCURRENCY: Final = 40

# Files larger than one validator reads (handlers/flows/ranges.py): an uncompressed JSON Lines object larger
# than SPLIT_THRESHOLD_BYTES is cut into ranges of RANGE_BYTES (wider past MAX_RANGES ranges), each
# validated by its own invocation, RANGE_CONCURRENCY at once (an inline Map: at most 40). A range of
# 256 MiB takes ~10-20 s at the measured ~15 MB/s (docs/handlers-measurements.md), far inside 900 s;
# MAX_RANGES keeps the ranges' lists in the state data (256 KiB) and their Map iterations in the
# STANDARD history (25,000 events, output/worstcase.md) bounded.
SPLIT_THRESHOLD_BYTES: Final = 512 * 1024 * 1024
RANGE_BYTES: Final = 256 * 1024 * 1024
MAX_RANGES: Final = 100
RANGE_CONCURRENCY: Final = 40

# Files one validator invocation cannot finish (arrays, `orders` wrappers, gzip, JSON Lines that are not
# split: handlers/flows/turns.py): a turn that nears its time budget returns a checkpoint and the STANDARD
# machine invokes the validator again from there (workflow/turns.py), at most MAX_CONTINUATIONS times
# after the first turn; past that the file is FAILED (TooManyContinuations). A gzip turn inflates the
# file again from its start up to its checkpoint, so turn k re-reads k turns' worth: the total is
# O(turns^2) decompression; 20 continuations of ~870 s cover many times MaxFileBytes at the measured
# rates, and keep the loop's history (about 120 events a turn at every retry, output/worstcase.md) small.
MAX_CONTINUATIONS: Final = 20
