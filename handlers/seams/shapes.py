"""The shapes the state machine and the Lambda code share: manifest, events, results and error names.

The handlers build these dicts with the constants below; the ASL (workflow/) builds its JSON paths,
Choice values and Catch/Retry error names from the same constants; tests/unit/seams walks the rendered
definition against the TypedDicts. Renaming a status, a key or an exception class in one place is
therefore enough, and a disagreement fails a unit test (stdlib only: this folder is the Lambda zip).
"""

from __future__ import annotations

from typing import Any, Final, TypedDict

from handlers.seams.errors import (
    ClaimMismatch,
    ConfigurationError,
    OrderConflict,
    SourceNotFound,
    TransientError,
)
from handlers.seams.model import Pointer, Source

# Manifest entry statuses: the per-record Choice (RouteRecord) routes on these values.
STATUS_VALID: Final = "valid"
STATUS_LARGE: Final = "large"
STATUS_INVALID: Final = "invalid"
ENTRY_STATUSES: Final = (STATUS_VALID, STATUS_LARGE, STATUS_INVALID)
# The statuses an inline batch holds (small-file lane): the validator hands a file with a large
# (claim-checked) record to the large lane instead (handlers/flows/inline.py).
INLINE_ENTRY_STATUSES: Final = (STATUS_VALID, STATUS_INVALID)

# Manifest entry keys (also the store-large event's, which forwards an entry's pointer/hash/index).
KEY_STATUS: Final = "status"
KEY_INDEX: Final = "index"
KEY_LINE: Final = "line"
KEY_ORDER_ID: Final = "order_id"
KEY_HASH: Final = "hash"
KEY_ITEM: Final = "item"
KEY_POINTER: Final = "pointer"
KEY_REVIEW: Final = "review"

# Per-record outcomes: every per-record path ends with {"outcome": ...} (+ "reason" when rejected);
# each batch counts them for the file ledger (stored + duplicate + rejected = the batch's records).
KEY_OUTCOME: Final = "outcome"
KEY_OUTCOME_REASON: Final = "reason"
OUTCOME_STORED: Final = "stored"
OUTCOME_DUPLICATE: Final = "duplicate"
OUTCOME_REJECTED: Final = "rejected"
OUTCOMES: Final = (OUTCOME_STORED, OUTCOME_DUPLICATE, OUTCOME_REJECTED)

# Batch keys: one batch is one child execution's input.
BATCH_NUMBER: Final = "batch"
BATCH_SOURCE: Final = "source"
BATCH_REVIEW_SOURCE: Final = "review_source"
BATCH_RECORDS: Final = "records"
# The members of `_pipeline_source` every item of the batch shares (DynamoDB JSON: bucket, key,
# version_id), written once per batch; each record's item carries it with its own record_index, added
# by the per-record state that puts the item (a replayed record's entry keeps its whole source).
BATCH_ITEM_SOURCE: Final = "item_source"
# Added to a batch by the parent's ItemSelector (ChildInput): {"file_id", "execution_arn"}.
BATCH_LEDGER: Final = "ledger"
CHILD_LEDGER_FILE_ID: Final = "file_id"
CHILD_LEDGER_EXECUTION_ARN: Final = "execution_arn"

# Validator result keys (the parent keeps the result in its state data: counts and pointers only).
RESULT_FILE_REJECTED: Final = "file_rejected"
RESULT_RECORDS: Final = "records"
RESULT_VALID: Final = "valid"
RESULT_LARGE: Final = "large"
RESULT_INVALID: Final = "invalid"
RESULT_BATCHES: Final = "batches"
RESULT_MANIFEST: Final = "manifest"
RESULT_REASON: Final = "reason"
RESULT_REVIEW: Final = "review"
# The counts of an accepted file that the ledger keeps (records = valid + large + invalid).
RESULT_COUNTS: Final = (RESULT_RECORDS, RESULT_VALID, RESULT_LARGE, RESULT_INVALID)
# An accepted file's budget of conflicts with other files' stored records (found at store time):
# MAX_REJECTED_RECORDS minus the records the validator rejected. Past it the conflict breaker trips.
RESULT_MAX_CONFLICTS: Final = "max_conflicts"
# An accepted file's rejected records per reason code ({reason: n}, zeros left out; sums to invalid).
RESULT_REJECTED_BY_REASON: Final = "rejected_by_reason"
# Per contract rule ({rule key: n}, handlers/core/rules.py): the small lane's inline result, before the
# validator turns it into the ledger's attribute (LEDGER_REJECTED_BY_RULE).
RESULT_REJECTED_BY_RULE: Final = "rejected_by_rule"
# DynamoDB attribute values for the ledger item (handlers/flows/ledger.py): `expires_at` (N, or NULL when
# kept forever) in every result that ends a file, `rejected_by_reason` (M) for an accepted file.
RESULT_LEDGER: Final = "ledger"
LEDGER_EXPIRES_AT: Final = "expires_at"
LEDGER_REJECTED_BY_REASON: Final = "rejected_by_reason"
# Rejected records per contract rule (its key, handlers/core/rules.py), the top ones and `other`
# (handlers/flows/ledger.py).
LEDGER_REJECTED_BY_RULE: Final = "rejected_by_rule"

# The small-file lane (handlers/flows/inline.py, workflow/express.py): its ValidateFile adds EVENT_INLINE
# true to the validator's event, and every result it gets back says whether the file is handed off.
EVENT_INLINE: Final = "inline"
RESULT_HANDOFF: Final = "handoff"
# Why (a reason of handlers/flows/inline.py, or the caught error's name): kept on the ledger item too.
RESULT_HANDOFF_REASON: Final = "handoff_reason"
# An accepted inline file's one manifest batch (a Batch), or null for a file without records.
RESULT_BATCH: Final = "batch"

