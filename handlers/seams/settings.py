"""Names and limits shared by the handlers, the state machine and the template (see docs/seams.md)."""

from __future__ import annotations

WORKING_PREFIX = "_pipeline/"
WORK_PREFIX = WORKING_PREFIX + "work/"
CLAIMS_PREFIX = WORKING_PREFIX + "claims/"
MANIFEST_NAME = "batches.manifest"
CLAIM_SUFFIX = ".claims"

ACCEPTED_SUFFIXES = (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz")
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")

REVIEW_SCHEMA = "sales-pipeline.review/3"

HASH_ATTRIBUTE = "_pipeline_hash"
SOURCE_ATTRIBUTE = "_pipeline_source"
RESERVED_PREFIX = "_pipeline"
KEY_ATTRIBUTE = "order_id"

# Objects up to this size (bytes as stored, from the S3 event's detail.object.size) take the
# small-file lane (handlers/flows/inline.py); the EventBridge rules split on it (resources/events.py). A 64
# KiB
# upload holds ~100-300 typical orders: one manifest batch.
SMALL_FILE_MAX_BYTES = 64 * 1024
# Batch sizes and concurrency: handlers/seams/throughput.py.
# Claim-check bodies are appended to one "claim pack" object per CLAIM_PACK_BYTES (read back by byte
# range), so S3 requests grow with claimed bytes, not with claimed records. Manifest entries that wait
# for their pack's version are bounded by the same number of bytes.
CLAIM_PACK_BYTES = 8 * 1024 * 1024
# DynamoDB limits.
ITEM_MAX_BYTES = 400 * 1024
MAX_NESTING_DEPTH = 32
# One JSON value larger than this is not parsed (memory stays bounded): whole-file rejection. 32 MiB,
# not 64: a value of ASCII that ends in one astral character becomes a str of 4
# bytes a character when its window is joined, and it is parsed into as large a str again: at 64 MiB
# that peaked at 527 MB, over the validator's 512 MB bound (docs/handlers-measurements.md).
ELEMENT_MAX_BYTES = 32 * 1024 * 1024

# A put never replaces an item: the first record of an order_id keeps its `_pipeline_source` (the item
# names the file that wrote it, whoever sends the same record again). A failed condition is then an
# identical re-put (same `_pipeline_hash`: counted as a duplicate, nothing written) or a conflict.
PUT_CONDITION = "attribute_not_exists(order_id)"

ORDERS_TABLE_ENV = "ORDERS_TABLE"
# Per-file limits (validator environment, from template parameters): past either, the file is rejected whole.
MAX_REJECTED_RECORDS_ENV = "MAX_REJECTED_RECORDS"
DEFAULT_MAX_REJECTED_RECORDS = 1000
MAX_FILE_BYTES_ENV = "MAX_FILE_BYTES"
DEFAULT_MAX_FILE_BYTES = 2 * 1024**3
# Days the file ledger keeps a DONE item (template parameter LedgerRetentionDays; 0 = keep forever).
LEDGER_RETENTION_DAYS_ENV = "LEDGER_RETENTION_DAYS"
DEFAULT_LEDGER_RETENTION_DAYS = 0
SECONDS_PER_DAY = 86_400
# The validator stops (ValidationTimeBudgetExceeded) when less than this is left of its invocation: time
# to abort the manifest upload and return a named error before Lambda's hard timeout.
VALIDATION_TIME_MARGIN_MS = 30_000
# Examples of rejected records carried by a too_many_rejections review (no record content).
REJECTION_EXAMPLES = 5

# Reason codes (docs/reference.md "Reason codes"). Record reasons, in the order the validator checks them.
REASON_TOO_DEEP = "too_deep"
REASON_NOT_AN_OBJECT = "not_an_object"
REASON_MISSING_ORDER_INFO = "missing_order_info"
REASON_MISSING_CONTACT_INFO = "missing_contact_info"
REASON_MISSING_ORDER_ID = "missing_order_id"
# A rule of the record contract (handlers/record_contract.json) other than the four above.
REASON_CONTRACT_VIOLATION = "contract_violation"
REASON_RESERVED_ATTRIBUTE = "reserved_attribute"
REASON_INVALID_VALUE = "invalid_value"
REASON_TOO_LARGE = "too_large"
REASON_UNPARSEABLE_LINE = "unparseable_line"
# A member name given twice in one object (I-JSON): JSON parsers disagree on which one wins.
REASON_DUPLICATE_MEMBER = "duplicate_member"
REASON_CONFLICT = "conflict"
RECORD_REASONS = (
    REASON_TOO_DEEP,
    REASON_NOT_AN_OBJECT,
    REASON_MISSING_ORDER_INFO,
    REASON_MISSING_CONTACT_INFO,
    REASON_MISSING_ORDER_ID,
    REASON_CONTRACT_VIOLATION,
    REASON_RESERVED_ATTRIBUTE,
    REASON_INVALID_VALUE,
    REASON_TOO_LARGE,
    REASON_UNPARSEABLE_LINE,
    REASON_DUPLICATE_MEMBER,
    REASON_CONFLICT,
)
# File reasons (whole-file rejection: one review message, no record stored).
REASON_EMPTY_FILE = "empty_file"
REASON_NOT_UTF8 = "not_utf8"
REASON_NOT_JSON = "not_json"
REASON_TRUNCATED = "truncated"
REASON_UNSUPPORTED_TOP_LEVEL = "unsupported_top_level"
REASON_CORRUPT_GZIP = "corrupt_gzip"
REASON_ELEMENT_TOO_LARGE = "element_too_large"
REASON_TOO_MANY_REJECTIONS = "too_many_rejections"
REASON_FILE_TOO_LARGE = "file_too_large"
FILE_REASONS = (
    REASON_EMPTY_FILE,
    REASON_NOT_UTF8,
    REASON_NOT_JSON,
    REASON_TRUNCATED,
    REASON_TOO_DEEP,
    REASON_UNSUPPORTED_TOP_LEVEL,
    REASON_CORRUPT_GZIP,
    REASON_ELEMENT_TOO_LARGE,
    REASON_TOO_MANY_REJECTIONS,
    REASON_FILE_TOO_LARGE,
)
# DynamoDB's limit on a string partition key (UTF-8 bytes).
KEY_MAX_BYTES = 2048

# The file ledger's item (statuses, lanes, attribute names): handlers/seams/ledgeritem.py.
# The watchdog's environment (template: resources/watchdog.py).
FILE_LEDGER_TABLE_ENV = "FILE_LEDGER_TABLE"
REDRIVE_STATE_MACHINE_ENV = "REDRIVE_STATE_MACHINE_ARN"
MAX_REDRIVES_ENV = "MAX_REDRIVES"
DEFAULT_MAX_REDRIVES = 3

# Uploads under this prefix are replays of corrected records (handlers/core/replay.py); only the operators
# named in ReplayWriterArns may write there (resources/storage.py).
REPLAY_PREFIX = "replay/"
