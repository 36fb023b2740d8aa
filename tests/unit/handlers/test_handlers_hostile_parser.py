"""Hostile input to the reader: chunk boundaries in numbers, limits in bytes, the orders
wrapper in any member order, gzip padding, the inflated-size limit, and problems reported in byte order."""

from __future__ import annotations

import gzip
import io
import zlib

import pytest
from handlers_testkit import FIXTURE_FILES

from handlers.core.decoding import CHUNK_BYTES, text_chunks
from handlers.seams.errors import FileRejected
from tests.builders import order_text, valid_order

V = "valid"
RECORD = order_text(valid_order("N-1"))


def outcome_of(result):
    """("rejected", reason) or ("accepted", per-record outcomes)."""
    if result.rejection is not None:
        return ("rejected", result.rejection.reason)
    return ("accepted", tuple(result.outcomes()))


# --- a read boundary inside a bare number ---------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "text", "expected"),
    [
        ("a.json", "[12.5]", ["not_an_object"]),
        ("a.json", "[1e5, -0.5E-3]", ["not_an_object", "not_an_object"]),
        ("a.json", f"[{RECORD}, 1.5e+3]", [V, "not_an_object"]),
        ("o.json", f'{{"orders": [{RECORD}], "rate": 12.5}}', [V]),
        ("o.json", f'{{"orders": [{RECORD}], "scale": 1.5e+3, "n": 2E-7}}', [V]),
    ],
    ids=["array-decimal", "array-exponents", "array-record-then-number", "wrapper-member", "wrapper-members"],
)
def test_a_chunk_boundary_inside_a_number_does_not_change_the_outcome(run_data, key, text, expected):
    # GIVEN a valid file with bare numbers (as array elements or as extra wrapper members)
    data = text.encode()
    # WHEN it is read with every chunk size, so a boundary falls after each `.`, `e` and sign
    outcomes = {size: outcome_of(run_data(data, key, chunk_bytes=size)) for size in range(1, len(data) + 1)}
    # THEN every chunk size gives the file's one outcome
    assert set(outcomes.values()) == {("accepted", tuple(expected))}, outcomes


@pytest.mark.parametrize("tail", [".5]", "e5]", "E+5]", ".5e-5]"])
def test_the_default_1_mib_boundary_right_after_a_dot_or_e(run_data, tail):
    # GIVEN an array whose number `12.5` (or 12e5...) is split by the default 1 MiB read, right after
    # its `.` or `e` (the first read ends with `12.` / `12e`)
    head = "[" + " " * (CHUNK_BYTES - 4) + "12"
    data = (head + tail).encode()
    assert data[CHUNK_BYTES - 1 : CHUNK_BYTES] in (b".", b"e", b"E")
    # WHEN validated with the default chunk size
    result = run_data(data, "big.json")
    # THEN the file is accepted with its one (non-object) record
    assert outcome_of(result) == ("accepted", ("not_an_object",))


@pytest.mark.parametrize("tail", [".5", "e5", "E+5", ".5e-5"])
def test_a_boundary_after_the_dot_of_a_wrapper_member_beyond_the_wrapper_probe(run_data, tail):
    # GIVEN an orders wrapper with an extra numeric member far past its first 4 KiB
    head = f'{{"orders": [{RECORD}], "pad": "{"x" * 5000}", "rate": 12'
    data = (head + tail + "}").encode()
    # WHEN the first read ends right after the number's `.` or `e`
    result = run_data(data, "w.json", chunk_bytes=len(head) + 1)
    # THEN the wrapper's record is read, as with any other chunk size
    assert outcome_of(result) == ("accepted", (V,))


def test_a_top_level_number_split_after_its_dot_is_still_a_scalar(run_data):
    # GIVEN a scalar document split right after its `.`
    # WHEN read in 3-byte chunks
    result = run_data(b"12.5", "s.json", chunk_bytes=3)
    # THEN it is unsupported_top_level (as whole), not not_json
    assert outcome_of(result) == ("rejected", "unsupported_top_level")


