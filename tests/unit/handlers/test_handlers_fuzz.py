"""Fuzzing the validator core against hostile input: a seeded mutation fuzzer and hypothesis-built files,
every input checked against the core's invariants, and against itself at another chunk size.

Invariants, on EVERY input:
- only handlers.seams.errors.FileRejected with a documented file reason escapes process_file;
- rejected: the manifest was aborted and nothing was committed;
- accepted: every record index 0..records-1 is in the manifest exactly once, and
  records == valid + large + invalid (the statuses in the manifest agree with the counts);
- the same bytes give the same outcome at another chunk size.
"""

from __future__ import annotations

import contextlib
import decimal
import gzip
import io
import json
import random
import re
import time
import zlib
from collections import Counter

import pytest
from handlers_testkit import FIXTURE_FILES, MemoryClaims, MemoryManifest, source_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.core.pipeline import process_file
from handlers.seams.errors import FileRejected
from handlers.seams.settings import FILE_REASONS

# The file reasons documented in the contract.
DOCUMENTED = frozenset(FILE_REASONS)
KEYS = ("f.json", "f.jsonl", "f.json.gz", "f.ndjson")
SEED = 20240607
MUTATION_RUNS = 2500
TIME_BUDGET_S = 12.0
# Class 1, a number no decimal holds: an exponent the decimal module cannot hold once raised
# decimal.InvalidOperation out of the parser. The fuzzers keep generating it; findings are collected and
# reported by the test below.
CLASS_1 = (decimal.InvalidOperation,)
HUGE_EXPONENT = b"1e99999999999999999999"


class Violation(AssertionError):
    """An invariant broken by one input (the input is in the message, for reproduction)."""


def run(data: bytes, key: str, chunk_bytes: int | None = None) -> tuple:
    """The outcome of one input after checking the invariants: ("rejected", reason) or the manifest."""
    manifest, claims = MemoryManifest(), MemoryClaims()
    options = {} if chunk_bytes is None else {"chunk_bytes": chunk_bytes}
    try:
        summary = process_file(
            io.BytesIO(data), source=source_for(key), manifest=manifest, claims=claims, **options
        )
    except FileRejected as rejected:
        if rejected.reason not in DOCUMENTED:
            raise Violation(f"undocumented file reason {rejected.reason!r} for {key} {data!r}") from None
        if not manifest.aborted or manifest.committed is not None:
            raise Violation(f"rejected but committed: {key} {data!r}") from None
        return ("rejected", rejected.reason)
    if manifest.committed is None or manifest.aborted:
        raise Violation(f"accepted but not committed: {key} {data!r}")
    batches = json.loads(manifest.committed)
    entries = [entry for batch in batches for entry in batch["records"]]
    indices = [entry["index"] for entry in entries]
    if sorted(indices) != list(range(summary.records)) or len(set(indices)) != len(indices):
        raise Violation(f"indices {indices} for {summary.records} records: {key} {data!r}")
    statuses = Counter(entry["status"] for entry in entries)
    counted = {"valid": summary.valid, "large": summary.large, "invalid": summary.invalid}
    if summary.records != sum(counted.values()) or statuses != Counter(
        {k: v for k, v in counted.items() if v}
    ):
        raise Violation(f"counts {summary} vs statuses {statuses}: {key} {data!r}")
    if summary.batches != len(batches):
        raise Violation(f"{summary.batches} batches counted, {len(batches)} written: {key} {data!r}")
    OUT_OF_DYNAMODB_RANGE.extend(number for entry in entries for number in bad_numbers(entry.get("item")))
    return ("accepted", manifest.committed, sorted(claims.bodies.items()))


# Class 2, DynamoDB's number range: numbers DynamoDB refuses were once classified valid. Collected, and
# reported by a test below, so that the fuzzers keep generating them.
OUT_OF_DYNAMODB_RANGE: list[str] = []


