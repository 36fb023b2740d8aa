"""Records: exact numbers, unicode and nesting into DynamoDB JSON; review messages; the canonical hash."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import pytest
from boto3.dynamodb.types import TypeDeserializer
from handlers_testkit import FIXTURE_FILES, source_for

from handlers.core.classify import KEY_TOO_LONG, MESSAGES, Valid, classify
from handlers.core.dynamojson import BAD_NUMBER, BAD_STRING, EMPTY_NAME, convert_record, number_size
from handlers.core.pipeline import LINE_MESSAGES
from handlers.seams.settings import HASH_ATTRIBUTE, KEY_ATTRIBUTE, REVIEW_SCHEMA, SOURCE_ATTRIBUTE
from tests.builders import CONTACT_INFO, order_without, valid_order

# 33 levels of nesting: one more than DynamoDB allows.
DEEP = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
ADDED = {KEY_ATTRIBUTE, HASH_ATTRIBUTE, SOURCE_ATTRIBUTE}
SENTENCES = (
    set(MESSAGES.values()) | set(LINE_MESSAGES.values()) | {BAD_NUMBER, BAD_STRING, EMPTY_NAME, KEY_TOO_LONG}
)


def parse_exact(text: str) -> object:
    return json.loads(text, parse_float=Decimal)


def test_numbers_unicode_and_nesting_survive_exactly(run_file):
    # GIVEN a record with floats, 1e40, -0.0, 38 digits, unicode, escapes, nested maps and lists
    text = (FIXTURE_FILES / "numbers.json").read_text("utf-8")
    # WHEN it is validated
    item = run_file("numbers.json").entries[0]["item"]
    # THEN the DynamoDB item deserialises to exactly the record as parsed with parse_float=Decimal
    own = {name: TypeDeserializer().deserialize(value) for name, value in item.items() if name not in ADDED}
    assert own == parse_exact(text)
    # AND numbers keep their exact decimal text (equality alone would let -0.0 == 0 and 0.1 drift)
    numbers = {name: value["N"] for name, value in item["order-info"]["M"].items() if "N" in value}
    assert numbers == {
        "price": "0.1",
        "big": "1E+40",
        "negzero": "-0.0",
        "tiny": "1.5E-130",
        "digits38": "12345678901234567890123456789012345678",
        "int": "-17",
        "frac": "123.4500",
    }
    contact = item["contact-info"]["M"]
    assert contact["name"] == {"S": "Zoë 山田"}
    assert contact["emoji"] == contact["raw"] == {"S": "😀"}
    assert contact["empty"] == {"S": ""}
    assert item["nothing"] == {"NULL": True} and item["flag"] == {"BOOL": True}
    assert item["extra"]["M"]["list"]["L"][2] == {"L": [{"N": "3.0"}, {"M": {"four": {"NULL": True}}}]}


def test_item_carries_key_hash_and_source():
    # GIVEN a valid record read as record 7 of a versioned object
    record = parse_exact('{"order-info": {"order_id": "42", "p": 1.50}, "contact-info": {"n": "Zoë"}}')
    # WHEN it is classified
    result = classify(record, source=source_for("k.json"), index=7)
    # THEN the item has the key, the canonical hash (sorted keys, no spaces, UTF-8, exact numbers) and source
    assert isinstance(result, Valid)
    canonical = '{"contact-info":{"n":"Zoë"},"order-info":{"order_id":"42","p":1.50}}'
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert result.hash == digest
    assert result.item[KEY_ATTRIBUTE] == {"S": "42"}
    assert result.item[HASH_ATTRIBUTE] == {"S": digest}
    assert result.item[SOURCE_ATTRIBUTE] == {
        "M": {
            "bucket": {"S": "uploads"},
            "key": {"S": "k.json"},
            "version_id": {"S": "v1"},
            "record_index": {"N": "7"},
        }
    }


def test_hash_ignores_key_order_and_whitespace_but_not_number_text():
    # GIVEN the same record written twice differently, and once with 1.5 instead of 1.50
    a = parse_exact('{"order-info": {"order_id": "1", "p": 1.50}, "contact-info": {}}')
    b = parse_exact('{ "contact-info" : { } , "order-info" : { "p" : 1.50 , "order_id" : "1" } }')
    c = parse_exact('{"order-info": {"order_id": "1", "p": 1.5}, "contact-info": {}}')
    # WHEN each is classified
    hashes = [classify(r, source=source_for("k"), index=0).hash for r in (a, b, c)]  # type: ignore[union-attr]
    # THEN formatting does not change the hash, a different number text does
    assert hashes[0] == hashes[1] != hashes[2]


@pytest.mark.parametrize(
    ("text", "expected_size"),
    [
        ('{"ab": "xyz"}', 2 + 3),
        ('{"a": "é"}', 1 + 2),
        ('{"a": 12345}', 1 + 4),
        ('{"a": 100}', 1 + 2),
        ('{"a": null, "b": true}', 1 + 1 + 1 + 1),
        ('{"a": [1, "x"]}', 1 + 3 + (2 + 1) + (1 + 1)),
        ('{"a": {"bc": "d"}}', 1 + 3 + (2 + 1 + 1)),
    ],
)
def test_item_size_follows_dynamodb_rules(text, expected_size):
    # GIVEN attributes of each kind
    # WHEN the record is converted
    converted = convert_record(parse_exact(text))  # type: ignore[arg-type]
    # THEN names + values count, numbers ~ digits/2 + 1, containers 3 bytes + 1 per element
    assert converted.size == expected_size


def test_number_size_ignores_sign_exponent_and_outer_zeros():
    assert [number_size(t) for t in ("0", "-7", "1E+40", "0.0012", "123.4500")] == [1, 2, 2, 2, 4]


def test_invalid_records_carry_one_reason_a_fixed_sentence_and_exactly_one_body(run_file):
    # GIVEN the file with one line per record reason code
    outcome = run_file("reasons.jsonl.gz")
    reviews = [e["review"] for e in outcome.entries if e["status"] == "invalid"]
    assert reviews
    for review in reviews:
        # THEN each review message follows the schema and never quotes record content
        assert review["schema"] == REVIEW_SCHEMA and review["file_rejected"] is False
        assert review["message"] in SENTENCES
        assert review["source"] == source_for("reasons.jsonl.gz")
        assert review["record_item"] is None
        assert (review["record"] is None) != (review["record_pointer"] is None)


def test_deep_oversized_and_unrepresentable_records_travel_as_their_raw_text(run_file):
    # GIVEN the reason-code file
    outcome = run_file("reasons.jsonl.gz")
    lines = {e["line"]: e for e in outcome.entries}
    raw_lines = __import__("gzip").decompress((FIXTURE_FILES / "reasons.jsonl.gz").read_bytes()).split(b"\n")
    for entry in outcome.entries:
        review = entry.get("review")
        if review and review["reason"] in {"too_deep", "invalid_value", "too_large"}:
            # THEN the body is a claim check holding the line exactly as received
            pointer = review["record_pointer"]
            assert pointer["bucket"] == "uploads"
            assert pointer["key"].startswith("_pipeline/claims/") and pointer["key"].endswith("/0.claims")
            assert outcome.claims.read(pointer) == raw_lines[entry["line"] - 1]
    # AND an unparseable line is carried inline as its text; a parsed invalid record as parsed
    assert lines[20]["review"]["record"] == '{"order-info": {"order_id": "U-1"'
    assert lines[6]["review"]["record"] == {"order-info": {"order_id": "C-3"}}
    assert lines[6]["review"]["order_id"] == "C-3" and lines[20]["review"]["order_id"] is None


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        # earlier checks win: a too-deep record without contact-info is too_deep
        (
            order_without(CONTACT_INFO, "1", x=DEEP),
            "too_deep",
        ),
        (order_without(CONTACT_INFO, "1", _pipeline_x=1), "missing_contact_info"),
        (valid_order("", _pipeline_x=1), "missing_order_id"),
        (valid_order("1", order_id="1"), "valid"),
        (valid_order("1", order_id=1), "reserved_attribute"),
        (valid_order("1", _pipeline=Decimal("1e999")), "reserved_attribute"),
        (valid_order("1", n=Decimal("1e999"), s="x" * 500_000), "invalid_value"),
        # Byte-exact limits: the smallest valid record, so the boundary is the documented arithmetic.
        # 409,600 bytes = 196 bytes of names, maps, key, hash and source (k.json, v1, index 0) + the string
        ({"order-info": {"order_id": "1"}, "contact-info": {}, "s": "x" * 409_404}, "valid"),
        ({"order-info": {"order_id": "1"}, "contact-info": {}, "s": "x" * 409_405}, "too_large"),
        ({"order-info": {"order_id": "1"}, "contact-info": {}, "s": "é" * 204_702}, "valid"),
        ({"order-info": {"order_id": "1"}, "contact-info": {}, "s": "é" * 204_703}, "too_large"),
    ],
)
def test_checks_run_in_the_documented_order(record, reason):
    # GIVEN a record failing several checks (or sitting at a limit)
    # WHEN it is classified
    result = classify(record, source=source_for("k.json"), index=0)
    # THEN the first check in the documented order decides
    assert (result.reason if not isinstance(result, Valid) else "valid") == reason
