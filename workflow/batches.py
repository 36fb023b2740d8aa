"""One child execution (EXPRESS) per manifest batch: an inline Map over its records.

Child input: `{"batch": k, "source": <exact source>, "review_source": <SQS-safe source>, "records":
[<entry>, ...]}` (docs/CONTRACT.md): `source` goes into stored items, `review_source` into reviews.
The child's output is only the batch number, so the parent's aggregated Map result stays tiny.
"""

from __future__ import annotations

from handlers.shapes import BATCH_NUMBER, BATCH_REVIEW_SOURCE, BATCH_SOURCE
from handlers.throughput import RECORD_CONCURRENCY
from workflow import names
from workflow.paths import RECORD_KEY, RECORDS, REVIEW_SOURCE, SOURCE
from workflow.records import build_record_processor
from workflow.sdk import InlineMap


def build_batch_processor() -> InlineMap:
    """The child graph: a single inline Map whose iterations route one record each."""
    store_batch = InlineMap(
        names.STORE_BATCH,
        items_path=RECORDS,
        item_selector={
            f"{RECORD_KEY}.$": "$$.Map.Item.Value",
            f"{BATCH_SOURCE}.$": SOURCE,
            f"{BATCH_REVIEW_SOURCE}.$": REVIEW_SOURCE,
        },
        max_concurrency=RECORD_CONCURRENCY,
        result_path=None,
        output_path=f"$.{BATCH_NUMBER}",
    )
    store_batch.attach_processor(build_record_processor())
    return store_batch
