"""Review messages never hold a character SQS refuses: predicate, sources, records."""

from __future__ import annotations

import json
from typing import Any

from handlers_testkit import run_bytes, source_for
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.core.reviewmessages import file_review
from handlers.core.reviewsafe import raw_is_sqs_safe, review_source
from handlers.core.textbuffer import DECODER
from handlers.seams.settings import REVIEW_SCHEMA
from handlers.values.sqssafe import KEY_ENCODING, is_sqs_safe

BOUNDED = settings(derandomize=True, max_examples=300, deadline=None)
# Code points at and around every edge of SQS's allowed set, and anywhere in the code space.
EDGES = [0x0, 0x8, 0x9, 0xA, 0xB, 0xC, 0xD, 0xE, 0x1F, 0x20, 0x7F, 0xD7FF, 0xD800, 0xDBFF, 0xDC00, 0xDFFF]
EDGES += [0xE000, 0xFFFD, 0xFFFE, 0xFFFF, 0x10000, 0x10FFFF]
code_points = st.one_of(st.sampled_from(EDGES), st.integers(0, 0x10FFFF))
texts = st.lists(code_points, max_size=12).map(lambda points: "".join(map(chr, points)))


def sqs_allows(text: str) -> bool:
    """SQS's rule written independently: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF."""
    for char in text:
        point = ord(char)
        if not (
            point in (0x9, 0xA, 0xD)
            or 0x20 <= point <= 0xD7FF
            or 0xE000 <= point <= 0xFFFD
            or 0x10000 <= point <= 0x10FFFF
        ):
            return False
    return True


@BOUNDED
@given(texts)
def test_the_predicate_agrees_with_sqs_rule(text):
    # GIVEN any text, edges of the allowed ranges included
    # THEN the validator's predicate says exactly what SQS's rule says
    assert is_sqs_safe(text) == sqs_allows(text)


def strings_of(value: Any) -> list[str]:
    """Every string in a JSON value: names and values."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for name, member in value.items() for s in [name, *strings_of(member)]]
    if isinstance(value, list):
        return [s for member in value for s in strings_of(member)]
    return []


def assert_reviews_are_sqs_safe(batches: list[dict[str, Any]]) -> None:
    """Every text a review can carry: invalid entries' reviews, and what a conflict review takes from a
    valid (order_id, item) or large (order_id, pointer) entry, with the batch's review_source."""
    for batch in batches:
        assert all(sqs_allows(s) for s in strings_of(batch["review_source"]))
        for entry in batch["records"]:
            carried = entry["review"] if entry["status"] == "invalid" else entry
            bad = [s for s in strings_of(carried) if not sqs_allows(s)]
            assert not bad, (entry["status"], entry["index"])


