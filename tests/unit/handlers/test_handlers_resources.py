"""Resources, not time: the peak memory of the validator core on a small, highly compressible bomb."""

from __future__ import annotations

import textwrap

import pytest
from handlers_testkit import run_fresh

BOMB_LIMIT_MB = 300
MIXED_LIMIT_MB = 600

# Runs in a fresh interpreter: VmHWM (peak RSS) is then this run's own, not the test runner's.
SCRIPT = textwrap.dedent(
    """
    import io, json, sys, zlib
    from pathlib import Path
    from handlers.seams.errors import FileRejected
    from handlers.core.pipeline import process_file

    class Discard:
        def write(self, data): pass
        def commit(self): pass
        def abort(self): pass
        def put(self, key, body): pass

    def peak_mb():
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def bomb(block, blocks, tail):
        # One record whose string value is `blocks` copies of `block`, gzipped as it is generated.
        z = zlib.compressobj(9, wbits=31)
        parts = [z.compress(b'{"order-info": {"order_id": "B"}, "contact-info": {}, "a": "')]
        parts += [z.compress(block) for _ in range(blocks)]
        parts += [z.compress(tail + b'"}'), z.flush()]
        return b"".join(parts)

    kind, chars = sys.argv[1], int(sys.argv[2])
    if kind == "wide":
        data = bomb("\\U0001F600".encode() * (1 << 18), chars >> 18, b"")
    else:  # ASCII, and one emoji at the very end: Python holds the whole value at 4 bytes a character
        data = bomb(b"x" * (1 << 18), chars >> 18, "\\U0001F600".encode())
    source = {"bucket": "b", "key": "bomb.json.gz", "version_id": None, "etag": "e"}
    before = peak_mb()
    try:
        process_file(io.BytesIO(data), source=source, manifest=Discard(), claims=Discard())
        reason = None
    except FileRejected as rejected:
        reason = rejected.reason
    print(json.dumps({"gz_bytes": len(data), "reason": reason, "before_mb": before, "peak_mb": peak_mb()}))
    """
)


def run_bomb(kind: str, chars: int) -> dict:
    return run_fresh(SCRIPT, kind, str(chars))


def test_a_compressible_one_record_bomb_of_4_byte_characters_stays_in_bounded_memory():
    # GIVEN one record of 60 million 4-byte characters (240 MB of UTF-8) gzipped to about 230 KB
    # WHEN the core validates it in a fresh process
    measured = run_bomb("wide", 60_000_000)
    assert measured["gz_bytes"] < 300_000
    # THEN it is rejected as element_too_large (the 64 MiB limit counts bytes, not characters)
    assert measured["reason"] == "element_too_large"
    # AND the process's peak memory stays under the bound (it was about 1 GB when characters were counted)
    assert measured["peak_mb"] < BOMB_LIMIT_MB, measured


def test_one_wide_character_in_a_long_ascii_value_is_bounded_too():
    # GIVEN one record of 60 million ASCII characters and one emoji (60 MB of UTF-8, but 240 MB as a str)
    # WHEN the core validates it in a fresh process
    measured = run_bomb("mixed", 60_000_000)
    # THEN it is rejected as element_too_large (the limit counts memory when that is larger than UTF-8)
    assert measured["reason"] == "element_too_large"
    # AND the peak stays under a bound (it was about 950 MB; see notes: the widening join still costs)
    assert measured["peak_mb"] < MIXED_LIMIT_MB, measured


@pytest.mark.parametrize("kind", ["wide", "mixed"])
def test_a_bomb_under_the_limit_is_read(kind):
    # GIVEN the same kind of record, far under the limit (1 Mi characters)
    # WHEN validated
    measured = run_bomb(kind, 1 << 20)
    # THEN it is one record, not a rejection (the reasons above come from the size, not the shape)
    assert measured["reason"] is None