def bad_numbers(value) -> list[str]:
    """The N values of a DynamoDB JSON value outside 1E-130 .. 9.99..E+125 or beyond 38 digits."""
    if isinstance(value, dict):
        if set(value) == {"N"}:
            number = decimal.Decimal(value["N"])
            size = abs(number)
            significant = len(number.normalize().as_tuple().digits)
            if size and (
                size < decimal.Decimal("1E-130") or size >= decimal.Decimal("1E+126") or significant > 38
            ):
                return [value["N"]]
            return []
        return [bad for member in value.values() for bad in bad_numbers(member)]
    if isinstance(value, list):
        return [bad for member in value for bad in bad_numbers(member)]
    return []


def check(data: bytes, key: str, other_chunk: int) -> None:
    """The invariants at the default chunk size and at `other_chunk`, and the same outcome at both."""
    expected = run(data, key)
    got = run(data, key, other_chunk)
    if got != expected:
        raise Violation(f"chunk {other_chunk} gives {got[:2]} instead of {expected[:2]}: {key} {data!r}")


# --- seeded mutation fuzzer -----------------------------------------------------------------------

TOKENS = [
    b"1e99999999999999999999",  # class 1
    b"1E+126",  # class 2 (DynamoDB refuses it; no exception expected here)
    b"-0.0",
    b"12.5",
    b"1e400",
    b"123456789012345678901234567890123456789012",
    b"NaN",
    b"-Infinity",
    b'"\\ud800"',
    b'"\\uffff"',
    "\U0001f600".encode(),
    "é".encode(),
    b"\xff",
    b"\xc3",
    b"\x00",
    b"\n",
    b"\r\n",
    b" " * 40,
    b"[" * 40,
    b"]" * 40,
    b"{" * 40,
    b"[" * 1200,
    b'{"orders": [',
    b'"orders": ',
    b'"order-info": {"order_id": "Z"}',
    b'"contact-info": {}',
    b'"_pipeline_hash": 1',
    b",",
    b":",
    b'"',
    b"\\",
    b"\xef\xbb\xbf",
    b"\x1f\x8b",
]


def seeds() -> list[bytes]:
    """Every fixture, the gzipped ones also inflated (so their text is mutated too)."""
    found = []
    for path in sorted(FIXTURE_FILES.iterdir()):
        data = path.read_bytes()
        found.append(data)
        if data[:2] == b"\x1f\x8b":
            with contextlib.suppress(OSError, EOFError, zlib.error):
                found.append(gzip.decompress(data))
    return found


