"""Every whole-file rejection is exactly one review message, and nothing is stored."""

from __future__ import annotations

import pytest

from .conftest import Pipeline, assert_no_loss

pytestmark = pytest.mark.e2e

CASES = [
    ("empty", ".json", b"", "empty_file"),
    ("latin1", ".json", '[{"order-info": {"order_id": "Zo\u00eb"}}]'.encode("latin-1"), "not_utf8"),
    ("prose", ".json", b"hello, this is not json", "not_json"),
    ("truncated", ".json", b'[{"order-info": {"order_id": "1", "item": "Laptop"', "truncated"),
    ("deep", ".json", b"[" * 100_000 + b"]" * 100_000, "too_deep"),
    ("scalar", ".json", b'"just a string"', "unsupported_top_level"),
    ("corrupt", ".json.gz", b"\x1f\x8b\x08\x00 definitely not deflate", "corrupt_gzip"),
]


@pytest.mark.parametrize(("name", "suffix", "body", "reason"), CASES, ids=[c[0] for c in CASES])
def test_whole_file_rejection_is_one_review_message(
    pipeline: Pipeline, uid: str, name: str, suffix: str, body: bytes, reason: str
) -> None:
    target, result = pipeline.run(f"{name}-{uid}{suffix}", body)
    assert_no_loss(result, records=None)
    [review] = result.reviews
    assert review["reason"] == reason and result.reasons == [reason]
    assert review["file_rejected"] is True
    assert review["source"]["key"] == target.key and review["source"]["version_id"] == target.version_id
    assert review["record"] is review["record_item"] is review["record_pointer"] is None
