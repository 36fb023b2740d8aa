"""The fast writer of the DynamoDB JSON text against the exact walk and the old entry writer.

The reference is the validator's first (slower) implementation, kept here: the exact walk
(dynamo.convert_exact, unchanged) builds the item as dicts, the entry is written by the Python JSON
writer. The fast path must give the same manifest bytes, canonical hash, size and first problem on a
seeded corpus of edge records (numbers, unicode, names, nesting), the benchmark's orders and every
fixture file.
"""

from __future__ import annotations

import io
import random
from decimal import Decimal
from typing import Any

import edgecorpus
import pytest
from handlers_testkit import FIXTURE_FILES, MemoryClaims, MemoryManifest, run_bytes, source_for
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks import orders
from handlers.core import batching, pipeline
from handlers.core import classify as records
from handlers.core import dynamojson as dynamo
from handlers.core.classify import Valid, classify
from handlers.core.provenance import source_attribute
from handlers.core.reader import iter_elements
from handlers.core.textbuffer import DECODER
from handlers.seams.errors import FileRejected
from handlers.seams.settings import HASH_ATTRIBUTE, KEY_ATTRIBUTE, SOURCE_ATTRIBUTE
from handlers.values import jsontext
from handlers.values.jsonnumbers import HugeNumber

SEED = 20261129


def corpus_records() -> list[Any]:
    """Parsed records: the edge corpus, both benchmark profiles and every JSON Lines fixture's lines."""
    texts = edgecorpus.lines(1500, SEED).splitlines()
    for profile in orders.PROFILES:
        texts += orders.body(300, seed=SEED, profile=profile).decode("utf-8").splitlines()
    parsed = []
    for text in texts:
        try:
            parsed.append(DECODER.decode(text))
        except (ValueError, RecursionError):
            continue
    return parsed


RECORDS = corpus_records()


def reference_entry(element: Any, valid: Valid, source: Any) -> str:
    """The valid entry as the first implementation wrote it: the exact walk's item dicts, then json text."""
    item = dynamo.convert_exact(element.value).attributes
    item[KEY_ATTRIBUTE] = {"S": valid.order_id}
    item[HASH_ATTRIBUTE] = {"S": valid.hash}
    # Since the cost cuts the entry's item leaves `_pipeline_source` to the batch (item_source + index).
    entry = {
        "status": "valid",
        "index": element.index,
        "line": element.line,
        "order_id": valid.order_id,
        "hash": valid.hash,
        "item": item,
    }
    return jsontext._python_dumps(entry)


def run_reference(data: bytes, key: str, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes | None, str]:
    """The manifest the pre-issue-10 code writes (exact walk, dict items, the Python JSON writer)."""
    source = source_for(key)
    with monkeypatch.context() as patch:
        patch.setattr(records, "convert_record", dynamo.convert_exact)
        patch.setattr(
            pipeline,
            "valid_entry",
            lambda element, valid, _text=None: reference_entry(element, valid, source),
        )
        patch.setattr(pipeline, "dumps", jsontext._python_dumps)
        patch.setattr(batching, "dumps", jsontext._python_dumps)
        manifest = MemoryManifest()
        try:
            pipeline.process_file(
                io.BytesIO(data), source=source, manifest=manifest, claims=MemoryClaims(), max_rejected=10**9
            )
        except FileRejected as rejected:
            return None, rejected.reason
    return manifest.committed, "accepted"


def manifest_of(data: bytes, key: str) -> tuple[bytes | None, str]:
    outcome = run_bytes(data, key, max_rejected=10**9)
    if outcome.rejection is not None:
        return None, outcome.rejection.reason
    return outcome.manifest.committed, "accepted"


def test_the_fast_walk_matches_the_exact_walk_on_every_corpus_record():
    fast = 0
    for record in RECORDS:
        if not isinstance(record, dict):
            continue
        try:
            expected = dynamo.convert_exact(record)
        except dynamo.TooDeep:
            with pytest.raises(dynamo.TooDeep):
                dynamo.convert_record(record)
            continue
        got = dynamo.convert_record(record)
        fast += got._attributes is None
        assert (got.canonical, got.size, got.invalid) == (expected.canonical, expected.size, expected.invalid)
        if expected.invalid is None:
            assert got.attributes == expected.attributes
            assert got.text == jsontext._python_dumps(expected.attributes)[1:-1]
    # The comparison is not vacuous: most records took the fast path (the rest: a value in doubt).
    assert fast > len(RECORDS) * 0.6