hostile = st.one_of(texts, st.sampled_from(["\uffff", "\ufffe", "\ud800", "\x00", "ok", "\x0b", "\udc00x"]))
# An S3 key is UTF-8: any character but a lone surrogate.
key_texts = hostile.map(lambda text: "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF))


@st.composite
def hostile_records(draw: st.DrawFn) -> str:
    """One JSON Lines line: a valid or invalid record with hostile text in names, values and order_id."""
    order_id = draw(st.one_of(hostile, st.just("plain")))
    record: dict[str, Any] = {"order-info": {"order_id": order_id}}
    if draw(st.booleans()):
        record["contact-info"] = {draw(hostile): draw(hostile)}
    if draw(st.booleans()):
        record["extra"] = [draw(hostile), {draw(hostile): [draw(hostile)]}]
    line = json.dumps(record)  # ASCII: lone surrogates and controls travel as \u escapes
    if draw(st.integers(0, 5)) == 0:
        line = line[: draw(st.integers(1, len(line) - 1))]  # an unparseable line (raw text reviewed)
    elif draw(st.booleans()):
        line = (
            json.dumps(record, ensure_ascii=False).encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        )
    return line


@BOUNDED
@given(st.lists(hostile_records(), min_size=1, max_size=8), key_texts)
def test_every_review_text_in_a_manifest_of_hostile_records_is_sqs_safe(lines, key_text):
    # GIVEN records with characters SQS refuses anywhere (and a hostile S3 key)
    data = ("\n".join(lines) + "\n").encode("utf-8")
    # WHEN validated
    outcome = run_bytes(data, f"in/{key_text}.jsonl", max_rejected=100)
    # THEN every record has one entry, and no text a review can carry holds a refused character
    assert outcome.rejection is None
    assert [e["index"] for e in outcome.entries] == list(range(len(lines)))
    assert_reviews_are_sqs_safe(outcome.batches)


def test_the_fixture_of_unsafe_records_names_no_unsafe_order_id(run_file):
    # GIVEN records whose order_id, names, values or raw text hold characters SQS refuses
    outcome = run_file("sqs_unsafe.jsonl")
    by_line = {e["line"]: e for e in outcome.entries}
    # THEN a valid one travels as `large` (pointer), with its order id only when that is safe
    assert by_line[2]["status"] == "large" and by_line[2]["order_id"] == "S-1"
    assert by_line[4]["status"] == "large" and by_line[4]["order_id"] is None
    assert (
        outcome.claims.read(by_line[4]["pointer"]).decode()
        == '{"order-info": {"order_id": "S-2\ufffe"}, "contact-info": {}}'
    )
    # AND an invalid one is reviewed through a pointer, order_id null when unsafe
    for line, order_id in ((5, "S-3"), (6, None), (7, "S-5"), (8, None)):
        review = by_line[line]["review"]
        assert review["record"] is None and review["record_pointer"] is not None
        assert review["order_id"] == order_id
    # AND a safe record (a valid surrogate pair is one character) stays inline
    assert by_line[9]["status"] == "valid"
    assert_reviews_are_sqs_safe(outcome.batches)


def test_an_unsafe_s3_key_is_escaped_in_every_review_and_valid_items_become_claims(run_data):
    # GIVEN an upload whose key holds U+FFFF, with one valid and one invalid record
    key = "in/orders\uffff.jsonl"
    data = b'{"order-info": {"order_id": "k-1"}, "contact-info": {}}\n{"order-info": {"order_id": "k-2"}}\n'
    # WHEN validated
    outcome = run_data(data, key)
    batch = outcome.batches[0]
    # THEN the batch keeps the exact source (provenance of stored items) and adds the review source
    assert batch["source"] == source_for(key)
    assert batch["review_source"] == {
        **source_for(key),
        "key": "in/orders\\uffff.jsonl",
        "key_encoding": KEY_ENCODING,
    }
    # AND the review carries the review source; the valid record (its item holds the key) is `large`
    assert outcome.entries[1]["review"]["source"] == batch["review_source"]
    assert outcome.entries[0]["status"] == "large" and outcome.entries[0]["order_id"] == "k-1"
    assert_reviews_are_sqs_safe(outcome.batches)


def test_a_safe_key_is_the_review_source_unchanged():
    # GIVEN a key with non-ASCII but allowed characters
    source = source_for("in/Zoë 山田 😀.json")
    # THEN the review source is the source, with no key_encoding
    assert review_source(source) == source


def test_review_schema_3_fields():
    # GIVEN a file review
    review = file_review(reason="not_json", message="m", source=review_source(source_for("k\x00.json")))
    # THEN it is schema /3, not minimal, with no rejections summary or violations, and an SQS-safe source
    assert review["schema"] == REVIEW_SCHEMA == "sales-pipeline.review/3"
    assert review["violations"] is None and review["violations_omitted"] == 0
    assert review["minimal"] is False and review["rejections"] is None
    assert review["source"]["key"] == "k\\u0000.json" and review["source"]["key_encoding"] == "json-escaped"


@BOUNDED
@given(st.dictionaries(hostile, st.one_of(hostile, st.lists(hostile, max_size=3)), max_size=4), st.booleans())
def test_the_raw_text_shortcut_agrees_with_a_walk_of_every_string(record, ascii_only):
    # GIVEN a record written as JSON text, with escapes or with literal characters
    text = json.dumps(record, ensure_ascii=ascii_only)
    try:
        text.encode("utf-8")
        value = DECODER.decode(text)  # strict JSON, as the reader parses
    except (UnicodeEncodeError, ValueError):
        return  # not a text the reader can produce (a lone surrogate as UTF-8, a raw control character)
    # WHEN the validator decides from its raw text whether all its strings are SQS-safe
    # THEN it agrees with SQS's rule applied to every name and value
    assert raw_is_sqs_safe(text, value) == all(sqs_allows(s) for s in strings_of(value))
