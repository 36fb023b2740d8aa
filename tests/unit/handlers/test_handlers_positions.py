"""A file rejection says where: `truncated` only when the document really ends early,
`not_json` for any other syntax error, with the position (line, column, offset; byte offset for
not_utf8), the same at every read size.

Failure class: a parse error near the end of the file taken for truncation (fails before file rejections said
where:
handlers/core/textbuffer.py called any decode error within 16 characters of the end `truncated`, so
`{"name": "a",}}` and a stray `}` before the end were `truncated`), and rejections without a position.
"""

from __future__ import annotations

import io
import json

import pytest
from handlers_testkit import MemoryClaims, MemoryManifest, source_for

from handlers.core.pipeline import process_file
from handlers.seams.errors import FileRejected

# Small documents of each form the parser streams: an array, an `orders` wrapper, one object; numbers,
# literals, escapes, nesting and line breaks included.
DOCUMENTS = (
    '[\n {"a": [1, -2.5e+3, true], "b": "x\\u00e9y"},\n {"c": null, "d": false}\n]',
    '{"orders": [{"n": 10, "s": "q\\"r"}, {"t": [0.5, {}]}], "meta": 7}',
    '{"order-info": {"order_id": "o-1", "quantity": 12}, "contact-info": {"e": 1.0}}',
)
STRAYS = ("}", "]", ",", ":", "x")


def outcome(data: bytes, chunk: int) -> tuple[str, dict[str, int] | None]:
    try:
        process_file(
            io.BytesIO(data),
            source=source_for("f.json"),
            manifest=MemoryManifest(),
            claims=MemoryClaims(),
            chunk_bytes=chunk,
        )
    except FileRejected as rejected:
        return rejected.reason, rejected.position
    return "accepted", None


# Read sizes for the stray-character test (every size would be ~80,000 runs): small ones, and those
# around the 16-character margin the old code used.
SOME_SIZES = (1, 2, 3, 5, 8, 13, 15, 16, 17, 31, 32, 33)


def same_at_every_read_size(
    data: bytes, sizes: tuple[int, ...] | None = None
) -> tuple[str, dict[str, int] | None]:
    """The outcome (reason and position), checked to be the same for every read size 1..len+1 (or
    for `sizes` and the whole file at once)."""
    first = outcome(data, len(data) + 1)
    for chunk in sizes or range(1, len(data) + 1):
        assert outcome(data, chunk) == first, (data, chunk)
    return first


def complete(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_cut_of_a_document_is_truncated_at_its_end(document: str) -> None:
    for cut in range(1, len(document)):
        prefix = document[:cut]
        reason, position = same_at_every_read_size(prefix.encode())
        if not prefix.strip():
            assert reason == "empty_file"
        elif complete(prefix):
            assert reason != "truncated", prefix
        else:
            assert reason == "truncated", prefix
            assert position is not None and position["offset"] == len(prefix)


@pytest.mark.parametrize("document", DOCUMENTS)
@pytest.mark.parametrize("stray", STRAYS)
def test_a_stray_character_anywhere_is_never_truncated_and_is_located(document: str, stray: str) -> None:
    for at in range(len(document) + 1):
        text = document[:at] + stray + document[at:]
        reason, position = same_at_every_read_size(text.encode(), SOME_SIZES)
        assert reason != "truncated", text
        if reason == "not_json":
            assert position is not None
            # The line and column agree with the offset; the offset with Python's own parser when it
            # reads the same document (an array, one object: not the streamed wrapper's members).
            offset = position["offset"]
            assert position["line"] == text.count("\n", 0, offset) + 1
            assert position["column"] == offset - (text.rfind("\n", 0, offset) + 1) + 1
            if not document.startswith('{"orders"'):
                with pytest.raises(json.JSONDecodeError) as error:
                    json.loads(text)
                assert error.value.pos == offset, text


def test_a_trailing_comma_is_not_json_where_it_is() -> None:
    assert same_at_every_read_size(b'{"name": "a",}}') == (
        "not_json",
        {"line": 1, "column": 14, "offset": 13},
    )


@pytest.mark.parametrize(
    ("text", "offset"),
    [("[1.", 3), ("[1e+", 4), ("[-", 2), ('["\\u12', 6), ("[tru", 4), ('{"a": fals', 10), ('{"a"', 4)],
)
def test_a_value_cut_short_at_the_end_is_truncated(text: str, offset: int) -> None:
    reason, position = same_at_every_read_size(text.encode())
    assert reason == "truncated" and position is not None and position["offset"] == offset


@pytest.mark.parametrize("text", ["[1. ]", "[1e]", "[trux]", '["\\u12x"]', "[1 2]", '{"a": nul }'])
def test_a_bad_value_before_the_end_is_not_json(text: str) -> None:
    assert same_at_every_read_size(text.encode())[0] == "not_json"


def test_not_utf8_says_its_byte_offset_at_every_read_size() -> None:
    good = '[{"a": "é"}, "'.encode()
    for bad in (b"\xff", b"\xc3(", b"\xe2\x82"):
        data = good + bad + b'"]'
        assert same_at_every_read_size(data) == ("not_utf8", {"byte_offset": len(good)})


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_say_where_they_are_not_in_a_string(constant: str) -> None:
    text = f'[{{"a": "{constant}", "b": [1, {constant}]}}]'
    reason, position = same_at_every_read_size(text.encode())
    assert reason == "not_json" and position is not None
    assert position["offset"] == text.rindex(constant)