def test_valid_records_keep_their_item_dicts_for_store_large():
    source = source_for("k.jsonl")
    checked = 0
    for index, record in enumerate(RECORDS):
        result = classify(record, source=source, index=index)
        if isinstance(result, Valid):
            item = dynamo.convert_exact(record).attributes
            item[KEY_ATTRIBUTE] = {"S": result.order_id}
            item[HASH_ATTRIBUTE] = {"S": result.hash}
            item[SOURCE_ATTRIBUTE] = source_attribute(source, index)
            assert result.item == item
            assert list(result.item) == list(item)  # the same member order, so the same text
            checked += 1
    assert checked > 500


@pytest.mark.parametrize("seed", [0, 1])
def test_edge_corpus_manifests_are_byte_identical_to_the_reference(seed, monkeypatch):
    data = edgecorpus.lines(700, SEED + seed).encode("utf-8")
    expected = run_reference(data, "edge.jsonl", monkeypatch)
    assert expected[1] == "accepted" and expected[0] is not None
    assert manifest_of(data, "edge.jsonl") == expected


@pytest.mark.parametrize("profile", orders.PROFILES)
@pytest.mark.parametrize("form", ["jsonl", "array"])
def test_benchmark_orders_manifests_are_byte_identical_to_the_reference(profile, form, monkeypatch):
    data = orders.body(400, form=form, seed=SEED, profile=profile)
    key = "orders.jsonl" if form == "jsonl" else "orders.json"
    assert manifest_of(data, key) == run_reference(data, key, monkeypatch)


def test_fixture_manifests_are_byte_identical_to_the_reference(monkeypatch):
    accepted = 0
    for path in sorted(FIXTURE_FILES.iterdir()):
        data = path.read_bytes()
        expected = run_reference(data, path.name, monkeypatch)
        assert manifest_of(data, path.name) == expected, path.name
        accepted += expected[1] == "accepted"
    assert accepted > 10


def test_the_item_text_escapes_del_and_non_ascii_as_json_dumps_does():
    record = DECODER.decode('{"n\\u007fé": "a\\u007fb", "😀": ["ü", {"x": "\\u007f"}], "order_id": "1"}')
    converted = dynamo.convert_record(record)
    assert converted._attributes is None  # the fast path
    assert converted.text.isascii() and "\x7f" not in converted.text
    assert converted.text == jsontext._python_dumps(dynamo.convert_exact(record).attributes)[1:-1]


def test_an_element_of_the_parsed_file_reaches_the_entry_writer_unchanged():
    # The entry writer takes index and line from the element: both forms (line null in arrays).
    text = '[{"order-info": {"order_id": "a"}, "contact-info": {}}]'
    element = next(iter_elements(iter([text]), json_lines=False))
    result = classify(element.value, source=source_for("a.json"), index=0)
    assert isinstance(result, Valid)
    suffix = records.source_suffix(source_for("a.json"), 0)
    assert result.item_text.endswith(suffix)
    entry = pipeline.valid_entry(element, result, result.item_text[: -len(suffix)] + "}")
    assert entry == reference_entry(element, result, source_for("a.json"))
    assert '"line":null' in entry


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**45), max_value=10**45)
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.sampled_from(["a", "\uf8ff", "\\", '"', "é", "\x7f", "\x00", "😀", "u", "f", "8"]))
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4),
    max_leaves=12,
)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_dumps_writes_decimals_exactly_like_the_python_writer(value):
    assert jsontext.dumps(value) == jsontext._python_dumps(value)


def test_dumps_falls_back_when_a_string_holds_the_mark():
    value = {"price": Decimal("1.50"), "note": "\uf8ff", "text": "\\uf8ff"}
    assert jsontext.dumps(value) == '{"price":1.50,"note":"\\uf8ff","text":"\\\\uf8ff"}'
    assert jsontext.dumps([Decimal("-0E-3"), 1]) == "[-0.000,1]"