# --- the orders wrapper in any member order -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f'{{"orders": [{RECORD}], "order-info": {{"order_id": "W"}}}}',
        f'{{"order-info": {{"order_id": "W"}}, "orders": [{RECORD}]}}',
        f'{{"orders": [{RECORD}], "contact-info": {{}}}}',
        f'{{"contact-info": {{}}, "orders": [{RECORD}]}}',
        '{"order-info": {"order_id": "W"}, "contact-info": {}, "orders": []}',
    ],
    ids=[
        "orders-then-order-info",
        "order-info-then-orders",
        "orders-then-contact-info",
        "contact-info-then-orders",
        "record-keys-then-empty-orders",
    ],
)
def test_a_wrapper_with_record_keys_is_unsupported_in_either_member_order(run_data, text):
    # GIVEN an orders wrapper that also has order-info or contact-info, in some member order
    # WHEN validated
    result = run_data(text.encode(), "w.json")
    # THEN it is unsupported_top_level (docs/reference.md's rule), never one stored record
    assert outcome_of(result) == ("rejected", "unsupported_top_level")


def test_a_wrapper_followed_by_more_lines_is_not_json_in_either_member_order(run_data):
    # GIVEN a wrapper as the first line of an unsuffixed file with more lines, orders first or not
    first = f'{{"orders": [{RECORD}], "batch": 1}}\n{RECORD}\n'
    second = f'{{"batch": 1, "orders": [{RECORD}]}}\n{RECORD}\n'
    # WHEN validated
    # THEN both are the same: extra data after the document
    assert outcome_of(run_data(first.encode(), "w.json")) == ("rejected", "not_json")
    assert outcome_of(run_data(second.encode(), "w.json")) == ("rejected", "not_json")


def test_fixture_wrapper_with_record_keys_first(run_file):
    # GIVEN the fixture with order-info before orders (its mirror is orders_with_record_keys.json)
    # WHEN validated
    # THEN unsupported_top_level, like its mirror
    assert outcome_of(run_file("orders_record_keys_first.json")) == ("rejected", "unsupported_top_level")
    assert outcome_of(run_file("orders_with_record_keys.json")) == ("rejected", "unsupported_top_level")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("orders_number_members.json", [V]),
        ("array_numbers.json", [V, "not_an_object", "not_an_object", "not_an_object", "not_an_object"]),
        ("gzip_zero_padding.json.gz", [V]),
    ],
)
def test_new_fixtures(run_file, name, expected):
    # GIVEN the hostile-input fixtures (numbers to split, gzip zero padding)
    # WHEN validated
    # THEN each record has its outcome
    assert outcome_of(run_file(name)) == ("accepted", tuple(expected))


# --- limits count UTF-8 bytes ------------------------------------------------------------------

WIDE = "\U0001f600"  # 4 bytes of UTF-8, 1 character


@pytest.mark.parametrize(
    ("key", "template"),
    [
        ("a.json", '[{"a": "%s"}]'),
        ("o.json", '{"a": "%s"}'),
        ("w.json", '{"orders": [{"a": "%s"}]}'),
        ("l.jsonl", '{"a": 1}\n{"a": "%s"}\n{"a": 2}\n'),
        ("l.jsonl", '{"a": 1}\n{"a": "%s"'),
    ],
)
@pytest.mark.parametrize("chunk_bytes", [7, 100, 4096])
def test_the_element_limit_counts_utf8_bytes_not_characters(run_data, key, template, chunk_bytes):
    # GIVEN a value of 300 four-byte characters: 300 characters, but 1,200 bytes of UTF-8
    data = (template % (WIDE * 300)).encode()
    # WHEN validated with the limit lowered to 1,000 bytes
    result = run_data(data, key, element_max=1000, chunk_bytes=chunk_bytes)
    # THEN the file is rejected as element_too_large at every chunk size
    assert outcome_of(result) == ("rejected", "element_too_large")


@pytest.mark.parametrize(
    ("key", "template"),
    [
        ("a.json", '[{"a": "%s"}]'),
        ("l.jsonl", '{"a": 1}\n{"a": "%s"}\n'),
        ("l.jsonl", '{"a": 1}\n{"a": "%s'),
    ],
)
@pytest.mark.parametrize("chunk_bytes", [7, 4096])
def test_the_element_limit_counts_memory_when_one_wide_character_widens_a_value(
    run_data, key, template, chunk_bytes
):
    # GIVEN a value of 300 ASCII characters and one emoji: 304 bytes of UTF-8, but Python holds it as
    # 4 bytes a character (about 1,200 bytes)
    data = (template % ("x" * 300 + WIDE)).encode()
    # WHEN validated with the limit lowered to 1,000
    result = run_data(data, key, element_max=1000, chunk_bytes=chunk_bytes)
    # THEN element_too_large: memory, not just UTF-8, is bounded
    assert outcome_of(result) == ("rejected", "element_too_large")


