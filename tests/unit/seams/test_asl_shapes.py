"""The ASL and the Lambda code agree on the manifest, the events, the results and the error names."""

from __future__ import annotations

import copy
import importlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from handlers.core.pipeline import process_file
from handlers.seams import errors, shapes
from workflow import names
from workflow.definition import build_definition
from workflow.seams import seam_problems

DEFINITION = build_definition()


def _record_states(definition: dict[str, Any]) -> dict[str, Any]:
    batch = definition["States"][names.PROCESS_BATCHES]["ItemProcessor"]["States"]
    states: dict[str, Any] = batch[names.STORE_BATCH]["ItemProcessor"]["States"]
    return states


def test_the_rendered_definition_agrees_with_the_shapes() -> None:
    # GIVEN the definition build.py renders / WHEN walking its paths, routes and error names
    # THEN every one is a name the handlers write or raise
    assert seam_problems(DEFINITION) == []


def test_the_typed_shapes_use_the_declared_key_names() -> None:
    # GIVEN the constants the ASL paths are built from / THEN the TypedDicts the handlers fill have them
    entry = {shapes.KEY_STATUS, shapes.KEY_INDEX, shapes.KEY_LINE}
    assert set(shapes.ValidEntry.__required_keys__) == entry | {
        shapes.KEY_ORDER_ID,
        shapes.KEY_HASH,
        shapes.KEY_ITEM,
    }
    assert set(shapes.LargeEntry.__required_keys__) == entry | {
        shapes.KEY_ORDER_ID,
        shapes.KEY_HASH,
        shapes.KEY_POINTER,
    }
    assert set(shapes.InvalidEntry.__required_keys__) == entry | {shapes.KEY_REVIEW}
    assert set(shapes.Batch.__required_keys__) == {
        shapes.BATCH_NUMBER,
        shapes.BATCH_SOURCE,
        shapes.BATCH_REVIEW_SOURCE,
        shapes.BATCH_ITEM_SOURCE,
        shapes.BATCH_RECORDS,
    }
    assert set(shapes.AcceptedResult.__required_keys__) == {
        shapes.RESULT_FILE_REJECTED,
        *shapes.RESULT_COUNTS,
        shapes.RESULT_BATCHES,
        shapes.RESULT_MANIFEST,
        shapes.RESULT_REJECTED_BY_REASON,
        shapes.RESULT_MAX_CONFLICTS,
        shapes.RESULT_LEDGER,
    }
    assert set(shapes.RejectedResult.__required_keys__) == {
        shapes.RESULT_FILE_REJECTED,
        shapes.RESULT_RECORDS,
        shapes.RESULT_REASON,
        shapes.RESULT_REVIEW,
        shapes.RESULT_LEDGER,
    }
    assert set(shapes.ManifestLocation.__required_keys__) == {
        shapes.LOCATION_BUCKET,
        shapes.LOCATION_KEY,
        shapes.LOCATION_VERSION_ID,
    }
    assert set(shapes.ValidatorEvent.__required_keys__) == {
        shapes.LOCATION_BUCKET,
        shapes.LOCATION_KEY,
        shapes.LOCATION_VERSION_ID,
        shapes.SOURCE_ETAG,
    }
    assert set(shapes.StoreLargeEvent.__required_keys__) == {
        shapes.KEY_POINTER,
        shapes.KEY_HASH,
        shapes.KEY_INDEX,
        shapes.EVENT_SOURCE,
    }
    assert set(shapes.ENTRY_SHAPES) == set(shapes.ENTRY_STATUSES)


def test_the_validator_writes_the_declared_shapes() -> None:
    # GIVEN a file with an inline valid record, a claim-checked one (an SQS-unsafe character), an invalid one
    lines = [
        '{"order-info": {"order_id": "1"}, "contact-info": {"email": "a@b"}}',
        '{"order-info": {"order_id": "2", "note": "\\uffff"}, "contact-info": {"email": "a@b"}}',
        '{"order-info": {"order_id": "3"}}',
    ]
    sink = _Sink()
    # WHEN the validator core writes its manifest
    source: shapes.ValidatorEvent = {**_SOURCE, "key": "k.jsonl"}
    process_file(io.BytesIO("\n".join(lines).encode()), source=source, manifest=sink, claims=sink)
    [batch] = json.loads(bytes(sink.data))
    # THEN the batch and each entry have exactly the keys of their declared shape
    assert set(batch) == set(shapes.Batch.__required_keys__)
    entries = batch[shapes.BATCH_RECORDS]
    assert [entry[shapes.KEY_STATUS] for entry in entries] == list(shapes.ENTRY_STATUSES)
    for entry in entries:
        assert set(entry) == set(shapes.ENTRY_SHAPES[entry[shapes.KEY_STATUS]].__required_keys__)


def test_error_names_are_the_exception_class_names() -> None:
    # GIVEN the named exceptions a Lambda raises / THEN the ASL names are their class names
    assert shapes.ERROR_ORDER_CONFLICT == errors.OrderConflict.__name__ == "OrderConflict"
    assert shapes.ERROR_TRANSIENT == errors.TransientError.__name__ == "TransientError"


