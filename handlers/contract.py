"""Names and limits shared by the handlers, the state machine and the template (see docs/CONTRACT.md)."""

from __future__ import annotations

WORKING_PREFIX = "_pipeline/"
WORK_PREFIX = WORKING_PREFIX + "work/"
CLAIMS_PREFIX = WORKING_PREFIX + "claims/"
MANIFEST_NAME = "batches.manifest"
CLAIM_SUFFIX = ".record"

ACCEPTED_SUFFIXES = (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz")
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")

REVIEW_SCHEMA = "sales-pipeline.review/1"

HASH_ATTRIBUTE = "_pipeline_hash"
SOURCE_ATTRIBUTE = "_pipeline_source"
RESERVED_PREFIX = "_pipeline"
KEY_ATTRIBUTE = "order_id"

# Step Functions payload limit is 262,144 bytes; a batch (and so a child's input) stays under this.
BATCH_MAX_BYTES = 200_000
BATCH_MAX_RECORDS = 100
# A record entry bigger than this travels as a claim check (S3 pointer) instead of inline.
INLINE_RECORD_MAX_BYTES = 190_000
# DynamoDB limits.
ITEM_MAX_BYTES = 400 * 1024
MAX_NESTING_DEPTH = 32
# One JSON value larger than this is not parsed (memory stays bounded): whole-file rejection.
ELEMENT_MAX_BYTES = 64 * 1024 * 1024

PUT_CONDITION = "attribute_not_exists(order_id) OR #hash = :hash"

ORDERS_TABLE_ENV = "ORDERS_TABLE"
