"""Numbers no Decimal holds, numbers and attribute names DynamoDB refuses: each one rejected record."""

from __future__ import annotations

import json

import pytest
from handlers_testkit import source_for

from handlers.core.classify import Valid, classify
from handlers.core.dynamojson import BAD_NUMBER, LONG_NAME, convert_record, storable
from handlers.core.textbuffer import DECODER
from handlers.values.jsonnumbers import HugeNumber
from tests.builders import order_text, valid_order

HUGE = "1e99999999999999999999"
RECORD = '{"order-info": {"order_id": "H-1"}, "contact-info": {}, "n": %s}'
VALID = order_text(valid_order("ok-1"))

# The same three records (valid, huge number, valid) in every file form the validator reads.
FORMS = {
    "array.json": "[" + VALID + "," + RECORD % HUGE + "," + VALID + "]",
    "orders.json": '{"orders": [' + VALID + "," + RECORD % HUGE + "," + VALID + "]}",
    "wrapper_late.json": '{"batch": 1, "orders": [' + VALID + "," + RECORD % HUGE + "," + VALID + "]}",
    "lines.jsonl": VALID + "\n" + RECORD % HUGE + "\n" + VALID + "\n",
    "lines_detected.json": VALID + "\n" + RECORD % HUGE + "\n" + VALID + "\n",
}


@pytest.mark.parametrize("key", sorted(FORMS))
@pytest.mark.parametrize("chunk_bytes", [3, 1024 * 1024])
def test_a_number_no_decimal_holds_is_one_invalid_value_record(run_data, key, chunk_bytes):
    # GIVEN a file holding a number whose exponent is beyond the decimal module (in each file form)
    # WHEN validated
    outcome = run_data(FORMS[key].encode(), key, chunk_bytes=chunk_bytes)
    # THEN the file is accepted and that record alone is rejected as invalid_value
    assert outcome.rejection is None
    assert outcome.outcomes() == ["valid", "invalid_value", "valid"]
    review = outcome.entries[1]["review"]
    assert review["message"] == BAD_NUMBER and review["order_id"] == "H-1"
    # AND its review carries the raw text through a claim check, never the value
    assert review["record"] is None
    assert outcome.claims.read(review["record_pointer"]) == (RECORD % HUGE).encode()


def test_the_single_object_form_too(run_data):
    # GIVEN one record as the whole file, with a huge negative exponent
    text = RECORD % "-2.5E-99999999999999999999"
    # WHEN validated
    outcome = run_data(text.encode(), "one.json")
    # THEN it is one invalid_value record
    assert outcome.outcomes() == ["invalid_value"]


def test_the_parser_keeps_the_text_of_a_number_it_cannot_hold():
    # GIVEN huge exponents of both signs, and a decimal the module still holds
    value = DECODER.decode("[1e99999999999999999999, -1E-99999999999999999999, 1e999999999999999999]")
    # THEN the first two are markers holding their text exactly; the last is an ordinary Decimal
    assert [type(v).__name__ for v in value] == ["HugeNumber", "HugeNumber", "Decimal"]
    assert value[0].text == "1e99999999999999999999" and value[1].text == "-1E-99999999999999999999"


# (number text, DynamoDB stores it): the exact edges of 1E-130 .. 9.99...E+125 and 38 digits.
NINES_38 = "9." + "9" * 37
EDGES = [
    ("0", True),
    ("-0.0", True),
    ("1E-130", True),
    ("-1E-130", True),
    ("9." + "9" * 37 + "E-131", False),
    ("-9." + "9" * 37 + "E-131", False),
    ("1E-131", False),
    ("1E-150", False),  # subnormal in boto3's context: passed before
    ("1E-165", False),
    (NINES_38 + "E+125", True),
    ("-" + NINES_38 + "E+125", True),
    ("1E+126", False),  # within boto3's Emax=126: passed before
    ("-1E+126", False),
    ("9.99E+126", False),
    ("1" * 38, True),
    ("1" * 39, False),
    ("0." + "1" * 38, True),
    ("0." + "1" * 39, False),
    ("1.2345678901234567890123456789012345678E-130", True),
    ("0E-131", False),  # a zero written with an exponent DynamoDB's range lacks: refused (conservative)
    (HUGE, False),
]


@pytest.mark.parametrize(("text", "stored"), EDGES)
def test_number_range_and_precision_follow_dynamodb_at_the_exact_edges(text, stored):
    # GIVEN a valid record holding one number at (or just past) a DynamoDB limit, nested in a list
    record = DECODER.decode(RECORD.replace('"n": %s', f'"n": [{text}]'))
    # WHEN classified
    result = classify(record, source=source_for("k.json"), index=0)
    # THEN it is valid exactly when DynamoDB stores the number, else invalid_value
    if stored:
        assert isinstance(result, Valid)
        assert result.item["n"]["L"][0]["N"] == text
    else:
        assert not isinstance(result, Valid)
        assert (result.reason, result.message) == ("invalid_value", BAD_NUMBER)


def test_storable_numbers_as_parsed():
    # GIVEN ints and Decimals as the parser makes them
    parsed = DECODER.decode("[17, 99999999999999999999999999999999999999, 1e125, 1e126, 1.0E-130]")
    # THEN the predicate agrees with DynamoDB's rule
    assert [storable(v) for v in parsed] == [True, True, True, False, True]
    assert isinstance(DECODER.decode(HUGE), HugeNumber)


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("a" * 65_535, True),
        ("a" * 65_536, False),
        ("é" * 32_767 + "a", True),  # 65,535 UTF-8 bytes
        ("é" * 32_768, False),  # 65,536 UTF-8 bytes, 32,768 characters
    ],
    ids=["ascii-65535-bytes", "ascii-65536-bytes", "utf8-65535-bytes", "utf8-65536-bytes"],  # not the names
)
@pytest.mark.parametrize("where", ["top", "nested", "in_list"])
def test_attribute_names_longer_than_65535_utf8_bytes_are_invalid_at_any_level(name, valid, where):
    # GIVEN an attribute name at DynamoDB's limit or one byte over, at the top level or nested
    record: dict = valid_order("n-1")
    if where == "top":
        record[name] = 1
    elif where == "nested":
        record["contact-info"] = {"deeper": {name: 1}}
    else:
        record["list"] = [{"x": [{name: "v"}]}]
    # WHEN classified
    result = classify(record, source=source_for("k.json"), index=0)
    # THEN the name over 65,535 bytes makes the record invalid_value with its own sentence
    if valid:
        assert isinstance(result, Valid)
    else:
        assert not isinstance(result, Valid)
        assert (result.reason, result.message) == ("invalid_value", LONG_NAME)


def test_a_huge_number_is_written_back_as_its_text_in_the_canonical_form():
    # GIVEN a record with a marker (the conversion must not raise on it either)
    converted = convert_record(DECODER.decode(f'{{"n": {HUGE}}}'))
    # THEN the conversion reports it and keeps its text
    assert converted.invalid == BAD_NUMBER
    assert converted.attributes["n"] == {"N": HUGE}
    assert json.loads(converted.canonical, parse_float=str) == {"n": HUGE}
