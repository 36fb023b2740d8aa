"""Which pipeline sources and ledger keys name an uploaded object (no emulator needed)."""

from __future__ import annotations

from emulator.outcome import Upload

VERSIONED = Upload(key="in/orders\uffff.json", version_id="v1", etag="e1")


def test_a_source_names_the_object_by_key_and_version() -> None:
    assert VERSIONED.names({"key": "in/orders\uffff.json", "version_id": "v1"})
    assert not VERSIONED.names({"key": "in/orders\uffff.json", "version_id": "v2"})
    assert not VERSIONED.names({"key": "in/other.json", "version_id": "v1"})
    assert not VERSIONED.names(None)


def test_a_review_source_with_a_json_escaped_key_names_the_object() -> None:
    # The review source of a key SQS refuses carries the key's ASCII JSON escape (review/2).
    escaped = {"key": "in/orders\\uffff.json", "key_encoding": "json-escaped", "version_id": "v1"}
    assert VERSIONED.names(escaped)
    assert not VERSIONED.names({**escaped, "key_encoding": None})
    assert not Upload(key="in/orders\\uffff.json", version_id="v1", etag="e").names(escaped)


def test_file_id_is_the_ledger_key() -> None:
    assert VERSIONED.file_id("bucket") == "bucket/in/orders\uffff.json#v1"
    assert Upload(key="k.json", version_id=None, etag="abc").file_id("b") == "b/k.json#abc"
