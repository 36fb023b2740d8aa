"""Table-driven: every fixture file under tests/fixtures/files/ and what the validator core makes of it."""

from __future__ import annotations

import pytest

from handlers.seams.settings import FILE_REASONS, REASON_CONFLICT, REASON_CONTRACT_VIOLATION, RECORD_REASONS

V, L = "valid", "large"
LINES = [1, 3, 5, 6]
LINES_OUTCOMES = [V, "unparseable_line", V, "missing_contact_info"]
REASON_OUTCOMES = [
    V,
    "not_an_object",
    "not_an_object",
    "missing_order_info",
    "missing_order_info",
    "missing_contact_info",
    "missing_contact_info",
    "missing_order_id",
    "missing_order_id",
    "missing_order_id",
    "reserved_attribute",
    "reserved_attribute",
    "too_deep",
    "invalid_value",
    "invalid_value",
    "invalid_value",
    "invalid_value",
    "invalid_value",
    "too_large",
    "unparseable_line",
    "unparseable_line",
    "unparseable_line",
    V,
    "too_deep",
    "duplicate_member",
]
HUGE = [V, "invalid_value", "invalid_value", "not_an_object", "missing_contact_info"]
HUGE += ["invalid_value", "invalid_value", V]
UNSAFE = [V, L, L, L, "missing_contact_info", "missing_contact_info", "invalid_value", "unparseable_line"]
UNSAFE += [V, L]

# file -> (per-record outcome, per-record line or None for documents)
ACCEPTED = {
    "object.json": ([V], None),
    "object.json.gz": ([V], None),
    "array.json": ([V, V, "missing_contact_info"], None),
    "array.json.gz": ([V, V, "missing_contact_info"], None),
    "bom_array.json": ([V, V, "missing_contact_info"], None),
    "orders.json": ([V, "not_an_object"], None),
    "orders.json.gz": ([V, "not_an_object"], None),
    "orders_not_first.json": ([V], None),
    "orders_trailing_member.json": ([V], None),
    "empty_array.json": ([], None),
    "empty_orders.json": ([], None),
    "lines.jsonl": (LINES_OUTCOMES, LINES),
    "lines.jsonl.gz": (LINES_OUTCOMES, LINES),
    "lines.ndjson": (LINES_OUTCOMES, LINES),
    "lines_detected.json": (LINES_OUTCOMES, LINES),
    "bom_lines.jsonl.gz": (LINES_OUTCOMES, LINES),
    "gzip_two_members.jsonl": ([V, V], [1, 2]),
    "reasons.jsonl.gz": (REASON_OUTCOMES, list(range(1, len(REASON_OUTCOMES) + 1))),
    "numbers.json": ([V], None),
    "huge_numbers.jsonl": (HUGE, list(range(1, len(HUGE) + 1))),
    "huge_numbers_array.json": (HUGE, None),
    "sqs_unsafe.jsonl": (UNSAFE, list(range(1, len(UNSAFE) + 1))),
}

REJECTED = {
    "empty.json": "empty_file",
    "whitespace.json": "empty_file",
    "empty.json.gz": "empty_file",
    "not_utf8.json": "not_utf8",
    "not_utf8_late.jsonl": "not_utf8",
    "not_json.json": "not_json",
    "not_json_nan.json": "not_json",
    "extra_data.json": "not_json",
    "truncated_array.json": "truncated",
    "truncated_object.json": "truncated",
    "too_deep.json.gz": "too_deep",
    "too_deep_object.json.gz": "too_deep",
    "scalar.json": "unsupported_top_level",
    "string.json": "unsupported_top_level",
    "orders_not_array.json": "unsupported_top_level",
    "orders_with_record_keys.json": "unsupported_top_level",
    "corrupt.json.gz": "corrupt_gzip",
    "truncated_gzip.json": "corrupt_gzip",
    "too_many_rejections.jsonl.gz": "too_many_rejections",
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_accepted_file_yields_one_entry_per_record(run_file, name):
    # GIVEN an accepted fixture file
    expected, lines = ACCEPTED[name]
    # WHEN the core validates it
    outcome = run_file(name)
    # THEN each record has its expected outcome, index and line, and the counts add up
    assert outcome.rejection is None
    assert outcome.outcomes() == expected
    assert [e["index"] for e in outcome.entries] == list(range(len(expected)))
    assert [e["line"] for e in outcome.entries] == (lines or [None] * len(expected))
    summary = outcome.summary
    assert summary.records == len(expected) == summary.valid + summary.large + summary.invalid
    assert summary.valid == expected.count(V)
    assert summary.batches == len(outcome.batches)


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_rejected_file_commits_nothing(run_file, name):
    # GIVEN a fixture file that must be rejected whole
    # WHEN the core validates it
    outcome = run_file(name)
    # THEN the reason is the expected one and no manifest became visible
    assert outcome.rejection is not None
    assert outcome.rejection.reason == REJECTED[name]
    assert outcome.manifest.aborted and outcome.manifest.committed is None


def test_the_tables_cover_every_reason_code():
    # GIVEN the reason codes of the contract
    # WHEN the fixture tables are collected
    seen_records = {outcome for expected, _ in ACCEPTED.values() for outcome in expected}
    # element_too_large: test_handlers_streaming.py; file_too_large: test_handlers_limits.py (2 GiB)
    seen_files = set(REJECTED.values()) | {"element_too_large", "file_too_large"}
    # THEN every record code but conflict (two records: test_handlers_conflicts.py) and contract_violation
    # (a rule only a user's contract adds: test_handlers_rules.py) and every file code appears
    assert set(RECORD_REASONS) - {REASON_CONFLICT, REASON_CONTRACT_VIOLATION} <= seen_records
    assert set(FILE_REASONS) == seen_files
