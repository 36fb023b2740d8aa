"""Both state machines agree with the declared seams; a rename on one side is one named problem.

Failure class: a key, status, ledger attribute or output name typed by hand on one side of a seam
(the small-file lane's result and hand-off, the file ledger item, the minimal review, the stack
outputs) that the other side no longer reads or writes. Before dabe08d the small machine could not be
checked at all: `seam_problems(build_small_file_definition())` raised KeyError 'ProcessBatches'.
"""

from __future__ import annotations

import copy
import importlib
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from handlers.core.reviewmessages import MINIMAL_REVIEW_KEYS, record_review
from handlers.flows.inline import HANDOFF_RECORDS, handoff_result, validate_inline
from handlers.seams import shapes
from resources.outputs import STACK_OUTPUTS, output_problems
from workflow import names, seams
from workflow.definition import build_definition, build_small_file_definition
from workflow.seams import declaration_problems, seam_problems

LARGE = build_definition()
SMALL = build_small_file_definition()
TEMPLATE = json.loads((Path(__file__).parents[3] / "output" / "template.json").read_text(encoding="utf-8"))


def _keys(shape: Any) -> set[str]:
    return set(shape.__required_keys__ | shape.__optional_keys__)


def test_both_rendered_definitions_agree_with_the_declarations() -> None:
    # GIVEN the two definitions build.py renders / WHEN checking each / THEN nothing disagrees
    assert seam_problems(LARGE) == []
    assert seam_problems(SMALL) == []
    assert declaration_problems() == []


def test_a_definition_of_neither_machine_is_one_problem_not_a_key_error() -> None:
    assert seam_problems({"States": {}}) == [
        "has neither ProcessBatches nor StoreRecords: not a pipeline machine"
    ]