@pytest.mark.parametrize("key", ["a.json", "l.jsonl"])
def test_a_value_just_under_the_byte_limit_is_read(run_data, key):
    # GIVEN a value of 230 four-byte characters (920 bytes + its keys, under 1,000)
    text = '[{"a": "%s"}]' % (WIDE * 230) if key == "a.json" else '{"a": "%s"}\n' % (WIDE * 230)
    # WHEN validated in small chunks
    result = run_data(text.encode(), key, element_max=1000, chunk_bytes=9)
    # THEN it is one record (without order-info), not a rejection
    assert outcome_of(result) == ("accepted", ("missing_order_info",))


def test_a_long_jsonl_line_inside_one_chunk_is_still_too_large(run_data):
    # GIVEN a 2,000-byte line that arrives inside a single chunk, with its newline
    data = ('{"a": 1}\n{"a": "' + "x" * 2000 + '"}\n').encode()
    # WHEN validated with a chunk larger than the whole file, and with tiny chunks
    # THEN both reject it (before: only tiny chunks did)
    for size in (3, 1 << 16):
        assert outcome_of(run_data(data, "l.jsonl", element_max=1000, chunk_bytes=size)) == (
            "rejected",
            "element_too_large",
        )


def test_a_syntax_error_past_the_limit_is_too_large_at_every_chunk_size(run_data):
    # GIVEN a value whose syntax error is 1,500 bytes in, with a 1,000-byte limit
    data = ('[{"a": [' + "1," * 750 + "x]}]" + " " * 100).encode()
    # WHEN validated with chunks smaller and larger than the value
    outcomes = {outcome_of(run_data(data, "a.json", element_max=1000, chunk_bytes=n)) for n in (5, 999, 4096)}
    # THEN the parser needed more than the limit to find the error: element_too_large every time
    assert outcomes == {("rejected", "element_too_large")}


def test_nesting_past_the_limit_is_too_large_at_every_chunk_size(run_data):
    # GIVEN an element with 1,500 spaces and then 5,000 levels of nesting, with a 1,000-byte limit
    data = ("[[" + " " * 1500 + "[" * 5000 + "]" * 5002).encode()
    # WHEN validated with chunks smaller and larger than the value
    outcomes = {outcome_of(run_data(data, "a.json", element_max=1000, chunk_bytes=n)) for n in (7, 1 << 16)}
    # THEN element_too_large every time (the depth is only reached past the limit)
    assert outcomes == {("rejected", "element_too_large")}


# --- gzip: zero padding after the last member ----------------------------------------------------

GZ = gzip.compress(f"{RECORD}\n".encode(), mtime=0)


@pytest.mark.parametrize("padding", [1, 512, 100_000])
@pytest.mark.parametrize("chunk_bytes", [1, 5, CHUNK_BYTES])
def test_zero_padding_after_the_last_gzip_member_is_accepted(run_data, padding, chunk_bytes):
    # GIVEN a gzip file followed by zero bytes (as some writers pad; gzip -d and Python's gzip accept it)
    data = GZ + bytes(padding)
    assert gzip.decompress(data) == f"{RECORD}\n".encode()
    # WHEN validated
    result = run_data(data, "p.json.gz", chunk_bytes=chunk_bytes)
    # THEN its record is read
    assert outcome_of(result) == ("accepted", (V,))


@pytest.mark.parametrize(
    "data",
    [
        GZ + bytes(10) + GZ,  # gzip -d stops at the zeros (dropping the member), Python reads it: ambiguous
        GZ + bytes(10) + b"x",
        GZ + b"\x00\x01",
        GZ + b"garbage",
    ],
    ids=["second-member-after-zeros", "byte-after-zeros", "non-zero-padding", "garbage"],
)
@pytest.mark.parametrize("chunk_bytes", [1, CHUNK_BYTES])
def test_anything_but_zeros_after_the_last_member_is_corrupt(run_data, data, chunk_bytes):
    # GIVEN a gzip file with non-zero bytes after the padding, or garbage after the member
    # WHEN validated
    result = run_data(data, "p.json.gz", chunk_bytes=chunk_bytes)
    # THEN corrupt_gzip
    assert outcome_of(result) == ("rejected", "corrupt_gzip")


