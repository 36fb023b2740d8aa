"""Per-file CloudWatch metrics as Embedded Metric Format (EMF) documents on stdout: no API call, stdlib only.

Lambda sends stdout to CloudWatch Logs, which extracts the metrics from each JSON line carrying `_aws`
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
The documents hold counts and codes, and the file document also what the validator's per-file log line
said on its own line before (message, bucket, object key, counts: never record content or names) as members no
directive names. The specification allows them ("The root node MAY contain any other members that are
not included in the requirements above", their values valid JSON; page above): CloudWatch keeps them in
the log event and makes no metric of them. One line per file instead of two: CloudWatch Logs bills
every byte it ingests.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

NAMESPACE = "SalesPipeline"
# Dimension values: the validator function's name (one stack's metrics apart from another's), the reason.
FUNCTION_DIMENSION = "FunctionName"
REASON_DIMENSION = "Reason"

# Metric names (API: the dashboard and the rejection-ratio alarm read them, resources/monitoring.py).
RECORDS = "Records"  # records read from an accepted file
VALID_RECORDS = "ValidRecords"  # of which valid (inline and claim-checked): to be stored
REJECTED_RECORDS = "RejectedRecords"  # of which rejected; per Reason in its own documents
FILE_REJECTIONS = "FileRejections"  # 1 per file rejected whole; per Reason in its own document
FILES = "Files"  # 1 per file validated (accepted or rejected)
BYTES = "Bytes"  # the object's size as stored in S3 (compressed when gzip)
DURATION = "ValidationDuration"  # milliseconds from GetObject to the validator's result

UNITS = {
    RECORDS: "Count",
    VALID_RECORDS: "Count",
    REJECTED_RECORDS: "Count",
    FILE_REJECTIONS: "Count",
    FILES: "Count",
    BYTES: "Bytes",
    DURATION: "Milliseconds",
}
# Members a document carries for the metrics: a log property must not take one of these names.
_RESERVED = frozenset({*UNITS, FUNCTION_DIMENSION, REASON_DIMENSION, "_aws"})
FILE_METRICS = (FILES, RECORDS, VALID_RECORDS, REJECTED_RECORDS, FILE_REJECTIONS, BYTES, DURATION)
REASON_METRICS = (REJECTED_RECORDS, FILE_REJECTIONS)


@dataclass(frozen=True)
class FileMetrics:
    """What the validator measured for one file. `file_rejected_reason` set: the file was rejected whole
    (its records are not counted: the pipeline did not take the file)."""

    size_bytes: int
    duration_ms: float
    records: int = 0
    valid: int = 0
    rejected_by_reason: Mapping[str, int] = field(default_factory=dict)
    file_rejected_reason: str | None = None


def _document(timestamp_ms: int, dimensions: dict[str, str], values: dict[str, float]) -> dict[str, Any]:
    directive = {
        "Namespace": NAMESPACE,
        "Dimensions": [sorted(dimensions)],
        "Metrics": [{"Name": name, "Unit": UNITS[name]} for name in values],
    }
    return {"_aws": {"Timestamp": timestamp_ms, "CloudWatchMetrics": [directive]}, **dimensions, **values}


def documents(
    measured: FileMetrics,
    *,
    function_name: str,
    timestamp_ms: int,
    properties: Mapping[str, str | int | bool | None] | None = None,
) -> list[dict[str, Any]]:
    """One document for the file (dimension FunctionName) and one per rejection reason (+ Reason).

    `properties`: the file's log fields (message, bucket, key, counts), members of the file document.
    """
    clash = sorted(set(properties or {}) & _RESERVED)
    if clash:
        raise ValueError(f"log properties {clash} would overwrite the document's metrics or dimensions")
    rejected = 0 if measured.file_rejected_reason else sum(measured.rejected_by_reason.values())
    base = {FUNCTION_DIMENSION: function_name}
    found = [
        dict(properties or {})
        | _document(
            timestamp_ms,
            base,
            {
                FILES: 1,
                RECORDS: 0 if measured.file_rejected_reason else measured.records,
                VALID_RECORDS: 0 if measured.file_rejected_reason else measured.valid,
                REJECTED_RECORDS: rejected,
                FILE_REJECTIONS: 1 if measured.file_rejected_reason else 0,
                BYTES: measured.size_bytes,
                DURATION: round(measured.duration_ms, 3),
            },
        )
    ]
    if measured.file_rejected_reason:
        reasons = {measured.file_rejected_reason: (FILE_REJECTIONS, 1)}
    else:
        reasons = {r: (REJECTED_RECORDS, n) for r, n in sorted(measured.rejected_by_reason.items()) if n}
    for reason, (metric, count) in reasons.items():
        found.append(_document(timestamp_ms, {**base, REASON_DIMENSION: reason}, {metric: count}))
    return found


def emit(found: list[dict[str, Any]]) -> None:
    """One JSON line per document on stdout (print, not logging: the runtime's log prefix breaks EMF)."""
    for document in found:
        sys.stdout.write(json.dumps(document, separators=(",", ":"), sort_keys=True) + "\n")
    sys.stdout.flush()