NUMBER = re.compile(rb"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
NUMBER_TOKENS = [
    HUGE_EXPONENT,
    b"-1e-99999999999999999999",
    b"1E+126",
    b"9.99E+125",
    b"1e-131",
    b"1E-130",
    b"0e9",
]


def mutate(data: bytes, rng: random.Random, pool: list[bytes]) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        at = rng.randint(0, len(out))
        choice = rng.random()
        numbers = list(NUMBER.finditer(out)) if choice > 0.95 else []
        if numbers:
            # A number replaced by one at the decimal module's or DynamoDB's edge (classes 1 and 2).
            found = rng.choice(numbers)
            out[found.start() : found.end()] = rng.choice(NUMBER_TOKENS)
        elif choice < 0.25 and out:
            out[min(at, len(out) - 1)] ^= 1 << rng.randrange(8)
        elif choice < 0.45:
            out[at:at] = rng.choice(TOKENS)
        elif choice < 0.6 and out:
            del out[at : at + rng.randint(1, 16)]
        elif choice < 0.7 and out:
            end = min(len(out), at + rng.randint(1, 64))
            out[at:at] = out[at:end]
        elif choice < 0.8:
            other = rng.choice(pool)
            start = rng.randint(0, len(other))
            out[at:at] = other[start : start + rng.randint(1, 200)]
        elif choice < 0.9:
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        else:
            out = out[:at]
    if rng.random() < 0.15:
        out = bytearray(gzip.compress(bytes(out), mtime=0))
        if rng.random() < 0.3:
            out += bytes(rng.randint(1, 64)) if rng.random() < 0.5 else b"\x1f"
    return bytes(out)


def mutation_inputs() -> list[tuple[bytes, str, int]]:
    rng = random.Random(SEED)
    pool = seeds()
    inputs = [(seed, key, rng.randint(1, 64)) for seed in pool for key in ("f.json", "f.jsonl")]
    inputs += [
        (mutate(rng.choice(pool), rng, pool), rng.choice(KEYS), rng.randint(1, 64))
        for _ in range(MUTATION_RUNS)
    ]
    inputs += [
        (bytes(rng.randrange(256) for _ in range(rng.randint(0, 300))), rng.choice(KEYS), 7)
        for _ in range(100)
    ]
    return inputs


def run_mutations() -> tuple[list[str], list[bytes]]:
    """(violations, class-1 inputs) over the seeded inputs, within the time budget."""
    violations: list[str] = []
    class_1: list[bytes] = []
    started = time.monotonic()
    for data, key, chunk in mutation_inputs():
        if time.monotonic() - started > TIME_BUDGET_S:
            break
        try:
            check(data, key, chunk)
        except Violation as broken:
            violations.append(str(broken)[:600])
        except CLASS_1:
            class_1.append(data)
        except Exception as error:  # anything else escaping the core is a violation too
            violations.append(f"{type(error).__name__}: {error} for {key} {data[:300]!r}")
    return violations, class_1


@pytest.fixture(scope="module")
def mutation_findings() -> tuple[list[str], list[bytes]]:
    return run_mutations()


def test_mutated_files_keep_the_invariants(mutation_findings):
    # GIVEN every fixture file and ~2,500 seeded mutations of them (flips, tokens, splices, cuts, gzip,
    # zero padding, garbage), plus random bytes, each as .json, .jsonl and gzip, at a random chunk size
    # WHEN each is validated at the default chunk size and at its random one
    violations, _ = mutation_findings
    # THEN no invariant is broken (only documented file rejections, indices once, counts add up,
    # nothing committed on rejection, the same outcome at both chunk sizes)
    assert not violations, "\n".join(violations[:10])


def test_no_number_escapes_the_parser_as_an_exception(mutation_findings):
    # GIVEN the same mutated inputs, some of which hold a huge exponent (1e99999999999999999999)
    _, class_1 = mutation_findings
    # WHEN validated
    # THEN none raises decimal.InvalidOperation (one bad number is one invalid record)
    assert not class_1, f"{len(class_1)} inputs, e.g. {class_1[0][:200]!r}"


def test_no_valid_item_holds_a_number_dynamodb_refuses(mutation_findings):
    # GIVEN the mutated inputs (numbers replaced by 1E+126, 1e-131, ...) already validated
    # WHEN the valid items' numbers are checked against DynamoDB's range
    # THEN none is out of range (such a record is invalid_value)
    assert not OUT_OF_DYNAMODB_RANGE, OUT_OF_DYNAMODB_RANGE[:5]


@pytest.mark.parametrize("key", ["f.json", "f.jsonl", "f.ndjson"])
def test_a_huge_exponent_is_one_invalid_record_in_every_form(key):
    # GIVEN a record with an exponent the decimal module cannot hold, in each form
    record = b'{"order-info": {"order_id": "A", "n": ' + HUGE_EXPONENT + b'}, "contact-info": {}}'
    for data in (b"[" + record + b"]", record, record + b"\n" + record):
        # WHEN validated; THEN the invariants hold (no exception escapes)
        check(data, key, 5)


def test_the_mutation_fuzzer_runs_enough_inputs():
    # GIVEN the fuzzer's input list; THEN it is deterministic and large enough to mean something
    first, second = mutation_inputs(), mutation_inputs()
    assert first == second
    assert len(first) > MUTATION_RUNS


# --- property-based: well-formed files of every form ------------------------------------------------

NAMES = st.sampled_from(
    ["order-info", "contact-info", "orders", "order_id", "a", "_pipeline_x", "é", "\U0001f600"]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**45), max_value=10**45),
    st.decimals(allow_nan=False, allow_infinity=False, places=None).map(str),
    st.text(max_size=12),
    st.sampled_from(["1E+126", "1e-131", "-0.0", "0.1", "1e5"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(NAMES | st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
RECORDS = st.one_of(
    st.fixed_dictionaries(
        {
            "order-info": st.fixed_dictionaries(
                {"order_id": st.one_of(st.text(min_size=1, max_size=10), st.integers())},
                optional={"price": SCALARS, "items": VALUES},
            ),
            "contact-info": st.dictionaries(NAMES, VALUES, max_size=3),
        },
        optional={"extra": VALUES, "order_id": st.text(max_size=4)},
    ),
    VALUES,
)


def number_text(value) -> str:
    """JSON text where a string like "1E+126" from SCALARS becomes a bare number."""
    return json.dumps(value, ensure_ascii=False)


def raw_json(value) -> str:
    if isinstance(value, str) and value[:1] in "-0123456789" and value:
        try:
            json.loads(value)
            return value
        except ValueError:
            pass
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {raw_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(raw_json(v) for v in value) + "]"
    return number_text(value)


@st.composite
def files(draw) -> tuple[bytes, str, int]:
    records = draw(st.lists(RECORDS, max_size=6))
    texts = [raw_json(record) for record in records]
    form = draw(st.sampled_from(["array", "object", "wrapper", "wrapper_last", "lines", "lines_detected"]))
    ws = draw(st.sampled_from(["", " ", "\n", "\r\n  ", "\t"]))
    extra = draw(st.lists(st.tuples(st.sampled_from(["batch", "order-info", "n"]), VALUES), max_size=2))
    members = [f'"{name}": {raw_json(value)}' for name, value in extra]
    key = "f.json"
    if form == "array":
        text = "[" + ("," + ws).join(texts) + "]"
    elif form == "object":
        text = texts[0] if texts else "{}"
    elif form in ("wrapper", "wrapper_last"):
        orders = '"orders": [' + ("," + ws).join(texts) + "]"
        text = "{" + ", ".join([orders, *members] if form == "wrapper" else [*members, orders]) + "}"
    else:
        text = "\n".join(texts) + draw(st.sampled_from(["", "\n"]))
        key = "f.jsonl" if form == "lines" else "f.json"
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data if draw(st.booleans()) else ws.encode() + data + ws.encode()
    if draw(st.integers(0, 4)) == 0:
        data = gzip.compress(data, mtime=0) + bytes(draw(st.integers(0, 3)))
    return data, key, draw(st.integers(1, 64))


@settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(files())
def test_generated_files_of_every_form_keep_the_invariants(case):
    # GIVEN a generated file: array, object, orders wrapper (orders first or last, extra members),
    # JSON Lines (by suffix or detected), whitespace, BOM, gzip with or without zero padding, unicode,
    # nested values and numbers at DynamoDB's edges
    data, key, chunk = case
    # WHEN validated at the default chunk size and at a small one
    # THEN the invariants hold and both outcomes are the same
    check(data, key, chunk)


@settings(max_examples=60, derandomize=True, deadline=None, database=None)
@given(
    depth=st.integers(1, 3000),
    opener=st.sampled_from(["[", '{"a":']),
    key=st.sampled_from(["f.json", "f.jsonl"]),
    chunk=st.integers(1, 64),
)
def test_deep_nesting_keeps_the_invariants(depth, opener, key, chunk):
    # GIVEN a value nested `depth` levels deep (complete, as an array element and as a record)
    closer = "]" if opener == "[" else "}"
    value = opener * depth + "1" + closer * depth
    for text in (f"[{value}]", f'{{"order-info": {{"order_id": "D", "v": {value}}}, "contact-info": {{}}}}'):
        # WHEN validated; THEN the invariants hold at both chunk sizes
        check(text.encode(), key, chunk)