# --- problems are reported in byte order, whatever the chunk size --------------------------------


def test_a_syntax_error_before_invalid_utf8_wins_at_every_chunk_size(run_data):
    # GIVEN a syntax error early and an invalid UTF-8 byte later in the same file
    data = b'[{"a": 1} x' + b" " * 100 + b"\xff]"
    # WHEN validated with tiny chunks and with the default chunk
    outcomes = {outcome_of(run_data(data, "a.json", chunk_bytes=n)) for n in (*range(1, 65), CHUNK_BYTES)}
    # THEN the first problem in the file decides: not_json
    assert outcomes == {("rejected", "not_json")}


def test_a_syntax_error_before_gzip_corruption_wins_at_every_chunk_size(run_data):
    # GIVEN a gzip file whose text has an early syntax error and whose compressed data is corrupt later
    text = b'[{"a": 1} x' + bytes(range(256)) * 64
    data = bytearray(zlib.compress(text, 9, wbits=31))
    data[-8] ^= 0xFF  # the CRC: zlib notices only at the very end
    assert outcome_of(run_data(bytes(data), "a.json.gz", chunk_bytes=1)) == ("rejected", "not_json")
    # WHEN validated with other chunk sizes
    sizes = (2, 7, 64, CHUNK_BYTES)
    outcomes = {outcome_of(run_data(bytes(data), "a.json.gz", chunk_bytes=n)) for n in sizes}
    # THEN not_json every time
    assert outcomes == {("rejected", "not_json")}


# --- MAX_FILE_BYTES: text_chunks(max_bytes=...) ---------------------------------------------------


def read_all(data: bytes, **options) -> str:
    return "".join(text_chunks(io.BytesIO(data), **options))


@pytest.mark.parametrize("chunk_bytes", [1, 3, CHUNK_BYTES])
def test_max_bytes_allows_exactly_the_limit(chunk_bytes):
    # GIVEN 100 bytes of text
    # WHEN read with a limit of 100 bytes
    # THEN it is all read
    assert read_all(b"x" * 100, chunk_bytes=chunk_bytes, max_bytes=100) == "x" * 100


@pytest.mark.parametrize("chunk_bytes", [1, 3, CHUNK_BYTES])
def test_max_bytes_rejects_one_byte_more(chunk_bytes):
    # GIVEN 101 bytes of text and a limit of 100
    # WHEN read
    with pytest.raises(FileRejected) as rejected:
        read_all(b"x" * 101, chunk_bytes=chunk_bytes, max_bytes=100)
    # THEN file_too_large
    assert rejected.value.reason == "file_too_large"


def test_max_bytes_counts_inflated_bytes_and_stops_reading():
    # GIVEN a 10 MB run of zeros gzipped into about 10 KB, behind a body that counts what is read
    data = gzip.compress(bytes(10_000_000), mtime=0)

    class Counting(io.BytesIO):
        read_bytes = 0

        def read(self, amt=-1, /):
            out = super().read(amt)
            self.read_bytes += len(out)
            return out

    body = Counting(data)
    # WHEN read with a limit of 1 MB (decoded bytes) in 1 KiB reads
    with pytest.raises(FileRejected) as rejected:
        for _ in text_chunks(body, chunk_bytes=1024, max_bytes=1_000_000):
            pass
    # THEN file_too_large, found while streaming (long before the whole body was read)
    assert rejected.value.reason == "file_too_large"
    assert body.read_bytes < len(data) // 2


def test_max_bytes_delivers_the_text_before_the_limit_first():
    # GIVEN a text of 10 bytes and a limit of 6, read in one chunk
    chunks = text_chunks(io.BytesIO(b"abcdefghij"), max_bytes=6)
    # WHEN read
    # THEN the first 6 bytes come first (a problem the parser finds there wins), then the rejection
    assert next(chunks) == "abcdef"
    with pytest.raises(FileRejected, match="file_too_large"):
        next(chunks)


def test_max_bytes_none_is_unlimited():
    # GIVEN no limit
    # WHEN a text is read
    # THEN all of it
    assert read_all(b"y" * 5000, chunk_bytes=7) == "y" * 5000


def test_fixture_files_exist():
    # GIVEN the fixture folder; THEN the new fixtures are there (the differential test reads them all)
    for name in ("orders_record_keys_first.json", "gzip_zero_padding.json.gz", "array_numbers.json"):
        assert (FIXTURE_FILES / name).is_file()
