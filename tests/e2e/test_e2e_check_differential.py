"""`check` (quality/, the validator core on a local file) against the emulated pipeline (what
simulate.py reports): the same verdicts and counts on every fixture file and on a seeded sample of the
validator fuzzer's corpus.

Compared per file: file rejected or not and its reason; for an accepted file the validator's counts in
the ledger (records, valid + large, invalid), rejected per reason (without `conflict`, which only the
table can find) and rejected per contract rule. Failure class: a local check whose verdicts drift from
the deployed pipeline's.
"""

from __future__ import annotations

import importlib
import random
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from handlers.seams.settings import ACCEPTED_SUFFIXES, REASON_CONFLICT
from quality.checking import check_file
from quality.model import FileQuality

from .conftest import Pipeline

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "files"
FUZZ_SAMPLE = 16
FUZZ_SEED = 1616


def _fuzz_corpus() -> list[tuple[bytes, str]]:
    """A seeded sample of tests/unit/handlers/test_handlers_fuzz.py's inputs (seeds and mutations)."""
    sys.path.insert(0, str(REPO / "tests" / "unit" / "handlers"))
    try:
        fuzz = importlib.import_module("test_handlers_fuzz")
    finally:
        sys.path.pop(0)
    inputs = fuzz.mutation_inputs()
    picked = random.Random(FUZZ_SEED).sample(inputs, FUZZ_SAMPLE)
    return [(data, key) for data, key, _ in picked]


def _cases() -> list[tuple[str, bytes]]:
    files = [(p.name, p.read_bytes()) for p in sorted(FIXTURES.iterdir()) if p.is_file()]
    files += [(f"fuzz-{n}-{key}", data) for n, (data, key) in enumerate(_fuzz_corpus())]
    return [(name, data) for name, data in files if name.lower().endswith(ACCEPTED_SUFFIXES)]


CASES = _cases()


def _pipeline_view(row: dict[str, Any]) -> dict[str, Any]:
    ledger = row["ledger"] or {}
    if row["file_rejected"]:
        return {"file_rejected": True, "reason": ledger.get("reason")}
    reasons = {
        r: n for r, n in (ledger.get("rejected_by_reason") or {}).items() if n and r != REASON_CONFLICT
    }
    return {
        "file_rejected": False,
        "records": ledger.get("records"),
        "valid": ledger.get("valid", 0) + ledger.get("large", 0),
        "rejected": ledger.get("invalid"),
        "rejected_by_reason": reasons,
        "rejected_by_rule": ledger.get("rejected_by_rule") or {},
    }


def _check_view(found: FileQuality) -> dict[str, Any]:
    if found.file_rejected:
        return {"file_rejected": True, "reason": found.reason}
    parts = dict(found.parts)
    return {
        "file_rejected": False,
        "records": found.records,
        "valid": parts["valid"],
        "rejected": parts["rejected"],
        "rejected_by_reason": found.rejected_by_reason,
        "rejected_by_rule": found.rejected_by_rule,
    }


def test_the_sample_covers_accepted_and_rejected_files_and_several_rules() -> None:
    names = [name for name, _ in CASES]
    assert len(names) == len(set(names)) and sum(n.startswith("fuzz-") for n in names) >= FUZZ_SAMPLE // 2


@pytest.mark.parametrize(("name", "data"), CASES, ids=[name for name, _ in CASES])
def test_check_agrees_with_the_pipeline(pipeline: Pipeline, tmp_path: Path, name: str, data: bytes) -> None:
    # GIVEN the same bytes under the same name, locally and in the emulated bucket
    key = f"diff-{uuid.uuid4().hex[:8]}-{name}"
    local = tmp_path / key
    local.write_bytes(data)
    # WHEN checked locally and processed by the deployed pipeline
    found = check_file(local)
    _, result = pipeline.run(key, data)
    # THEN the verdicts and the validator's counts are the same
    assert result.status == "SUCCEEDED", result.failure
    row = {"file_rejected": result.file_rejected, "ledger": result.ledger}
    assert _check_view(found) == _pipeline_view(row)


def test_a_file_review_carries_where_the_file_breaks(pipeline: Pipeline) -> None:
    """File rejections say where, through the deployed pipeline: a trailing comma is not_json (was `truncated`
    before), and the review message says where."""
    _, result = pipeline.run(f"comma-{uuid.uuid4().hex[:8]}.json", b'{"name": "a",}}')
    [review] = result.reviews
    assert (review["reason"], review["file_rejected"]) == ("not_json", True)
    assert review["position"] == {"line": 1, "column": 14, "offset": 13}