# Where an object is (the manifest location in a result; the validator event's first two keys).
LOCATION_BUCKET: Final = "bucket"
LOCATION_KEY: Final = "key"
LOCATION_VERSION_ID: Final = "version_id"
SOURCE_ETAG: Final = "etag"

# Store-large event keys besides the entry's.
EVENT_SOURCE: Final = "source"

# Error names as a Catch/Retry matches them: a Lambda's error name is its exception class's name.
ERROR_ORDER_CONFLICT: Final = OrderConflict.__name__
ERROR_TRANSIENT: Final = TransientError.__name__
ERROR_SOURCE_NOT_FOUND: Final = SourceNotFound.__name__
ERROR_CLAIM_MISMATCH: Final = ClaimMismatch.__name__
ERROR_CONFIGURATION: Final = ConfigurationError.__name__
# Every error a Lambda of this pipeline raises on purpose (FileRejected never leaves the validator).
LAMBDA_ERRORS: Final = (
    ERROR_ORDER_CONFLICT,
    ERROR_TRANSIENT,
    ERROR_SOURCE_NOT_FOUND,
    ERROR_CLAIM_MISMATCH,
    ERROR_CONFIGURATION,
)


class ValidEntry(TypedDict):
    """An entirely SQS-safe valid record small enough to travel inline. Its `item` has no
    `_pipeline_source` (the batch's `item_source` and the entry's index give it), except a replayed
    record's, whose source has a per-record `replay_of`."""

    status: str
    index: int
    line: int | None
    order_id: str
    hash: str
    item: dict[str, Any]


class LargeEntry(TypedDict):
    """A valid record that travels as a claim check (too big inline, or not SQS-safe)."""

    status: str
    index: int
    line: int | None
    order_id: str | None
    hash: str
    pointer: Pointer


class InvalidEntry(TypedDict):
    """A rejected record and its review message (SQS-safe by construction)."""

    status: str
    index: int
    line: int | None
    review: dict[str, Any]


class Batch(TypedDict):
    batch: int
    source: Source
    review_source: dict[str, Any]
    item_source: dict[str, Any]
    records: list[ValidEntry | LargeEntry | InvalidEntry]


class ChildLedger(TypedDict):
    file_id: str
    execution_arn: str


class ChildInput(Batch):
    """A batch child's input: the manifest batch plus, from the parent's ItemSelector, the file's
    ledger item and the parent execution (the child adds its outcome counts there) and the file's
    conflict budget (the validator's max_conflicts: workflow/breaker.py)."""

    ledger: ChildLedger
    max_conflicts: int


# The validator's event: where the uploaded object is.
ValidatorEvent = Source


class ManifestLocation(TypedDict):
    bucket: str
    key: str
    version_id: str | None


class LedgerAttributes(TypedDict, total=False):
    expires_at: dict[str, Any]
    rejected_by_reason: dict[str, Any]
    rejected_by_rule: dict[str, Any]


class AcceptedResult(TypedDict):
    file_rejected: bool
    records: int
    valid: int
    large: int
    invalid: int
    batches: int
    manifest: ManifestLocation
    rejected_by_reason: dict[str, int]
    max_conflicts: int
    ledger: LedgerAttributes


class RejectedResult(TypedDict):
    file_rejected: bool
    records: None
    reason: str
    review: dict[str, Any]
    ledger: LedgerAttributes


class InlineEvent(Source):
    """The small-file lane's validator event: the object, and `inline` true."""

    inline: bool


class InlineResult(TypedDict):
    """An accepted file of the small-file lane: the counts and its one batch inline, no manifest."""

    file_rejected: bool
    handoff: bool
    records: int
    valid: int
    large: int
    invalid: int
    batches: int
    batch: Batch | None
    rejected_by_reason: dict[str, int]
    # The file's conflict budget (workflow/breaker.py).
    max_conflicts: int
    ledger: LedgerAttributes


class HandOffResult(TypedDict):
    """A file the small-file lane hands to the large one (the validator's, or DescribeHandoff's)."""

    file_rejected: bool
    handoff: bool
    handoff_reason: str
    records: None


class InlineRejectedResult(RejectedResult):
    """A file rejected in the small-file lane: the large lane's rejection, not handed off."""

    handoff: bool


class SplitResult(TypedDict):
    """A large-lane file the validator splits (handlers/flows/ranges.py): its ranges only; the combining step
    returns an AcceptedResult or a RejectedResult (with `validations`, the ranges validated)."""

    file_rejected: bool
    records: None
    batches: int
    ranges: list[dict[str, int]]


class TurnResult(TypedDict, total=False):
    """A turn of a file validated by continuation (handlers/flows/turns.py): the turns' part pointers, and
    the checkpoint to continue from unless it was the last turn; the combining step then returns an
    AcceptedResult or a RejectedResult (with `validations`, the turns)."""

    file_rejected: bool
    records: None
    batches: int
    parts: list[dict[str, Any]]
    checkpoint: dict[str, Any]


class StoreLargeEvent(TypedDict):
    pointer: Pointer
    hash: str
    index: int
    source: Source


ENTRY_SHAPES: Final[dict[str, type]] = {
    STATUS_VALID: ValidEntry,
    STATUS_LARGE: LargeEntry,
    STATUS_INVALID: InvalidEntry,
}