def _small(states: dict[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = states[names.STORE_RECORDS]["ItemProcessor"]["States"]
    return record


def _batch(states: dict[str, Any]) -> dict[str, Any]:
    batch: dict[str, Any] = states[names.PROCESS_BATCHES]["ItemProcessor"]["States"]
    return batch


def _large_record(states: dict[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = _batch(states)[names.STORE_BATCH]["ItemProcessor"]["States"]
    return record


def _rename_key(mapping: dict[str, Any], old: str, new: str) -> None:
    mapping[new] = mapping.pop(old)


def _set_choice(state: dict[str, Any], index: int, field: str, value: Any) -> None:
    state["Choices"][index][field] = value


# (machine, what is renamed, the edit on the ASL side only, the one problem expected)
MUTATIONS: list[tuple[str, str, Callable[[dict[str, Any]], None], str]] = [
    (
        "small",
        "small-lane result key",
        lambda s: _set_choice(s[names.ROUTE_FILE], 1, "Variable", "$.validation.hand_off"),
        "parent RouteFile reads $.validation.hand_off: the validator returns no such key",
    ),
    (
        "small",
        "inline batch key",
        lambda s: s[names.STORE_RECORDS].__setitem__("ItemsPath", "$.validation.batch.entries"),
        "parent StoreRecords reads $.validation.batch.entries: a batch has no such key",
    ),
    (
        "small",
        "hand-off shape",
        lambda s: _rename_key(s[names.DESCRIBE_HANDOFF]["Parameters"], "handoff_reason.$", "why.$"),
        "DescribeHandOff builds ['file_rejected', 'handoff', 'records', 'why']",
    ),
    (
        "small",
        "inline event flag",
        lambda s: _rename_key(s[names.VALIDATE_FILE]["Parameters"], "inline", "in_line"),
        "ValidateFile passes ['bucket', 'etag', 'in_line', 'key', 'version_id']",
    ),
    (
        "small",
        "inline entry status",
        lambda s: _set_choice(_small(s)[names.ROUTE_RECORD], 0, "StringEquals", "ok"),
        "RouteRecord routes ['invalid', 'ok']; the validator writes ['invalid', 'valid']",
    ),
    (
        "small",
        "ledger attribute (hand-off reason)",
        lambda s: s[names.MARK_FILE_HANDED_OFF]["Parameters"]["ExpressionAttributeNames"].__setitem__(
            "#handoff_reason", "handoff_cause"
        ),
        "parent MarkFileHandedOff writes ledger attribute 'handoff_cause': handlers/seams/ledgeritem.py",
    ),
    (
        "small",
        "ledger status",
        lambda s: s[names.MARK_FILE_HANDED_OFF]["Parameters"]["ExpressionAttributeValues"].__setitem__(
            ":status", {"S": "HANDED_OVER"}
        ),
        "parent MarkFileHandedOff uses ledger status 'HANDED_OVER'",
    ),
    (
        "small",
        "minimal file review key",
        lambda s: _rename_key(s[names.DESCRIBE_MINIMAL_FILE_REVIEW]["Parameters"], "send_error.$", "error.$"),
        "DescribeMinimalFileReview builds a minimal review with ['error'] and without ['send_error']",
    ),
    (
        "large",
        "ledger attribute (bare name in an expression)",
        lambda s: s[names.MARK_FILE_FAILED]["Parameters"].__setitem__(
            "UpdateExpression",
            s[names.MARK_FILE_FAILED]["Parameters"]["UpdateExpression"].replace("error_name", "error"),
        ),
        "parent MarkFileFailed writes ledger attribute 'error'",
    ),
    (
        "large",
        "ledger counter",
        lambda s: _batch(s)[names.COUNT_BATCH]["Parameters"]["ExpressionAttributeNames"].__setitem__(
            "#counted_batches", "counted"
        ),
        "batch CountBatch writes ledger attribute 'counted'",
    ),
    (
        "large",
        "ledger lane",
        lambda s: s[names.CLAIM_FILE]["Parameters"]["Item"].__setitem__("lane", {"S": "std"}),
        "parent ClaimFile claims for lane 'std'",
    ),
    (
        "large",
        "ledger key",
        lambda s: _rename_key(s[names.RECORD_VALIDATION]["Parameters"]["Key"], "file_id", "id"),
        "parent RecordValidation keys the ledger by ['id'], not ['file_id']",
    ),
    (
        "large",
        "validator's ledger attribute",
        lambda s: s[names.MARK_FILE_DONE]["Parameters"]["ExpressionAttributeValues"].__setitem__(
            ":expires_at.$", "$.validation.ledger.expiry"
        ),
        "reads $.validation.ledger.expiry: the validator's ledger attributes have no such key",
    ),
    (
        "small",
        "zero counts of a file without records",
        lambda s: _rename_key(s[names.NO_RECORDS]["Result"], "duplicates", "dupes"),
        "parent NoRecords counts ['conflicts', 'dupes', 'reasons', 'rejected', 'stored']",
    ),
    (
        "large",
        "outcome count",
        lambda s: _batch(s)[names.COUNT_BATCH]["Parameters"]["ExpressionAttributeValues"].__setitem__(
            ":stored", {"N.$": "States.JsonToString($.outcomes.stores)"}
        ),
        "batch CountBatch reads $.outcomes.stores: StoreBatch counts no such outcome",
    ),
    (
        "large",
        "child ledger key (read)",
        lambda s: _batch(s)[names.COUNT_BATCH]["Parameters"]["ExpressionAttributeValues"].__setitem__(
            ":execution", {"S.$": "$.ledger.execution"}
        ),
        "batch CountBatch reads $.ledger.execution: a child's ledger has no such key",
    ),
    (
        "large",
        "child ledger key (built)",
        lambda s: _rename_key(
            s[names.PROCESS_BATCHES]["ItemSelector"]["ledger"], "execution_arn.$", "execution.$"
        ),
        "ProcessBatches selects ledger ['execution', 'file_id'], not ['execution_arn', 'file_id']",
    ),
    (
        "large",
        "minimal record review key",
        lambda s: _rename_key(
            _large_record(s)[names.DESCRIBE_MINIMAL_REVIEW]["Parameters"]["record"]["review"],
            "line.$",
            "line_number.$",
        ),
        "DescribeMinimalReview builds a minimal review with ['line_number'] and without ['line']",
    ),
]


@pytest.mark.parametrize(
    ("machine", "seam", "edit", "problem"), MUTATIONS, ids=[seam for _, seam, _, _ in MUTATIONS]
)
def test_a_rename_on_the_asl_side_is_exactly_one_problem_naming_it(
    machine: str, seam: str, edit: Callable[[dict[str, Any]], None], problem: str
) -> None:
    # GIVEN one machine's definition with one name of one seam changed on the ASL side only
    definition = copy.deepcopy(LARGE if machine == "large" else SMALL)
    edit(definition["States"])
    # WHEN checking it / THEN exactly one problem, and it names the change
    found = seam_problems(definition)
    assert len(found) == 1, found
    assert problem in found[0], found


def test_a_full_review_key_the_minimal_review_keeps_renamed_on_the_handler_side_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN the validator's record review with `line` renamed (handlers/core/reviewmessages.py edited alone)
    def renamed(**fields: Any) -> dict[str, Any]:
        review = record_review(**fields)
        review["line_number"] = review.pop("line")
        return review

    monkeypatch.setattr(seams, "record_review", renamed)
    # WHEN checking the declarations / THEN the minimal review's `line` is the one problem
    assert declaration_problems() == [
        "the minimal review's 'line' is not a key of a full review (handlers/core/reviewmessages.py)"
    ]
    assert "line" in MINIMAL_REVIEW_KEYS


def test_the_small_lane_results_have_the_declared_shapes() -> None:
    # GIVEN a small file with a valid and an invalid record / WHEN the inline core classifies it
    body = (
        b'{"order-info": {"order_id": "1"}, "contact-info": {"email": "a@b"}}\n'
        b'{"order-info": {"order_id": "2"}}\n'
    )
    source: shapes.Source = {"bucket": "b", "key": "k.jsonl", "version_id": "v", "etag": None}
    result = validate_inline(
        io.BytesIO(body), source=source, claims=_NoClaims(), max_rejected=10, max_file_bytes=1 << 20
    )
    # THEN the result has the declared inline keys (the validator turns rejected_by_rule into `ledger`
    # and adds the conflict budget, which MaxRejectedRecords gives)
    expected = _keys(shapes.InlineResult) - {shapes.RESULT_LEDGER, shapes.RESULT_MAX_CONFLICTS} | {
        shapes.RESULT_REJECTED_BY_RULE
    }
    assert set(result) == expected
    assert set(result[shapes.RESULT_BATCH]) == _keys(shapes.Batch)
    statuses = [entry[shapes.KEY_STATUS] for entry in result[shapes.RESULT_BATCH][shapes.BATCH_RECORDS]]
    assert set(statuses) <= set(shapes.INLINE_ENTRY_STATUSES)
    # AND a hand-off has exactly the hand-off's keys (those DescribeHandoff builds too)
    assert set(handoff_result(HANDOFF_RECORDS)) == _keys(shapes.HandOffResult)


def test_the_rendered_template_exports_exactly_the_declared_outputs() -> None:
    # GIVEN output/template.json (build.py --check keeps it fresh) / THEN its outputs are the declared ones
    assert output_problems(TEMPLATE) == []
    assert set(TEMPLATE["Outputs"]) == set(STACK_OUTPUTS)


def test_a_renamed_output_is_exactly_one_problem_naming_both_names() -> None:
    # GIVEN the template with BucketName exported as Bucket (resources/template.py edited alone)
    template = copy.deepcopy(TEMPLATE)
    template["Outputs"]["Bucket"] = template["Outputs"].pop("BucketName")
    # THEN one problem names the undeclared output and the declared one missing
    assert output_problems(template) == [
        "exports ['Bucket'] and not ['BucketName']: resources/outputs.py declares the stack's outputs"
    ]


class _NoClaims:
    def put(self, key: str, body: bytes) -> str:
        raise AssertionError("no record of this file is claim-checked")


_HANDED_OFF = 'LEDGER_STATUS_HANDED_OFF: Final = "HANDED_OFF"'
_COUNTED = 'LEDGER_COUNTED_BATCHES: Final = "counted_batches"'
# Modules that copy names out of handlers.seams.ledgeritem at import, in dependency order.
_LEDGER_READERS = (
    "handlers.seams.ledgeritem",
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
def ledger_renamed() -> Iterator[None]:
    """A ledger status and a ledger attribute renamed in handlers/seams/ledgeritem.py alone, then rebuilt."""
    module = importlib.import_module("handlers.seams.ledgeritem")
    text = Path(module.__file__ or "").read_text(encoding="utf-8")
    assert _HANDED_OFF in text and _COUNTED in text
    renamed = text.replace(_HANDED_OFF, _HANDED_OFF.replace('"HANDED_OFF"', '"PASSED_ON"'))
    renamed = renamed.replace(_COUNTED, _COUNTED.replace('"counted_batches"', '"batches_counted"'))
    try:
        exec(compile(renamed, "ledgeritem", "exec"), vars(module))
        for name in _LEDGER_READERS[1:]:
            importlib.reload(importlib.import_module(name))
        yield
    finally:
        for name in _LEDGER_READERS:
            importlib.reload(importlib.import_module(name))


def test_renaming_a_ledger_status_or_attribute_in_one_place_is_enough(ledger_renamed: None) -> None:
    """Failure class: a ledger name retyped in a state machine builder (before dabe08d, workflow/files.py
    and workflow/batches.py spelled `counted_batches`, `status`, `execution_arn` themselves)."""
    from workflow.definition import build_definition as rebuild
    from workflow.definition import build_small_file_definition as rebuild_small
    from workflow.seams import seam_problems as check

    # GIVEN HANDED_OFF and counted_batches renamed in handlers/seams/ledgeritem.py (nothing else edited)
    large, small = rebuild(), rebuild_small()
    # THEN both machines write the new names and still agree with the declarations
    assert check(large) == [] and check(small) == []
    claim = large["States"][names.CLAIM_FILE]["Parameters"]["ExpressionAttributeValues"]
    assert {"S": "PASSED_ON"} in claim.values()
    handed_off = small["States"][names.MARK_FILE_HANDED_OFF]["Parameters"]["ExpressionAttributeValues"]
    assert handed_off[":status"] == {"S": "PASSED_ON"}
    count = _batch(large["States"])[names.COUNT_BATCH]["Parameters"]["ExpressionAttributeNames"]
    assert "batches_counted" in count.values() and "counted_batches" not in count.values()


@pytest.mark.parametrize("machine", ["large", "small"])
def test_build_refuses_a_seam_disagreement_in_either_machine(
    machine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failure class: a seam checked on one machine only (before dabe08d build.py checked the large
    machine alone, and the small machine's check raised KeyError)."""
    import build

    # GIVEN one machine whose RouteFile reads a result key the validator does not return
    definition = copy.deepcopy(LARGE if machine == "large" else SMALL)
    _set_choice(definition["States"][names.ROUTE_FILE], 0, "Variable", "$.validation.rejected")
    builder = "build_definition" if machine == "large" else "build_small_file_definition"
    monkeypatch.setattr(build, builder, lambda: definition)
    # WHEN rendering / THEN build.py refuses, naming the file and the key
    with pytest.raises(build.BuildError) as refused:
        build.render()
    asl = build.ASL_FILE if machine == "large" else build.SMALL_FILE_ASL_FILE
    expected = f"{asl}: parent RouteFile reads $.validation.rejected: the validator returns no such key"
    assert expected in str(refused.value).splitlines()


def test_build_refuses_a_template_whose_outputs_are_not_the_declared_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import build

    # GIVEN resources/outputs.py declaring one output more than the template exports
    from resources import outputs

    monkeypatch.setattr(outputs, "STACK_OUTPUTS", (*outputs.STACK_OUTPUTS, "ReplayBucketName"))
    # WHEN rendering / THEN build.py refuses, naming it
    with pytest.raises(build.BuildError) as refused:
        build.render()
    assert "template.json: exports [] and not ['ReplayBucketName']" in str(refused.value)
