"""One child execution (EXPRESS) per manifest batch: an inline Map over its records.

Child input: `{"batch": k, "source": <exact source>, "review_source": <SQS-safe source>, "records":
[<entry>, ...]}` (docs/CONTRACT.md): `source` goes into stored items, `review_source` into reviews.
The child's output is only the batch number, so the parent's aggregated Map result stays tiny.
"""

from __future__ import annotations

from handlers.shapes import BATCH_NUMBER, BATCH_RECORDS, BATCH_REVIEW_SOURCE, BATCH_SOURCE
from handlers.throughput import RECORD_CONCURRENCY
from workflow import names
from workflow.paths import RECORD_KEY
from workflow.records import build_record_processor
from workflow.sdk import InlineMap


def record_map(state_id: str, *, batch_path: str, output_path: str | None = None) -> InlineMap:
    """An inline Map routing every entry of the manifest batch at `batch_path` with the one per-record
    graph (workflow/records.py): used by the batch children and by the small-file lane alike."""
    store = InlineMap(
        state_id,
        items_path=f"{batch_path}.{BATCH_RECORDS}",
        item_selector={
            f"{RECORD_KEY}.$": "$$.Map.Item.Value",
            f"{BATCH_SOURCE}.$": f"{batch_path}.{BATCH_SOURCE}",
            f"{BATCH_REVIEW_SOURCE}.$": f"{batch_path}.{BATCH_REVIEW_SOURCE}",
        },
        max_concurrency=RECORD_CONCURRENCY,
        result_path=None,
        **({"output_path": output_path} if output_path else {}),
    )
    store.attach_processor(build_record_processor())
    return store


def build_batch_processor() -> InlineMap:
    """The child graph: a single inline Map whose iterations route one record each."""
    return record_map(names.STORE_BATCH, batch_path="$", output_path=f"$.{BATCH_NUMBER}")