def _mutated(change: str) -> dict[str, Any]:
    definition = copy.deepcopy(DEFINITION)
    record = _record_states(definition)
    if change == "status":
        record[names.ROUTE_RECORD]["Choices"][0]["StringEquals"] = "ok"
    elif change == "entry key":
        record[names.STORE_RECORD]["Parameters"]["Item.$"] = "$.record.order"
    elif change == "error name":
        record[names.STORE_LARGE_RECORD]["Catch"][0]["ErrorEquals"] = ["OrderClash"]
    elif change == "result key":
        definition["States"][names.ROUTE_FILE]["Choices"][1]["Variable"] = "$.validation.batch_count"
    elif change == "event key":
        record[names.STORE_LARGE_RECORD]["Parameters"]["digest.$"] = record[names.STORE_LARGE_RECORD][
            "Parameters"
        ].pop("hash.$")
    elif change == "review key":
        review = record[names.DESCRIBE_CONFLICT]["Parameters"]["record"]["review"]
        review["index.$"] = review.pop("record_index.$")
    elif change == "transient retry":
        definition["States"][names.VALIDATE_FILE]["Retry"][1]["ErrorEquals"].remove(shapes.ERROR_TRANSIENT)
    return definition


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ("status", "RouteRecord routes ['invalid', 'large', 'ok']"),
        ("entry key", "reads $.record.order: no manifest entry has that key"),
        ("error name", "handles OrderClash: no Lambda of this pipeline raises it"),
        ("result key", "reads $.validation.batch_count: the validator returns no such key"),
        ("event key", "StoreLargeRecord passes ['digest', 'index', 'pointer', 'source']"),
        ("review key", "DescribeConflict builds a review with"),
        ("transient retry", "ValidateFile does not retry TransientError"),
    ],
)
def test_a_disagreement_is_reported(change: str, problem: str) -> None:
    # GIVEN the definition with one seam changed on the ASL side only
    # WHEN checking it / THEN the disagreement is named
    assert any(problem in found for found in seam_problems(_mutated(change))), seam_problems(_mutated(change))


_LARGE = 'STATUS_LARGE: Final = "large"'
# Modules that copy names out of handlers.seams.shapes at import, in dependency order.
_RELOADED = (
    "handlers.seams.shapes",
    "handlers.seams.ledgeritem",
    "handlers.core.pipeline",
    "workflow.paths",
    "workflow.retries",
    "workflow.reviewstates",
    "workflow.recordstates",
    "workflow.batches",
    "workflow.ledgerwrites",
    "workflow.filestates",
    "workflow.largelane",
    "workflow.express",
    "workflow.definition",
    "workflow.ledgerseams",
    "workflow.seams",
)


@pytest.fixture
def renamed() -> Iterator[None]:
    """Rename a status in handlers/seams/shapes.py and the OrderConflict class, then rebuild everything."""
    shapes_module = importlib.import_module("handlers.seams.shapes")
    text = Path(shapes_module.__file__ or "").read_text(encoding="utf-8")
    assert _LARGE in text
    original_name = errors.OrderConflict.__name__
    try:
        errors.OrderConflict.__name__ = "OrderClash"
        # The module's own text with one constant renamed, run in place of the module.
        exec(
            compile(text.replace(_LARGE, _LARGE.replace('"large"', '"claimed"')), "shapes", "exec"),
            vars(shapes_module),
        )
        for name in _RELOADED[1:]:
            importlib.reload(importlib.import_module(name))
        yield
    finally:
        errors.OrderConflict.__name__ = original_name
        for name in _RELOADED:
            importlib.reload(importlib.import_module(name))


def test_renaming_a_status_or_an_error_class_in_one_place_is_enough(renamed: None) -> None:
    from handlers.core.pipeline import process_file
    from workflow.definition import build_definition as rebuild
    from workflow.seams import seam_problems as check

    # GIVEN "large" renamed in handlers/seams/shapes.py and OrderConflict renamed (nothing else edited)
    definition = rebuild()
    record = _record_states(definition)
    # THEN the ASL routes the new status and catches the new name, and still agrees with the handlers
    assert "claimed" in {choice["StringEquals"] for choice in record[names.ROUTE_RECORD]["Choices"]}
    assert record[names.STORE_LARGE_RECORD]["Catch"][0]["ErrorEquals"] == ["OrderClash"]
    assert check(definition) == []
    # AND the validator writes the new status for a claim-checked record (an SQS-unsafe character)
    body = b'{"order-info": {"order_id": "1", "note": "\\uffff"}, "contact-info": {"email": "a@b"}}'
    sink = _Sink()
    process_file(io.BytesIO(body), source=_SOURCE, manifest=sink, claims=sink)
    assert b'"status":"claimed"' in bytes(sink.data)


_SOURCE: shapes.ValidatorEvent = {"bucket": "b", "key": "k.json", "version_id": "v", "etag": None}


class _Sink:
    """A manifest and claim sink in memory."""

    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, data: bytes) -> None:
        self.data += data

    def commit(self) -> str:
        return "v1"

    def abort(self) -> None:
        self.data.clear()

    def put(self, key: str, body: bytes) -> str:
        return "c1"
