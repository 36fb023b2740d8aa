"""One child execution (EXPRESS) per manifest batch: an inline Map over its records.

Child input: `{"batch": k, "source": <exact source>, "review_source": <SQS-safe source>, "records":
[<entry>, ...]}` (docs/CONTRACT.md): `source` goes into stored items, `review_source` into reviews.
The child's output is only the batch number, so the parent's aggregated Map result stays tiny.
"""

from __future__ import annotations

from handlers.throughput import RECORD_CONCURRENCY
from workflow import names
from workflow.records import build_record_processor
from workflow.sdk import InlineMap


def build_batch_processor() -> InlineMap:
    """The child graph: a single inline Map whose iterations route one record each."""
    store_batch = InlineMap(
        names.STORE_BATCH,
        items_path="$.records",
        item_selector={
            "record.$": "$$.Map.Item.Value",
            "source.$": "$.source",
            "review_source.$": "$.review_source",
        },
        max_concurrency=RECORD_CONCURRENCY,
        result_path=None,
        output_path="$.batch",
    )
    store_batch.attach_processor(build_record_processor())
    return store_batch