def test_the_name_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(dynamo, "_NAMES", {})
    rng = random.Random(SEED)
    for _ in range(dynamo._NAMES_MAX + 500):
        dynamo.convert_record({f"n{rng.random()}": 1})
    assert len(dynamo._NAMES) == dynamo._NAMES_MAX


def test_long_names_are_not_cached(monkeypatch):
    monkeypatch.setattr(dynamo, "_NAMES", {})
    long_name = "n" * (dynamo._NAME_CACHED_CHARS + 1)
    converted = dynamo.convert_record({long_name: 1, "short": 2})
    assert converted._attributes is None and converted.invalid is None
    assert list(dynamo._NAMES) == ["short"]


def _shaped_value(rng: random.Random, depth: int) -> Any:
    """A value of any kind the fast walk writes inline or doubts (bad numbers, a lone surrogate)."""
    kind = rng.randrange(12 if depth < 3 else 10)
    if kind == 0:
        return rng.choice(["a", "é", "\x7f", "😀", "", '"', "\ud800"])
    if kind == 1:
        return rng.choice([0, 7, -120, 10**37, 10**38, -(10**40)])
    if kind == 2:
        return Decimal(rng.choice(["1.50", "-0.0", "75e-3", "1E+126", "1E-131", "1" * 39, "0E-500"]))
    if kind == 3:
        return None
    if kind == 4:
        return rng.random() < 0.5
    if kind == 5:
        return HugeNumber("1e99999999999999999999")
    if kind in (6, 7, 8, 9):
        return "x" * rng.randrange(4)
    if kind == 10:
        return [_shaped_value(rng, depth + 1) for _ in range(rng.randrange(3))]
    return _shaped_record(rng, depth + 1)


def _shaped_record(rng: random.Random, depth: int = 1) -> dict[str, Any]:
    """A map over a few fixed name sets, in a random insertion order: cached shapes meet other values
    and other orders of the same names."""
    names = rng.choice([["b", "a", "c"], ["order-info", "contact-info"], ["z", "é", "a\x7f", "m"], ["x"]])
    names = rng.sample(names, len(names))
    return {name: _shaped_value(rng, depth) for name in names}


def test_cached_shapes_give_the_exact_walks_result_whatever_the_values_and_member_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Failure class: a map's cached shape (its sorted names, their texts and sizes, keyed by its names
    in insertion order) reused for a map with other values or another order of the same names: wrong
    member order, size or text. Seeded and bounded: 3,000 maps over four name sets."""
    monkeypatch.setattr(dynamo, "_SHAPES", {})  # other tests may have filled it
    rng = random.Random(SEED)
    fast = 0
    for _ in range(3000):
        record = _shaped_record(rng)
        expected = dynamo.convert_exact(record)
        got = dynamo.convert_record(record)
        fast += got._attributes is None
        assert (got.canonical, got.size, got.invalid) == (expected.canonical, expected.size, expected.invalid)
        if expected.invalid is None:
            assert got.text == jsontext._python_dumps(expected.attributes)[1:-1]
    assert fast > 300  # not vacuous: many maps took the fast walk with cached shapes
    assert {("b", "a", "c"), ("a", "c", "b"), ("order-info", "contact-info")} <= set(dynamo._SHAPES)


def test_the_shape_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Failure class: hostile records with ever new member names grow the shape cache without bound
    (memory), or a shape holding a name the name cache refused (a long one) is kept."""
    monkeypatch.setattr(dynamo, "_SHAPES", {})
    monkeypatch.setattr(dynamo, "_NAMES", {})
    rng = random.Random(SEED)
    for _ in range(dynamo._SHAPES_MAX + 300):
        dynamo.convert_record({f"s{rng.random()}": 1, "t": 2})
    assert len(dynamo._SHAPES) == dynamo._SHAPES_MAX
    monkeypatch.setattr(dynamo, "_SHAPES", {})
    long_name = "n" * (dynamo._NAME_CACHED_CHARS + 1)
    wide = {f"w{position}": position for position in range(dynamo._SHAPE_MEMBERS + 1)}
    for record in ({long_name: 1, "short": 2}, wide):
        converted = dynamo.convert_record(record)
        assert converted._attributes is None and converted.invalid is None
        assert converted.canonical == dynamo.convert_exact(record).canonical
    assert dynamo._SHAPES == {}
