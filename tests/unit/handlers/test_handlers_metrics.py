"""The validator's Embedded Metric Format documents, checked against the format's specification."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import boto3
import jsonschema
import pytest
from moto import mock_aws

from handlers import validator
from handlers.adapters import metrics

# The EMF specification's structure ("Embedded metric format specification", CloudWatch User Guide):
# a root object with `_aws` metadata holding an integer millisecond Timestamp and CloudWatchMetrics
# directives; each directive a Namespace (1-1024 chars), DimensionSets (arrays of up to 30 dimension
# names, 1-250 chars each) and up to 100 MetricDefinitions (Name 1-1024 chars, Unit from the list below).
UNITS = [
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
    "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
    "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
    "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
]  # fmt: skip
EMF_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["_aws"],
    "properties": {
        "_aws": {
            "type": "object",
            "required": ["Timestamp", "CloudWatchMetrics"],
            "properties": {
                "Timestamp": {"type": "integer", "minimum": 0},
                "LogGroupName": {"type": "string", "minLength": 1},
                "CloudWatchMetrics": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["Namespace", "Dimensions", "Metrics"],
                        "properties": {
                            "Namespace": {"type": "string", "minLength": 1, "maxLength": 1024},
                            "Dimensions": {
                                "type": "array",
                                "items": {
                                    "type": "array",
                                    "maxItems": 30,
                                    "items": {"type": "string", "minLength": 1, "maxLength": 250},
                                },
                            },
                            "Metrics": {
                                "type": "array",
                                "maxItems": 100,
                                "items": {
                                    "type": "object",
                                    "required": ["Name"],
                                    "properties": {
                                        "Name": {"type": "string", "minLength": 1, "maxLength": 1024},
                                        "Unit": {"type": "string", "enum": UNITS},
                                        "StorageResolution": {"type": "integer", "enum": [1, 60]},
                                    },
                                },
                            },
                        },
                    },
                },
            },
        }
    },
}


def assert_emf(document: dict[str, Any]) -> None:
    """The schema, and the specification's member rules the schema cannot state: every dimension
    named is a string member of the root (1-1024 chars), every metric named is a numeric member."""
    jsonschema.validate(document, EMF_SCHEMA)
    json.dumps(document, allow_nan=False)  # a JSON document: no NaN or Infinity
    for directive in document["_aws"]["CloudWatchMetrics"]:
        for dimension_set in directive["Dimensions"]:
            for name in dimension_set:
                assert isinstance(document.get(name), str) and 0 < len(document[name]) <= 1024, name
        for metric in directive["Metrics"]:
            value = document.get(metric["Name"])
            assert isinstance(value, int | float) and not isinstance(value, bool), metric["Name"]


def metric_values(document: dict[str, Any]) -> dict[str, Any]:
    [directive] = document["_aws"]["CloudWatchMetrics"]
    return {m["Name"]: document[m["Name"]] for m in directive["Metrics"]}


def test_an_accepted_file_gives_one_file_document_and_one_per_reason() -> None:
    # GIVEN a file of 10 records, 7 valid, 2 missing_order_id and 1 unparseable line
    measured = metrics.FileMetrics(
        size_bytes=1234,
        duration_ms=56.7891,
        records=10,
        valid=7,
        rejected_by_reason={"missing_order_id": 2, "unparseable_line": 1},
    )

    # WHEN it is measured
    documents = metrics.documents(measured, function_name="stack-Validator-1", timestamp_ms=1_700_000_000_000)

    # THEN each document is valid EMF, and the counts are per file and per reason
    for document in documents:
        assert_emf(document)
    file_document, *per_reason = documents
    assert file_document["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["FunctionName"]]
    assert file_document["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "SalesPipeline"
    assert metric_values(file_document) == {
        "Files": 1,
        "Records": 10,
        "ValidRecords": 7,
        "RejectedRecords": 3,
        "FileRejections": 0,
        "Bytes": 1234,
        "ValidationDuration": 56.789,
    }
    assert [(d["Reason"], metric_values(d)) for d in per_reason] == [
        ("missing_order_id", {"RejectedRecords": 2}),
        ("unparseable_line", {"RejectedRecords": 1}),
    ]
    assert all(
        d["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["FunctionName", "Reason"]] for d in per_reason
    )


def test_a_rejected_file_counts_one_file_rejection_with_its_reason_and_no_records() -> None:
    measured = metrics.FileMetrics(size_bytes=9, duration_ms=1.0, file_rejected_reason="not_json")

    file_document, reason_document = metrics.documents(measured, function_name="f", timestamp_ms=1)

    assert_emf(file_document)
    assert_emf(reason_document)
    assert metric_values(file_document)["FileRejections"] == 1
    assert metric_values(file_document)["Records"] == metric_values(file_document)["RejectedRecords"] == 0
    assert reason_document["Reason"] == "not_json"
    assert metric_values(reason_document) == {"FileRejections": 1}


def test_the_checker_refuses_what_the_specification_refuses() -> None:
    # GIVEN documents that break the specification in one way each (so assert_emf can fail)
    good = metrics.documents(
        metrics.FileMetrics(size_bytes=1, duration_ms=1), function_name="f", timestamp_ms=1
    )[0]
    broken = [
        {k: v for k, v in good.items() if k != "Records"},  # a metric without its member
        {k: v for k, v in good.items() if k != "FunctionName"},  # a dimension without its member
        {**good, "_aws": {**good["_aws"], "Timestamp": "now"}},
        {**good, "_aws": {"CloudWatchMetrics": good["_aws"]["CloudWatchMetrics"]}},
        {**good, "Records": "10"},
    ]
    unit = json.loads(json.dumps(good))
    unit["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"] = "Records"
    broken.append(unit)
    for document in broken:
        with pytest.raises((AssertionError, jsonschema.ValidationError)):
            assert_emf(document)


def test_log_properties_ride_in_the_file_document_and_cannot_overwrite_a_metric() -> None:
    """Failure class: a log field named like a metric or dimension silently changing what CloudWatch
    extracts (the file document carries the log line's fields since the cost cuts)."""
    measured = metrics.FileMetrics(size_bytes=5, duration_ms=1.0, records=1, valid=1)
    line = {"message": "file validated inline", "bucket": "b", "key": "incoming/a.jsonl", "handoff": False}

    file_document, *others = metrics.documents(measured, function_name="f", timestamp_ms=1, properties=line)

    assert_emf(file_document)
    assert {k: file_document[k] for k in line} == line and others == []
    assert metric_values(file_document)["Records"] == 1
    for name in ("Records", "FunctionName", "Reason", "_aws"):
        with pytest.raises(ValueError, match=name):
            metrics.documents(measured, function_name="f", timestamp_ms=1, properties={name: "x"})


def test_the_validator_prints_the_documents_on_stdout(
    monkeypatch: pytest.MonkeyPatch, capsys: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN a bucket with a file of one valid and one rejected record
    for name, value in {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "t",
        "AWS_SECRET_ACCESS_KEY": "t",
    }.items():
        monkeypatch.setenv(name, value)
    body = (
        b'{"order-info": {"order_id": "1"}, "contact-info": {"email": "secret@example.com"}}\n'
        b'{"order-info": {"order_id": "2"}}\n'
    )
    with mock_aws():
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="uploads")
        s3.put_object(Bucket="uploads", Key="two.jsonl", Body=body)

        # WHEN the validator runs as a function named by its context
        context = SimpleNamespace(function_name="stack-ValidatorFunction-X")
        validator.handler(
            {"bucket": "uploads", "key": "two.jsonl", "version_id": None, "etag": None}, context
        )

    # THEN stdout holds one EMF JSON line per document, with no record content
    printed = capsys.readouterr().out
    documents = [json.loads(line) for line in printed.splitlines() if line.startswith("{")]
    for document in documents:
        assert_emf(document)
    assert metric_values(documents[0]) | {"ValidationDuration": 0} == {
        "Files": 1,
        "Records": 2,
        "ValidRecords": 1,
        "RejectedRecords": 1,
        "FileRejections": 0,
        "Bytes": len(body),
        "ValidationDuration": 0,
    }
    assert documents[1]["Reason"] == "missing_contact_info"
    assert {d["FunctionName"] for d in documents} == {"stack-ValidatorFunction-X"}
    # AND the file's log line rides in the file document (the cost cuts: one line per file, not two): the
    # bucket, key and counts it said, never record content; the per-reason documents carry no key
    assert {k: documents[0][k] for k in ("message", "bucket", "key", "records", "valid", "invalid")} == {
        "message": "file validated",
        "bucket": "uploads",
        "key": "two.jsonl",
        "records": 2,
        "valid": 1,
        "invalid": 1,
    }
    assert "secret@example.com" not in printed and "two.jsonl" not in json.dumps(documents[1:])
    assert not [r for r in caplog.records if "file validated" in r.getMessage()]
