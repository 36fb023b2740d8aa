"""JSON paths into the state data, built from the names in handlers/seams/shapes.py (never retyped here).

So a renamed entry key, status or result key changes the handlers and the ASL together; the seams tests
(tests/unit/seams) walk the rendered definition against those shapes.
"""

from __future__ import annotations

from typing import Final

from handlers.seams.shapes import BATCH_RECORDS, BATCH_REVIEW_SOURCE, BATCH_SOURCE, KEY_ITEM, RESULT_MANIFEST

# A per-record iteration's input: {"record": <manifest entry>, "source": ..., "review_source": ...}
# (the child's ItemSelector builds it from the batch).
RECORD_KEY: Final = "record"
RECORD: Final = f"$.{RECORD_KEY}"
# The batch's provenance, as the child's input and each iteration's input carry it.
SOURCE: Final = f"$.{BATCH_SOURCE}"
REVIEW_SOURCE: Final = f"$.{BATCH_REVIEW_SOURCE}"
RECORDS: Final = f"$.{BATCH_RECORDS}"
# A per-record iteration's `{"_pipeline_source": {"M": {bucket, key, version_id, record_index}}}`,
# built by the record Map's ItemSelector from the batch's item_source and the entry's index.
SOURCE_ATTRIBUTE_KEY: Final = "source_attribute"
# The item to put: the entry's item with that `_pipeline_source` (a replayed record's entry item has its
# own, with replay_of, which wins: JsonMerge keeps the second object's members).
STORED_ITEM: Final = f"States.JsonMerge($.{SOURCE_ATTRIBUTE_KEY}, {RECORD}.{KEY_ITEM}, false)"
# Where the parent keeps the validator's result.
VALIDATION_KEY: Final = "validation"
VALIDATION: Final = f"$.{VALIDATION_KEY}"
MANIFEST: Final = f"{VALIDATION}.{RESULT_MANIFEST}"


def entry(key: str) -> str:
    """The path of one manifest entry key inside a per-record iteration, e.g. `$.record.status`."""
    return f"{RECORD}.{key}"


def validation(key: str) -> str:
    """The path of one validator result key in the parent's state, e.g. `$.validation.batches`."""
    return f"{VALIDATION}.{key}"


def manifest(key: str) -> str:
    """The path of one manifest location key, e.g. `$.validation.manifest.version_id`."""
    return f"{MANIFEST}.{key}"
