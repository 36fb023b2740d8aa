"""Check a rendered definition (either state machine) against the shapes the Lambda code uses.

The ASL builds its paths, Choice values, ledger writes and error names from handlers/seams/shapes.py and
handlers/seams/ledgeritem.py, so they cannot drift by a rename; this check catches what building cannot: a
path typed by hand, a key read that no handler writes, a status without a route, an error name no
Lambda raises, a ledger attribute or status nobody declared, a minimal review whose keys are not the
declared ones. The large-file machine (ProcessBatches: parent, batch child, record iteration) and the
small-file one (StoreRecords: parent and record iteration, the validator's result inline) alike. One
sentence per problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from handlers.core.reviewmessages import (
    MINIMAL_REVIEW_KEYS,
    MINIMAL_REVIEW_SEND_ERROR,
    file_review,
    record_review,
)
from handlers.seams import shapes
from workflow import names
from workflow.ledgerseams import ledger_problems, outcome_problems
from workflow.paths import RECORD_KEY, SOURCE_ATTRIBUTE_KEY, VALIDATION_KEY
from workflow.reviewstates import ERROR_PATH

# `$.a.b['c-d']` in a path field or inside an intrinsic function; `$$.` (the context object) is not state.
_PATH = re.compile(r"(?<![$\w])\$((?:\.\w+|\['[^']*'\])+)")
_SEGMENT = re.compile(r"\.(\w+)|\['([^']*)'\]")
_ERROR_FIELDS = frozenset({"Error", "Cause"})
_LAMBDA_TASKS = (names.VALIDATE_FILE, names.STORE_LARGE_RECORD)


def _keys(shape: Any) -> frozenset[str]:
    return frozenset(shape.__required_keys__ | shape.__optional_keys__)


def review_keys() -> frozenset[str]:
    """The keys of a record review as the validator writes it (handlers/core/reviewmessages.py)."""
    review = record_review(reason="", message="", source={}, index=0, line=None, order_id=None)
    return frozenset(review)


def entry_keys() -> frozenset[str]:
    return frozenset().union(*(_keys(shape) for shape in shapes.ENTRY_SHAPES.values()))


def file_review_keys() -> frozenset[str]:
    """The keys of a file review as the validator writes it (handlers/core/reviewmessages.py)."""
    return frozenset(file_review(reason="", message="", source={}))


def result_keys(*, small: bool = False) -> frozenset[str]:
    """The keys of the validator's results: the large lane's, or the small lane's (`inline` true)."""
    if small:
        return _keys(shapes.InlineResult) | _keys(shapes.HandOffResult) | _keys(shapes.InlineRejectedResult)
    large = (shapes.AcceptedResult, shapes.RejectedResult, shapes.SplitResult, shapes.TurnResult)
    return frozenset().union(*(_keys(shape) for shape in large))


def _segments(path: str) -> list[str]:
    return [dotted or bracketed for dotted, bracketed in _SEGMENT.findall(path)]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            # A ResultSelector reads the task's result, not the state's input.
            if key not in ("ItemProcessor", "Iterator", "ResultSelector"):
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _paths(state: dict[str, Any]) -> Iterator[list[str]]:
    for text in _strings(state):
        for match in _PATH.finditer(text):
            yield _segments(match.group(1))


def _param_keys(parameters: dict[str, Any]) -> frozenset[str]:
    return frozenset(key.removesuffix(".$") for key in parameters)


def _record_path_problems(segments: list[str]) -> Iterator[str]:
    error_root = ERROR_PATH.removeprefix("$.")
    roots = {RECORD_KEY, shapes.BATCH_SOURCE, shapes.BATCH_REVIEW_SOURCE, SOURCE_ATTRIBUTE_KEY, error_root}
    root, rest = segments[0], segments[1:]
    if root not in roots:
        yield f"reads ${'.'.join(['', *segments])}: a record iteration has no {root!r}"
    elif root == RECORD_KEY and rest and rest[0] not in entry_keys():
        yield f"reads $.{RECORD_KEY}.{rest[0]}: no manifest entry has that key"
    elif root == RECORD_KEY and rest[:1] == [shapes.KEY_REVIEW] and rest[1:2]:
        if rest[1] not in review_keys():
            yield f"reads $.{RECORD_KEY}.{shapes.KEY_REVIEW}.{rest[1]}: a review has no such key"
    elif root == error_root and rest and rest[0] not in _ERROR_FIELDS:
        yield f"reads {ERROR_PATH}.{rest[0]}: a caught error has only Error and Cause"


def _written(states: dict[str, Any]) -> frozenset[str]:
    """The top-level keys the states of one scope write themselves (a `ResultPath` of `$.key`)."""
    paths = (state.get("ResultPath") for state in states.values())
    return frozenset(
        _segments(path[1:])[0] for path in paths if isinstance(path, str) and path.startswith("$.")
    )


def _batch_path_problems(segments: list[str]) -> Iterator[str]:
    if segments[0] not in _keys(shapes.ChildInput):
        yield f"reads $.{segments[0]}: a batch has no such key"
    elif segments[0] == shapes.BATCH_LEDGER and segments[1:] and segments[1] not in _keys(shapes.ChildLedger):
        yield f"reads $.{shapes.BATCH_LEDGER}.{segments[1]}: a child's ledger has no such key"


def _child_input_problems(parent: dict[str, Any]) -> Iterator[str]:
    """ProcessBatches builds each child's input: the ChildInput keys, its ledger the ChildLedger's."""
    selector = parent[names.PROCESS_BATCHES].get("ItemSelector", {})
    child, ledger = _keys(shapes.ChildInput), _keys(shapes.ChildLedger)
    if _param_keys(selector) != child:
        yield f"{names.PROCESS_BATCHES} selects {sorted(_param_keys(selector))}, not {sorted(child)}"
    selected = selector.get(shapes.BATCH_LEDGER)
    if isinstance(selected, dict) and _param_keys(selected) != ledger:
        yield f"{names.PROCESS_BATCHES} selects ledger {sorted(_param_keys(selected))}, not {sorted(ledger)}"


def _parent_path_problems(segments: list[str], *, small: bool) -> Iterator[str]:
    if segments[0] != VALIDATION_KEY or len(segments) < 2:
        return
    key, rest = segments[1], segments[2:]
    if key not in result_keys(small=small):
        yield f"reads $.validation.{key}: the validator returns no such key"
    elif key == shapes.RESULT_BATCH and rest and rest[0] not in _keys(shapes.Batch):
        yield f"reads $.validation.{key}.{rest[0]}: a batch has no such key"
    elif key == shapes.RESULT_LEDGER and rest and rest[0] not in _keys(shapes.LedgerAttributes):
        yield f"reads $.validation.{key}.{rest[0]}: the validator's ledger attributes have no such key"
    elif key == shapes.RESULT_MANIFEST and rest and rest[0] not in _keys(shapes.ManifestLocation):
        yield f"reads $.validation.{key}.{rest[0]}: a manifest location has no such key"
    elif key == shapes.RESULT_REVIEW and rest and rest[0] not in review_keys():
        yield f"reads $.validation.{key}.{rest[0]}: a review has no such key"


def _scopes(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """parent, batch (the large machine's child) and record states; {} for an unknown machine."""
    parent = definition.get("States", {})
    if names.PROCESS_BATCHES in parent:
        batch = parent[names.PROCESS_BATCHES]["ItemProcessor"]["States"]
        record = batch[names.STORE_BATCH]["ItemProcessor"]["States"]
        return {"parent": parent, "batch": batch, "record": record}
    if names.STORE_RECORDS in parent:
        return {"parent": parent, "record": parent[names.STORE_RECORDS]["ItemProcessor"]["States"]}
    return {}


def _route_problems(record_states: dict[str, Any], *, small: bool) -> Iterator[str]:
    choices = record_states[names.ROUTE_RECORD]["Choices"]
    variables = {choice.get("Variable") for choice in choices}
    status_path = f"$.{RECORD_KEY}.{shapes.KEY_STATUS}"
    if variables != {status_path}:
        yield f"{names.ROUTE_RECORD} routes on {sorted(map(str, variables))}, not {status_path}"
    routed = sorted(str(choice.get("StringEquals")) for choice in choices)
    written = sorted(shapes.INLINE_ENTRY_STATUSES if small else shapes.ENTRY_STATUSES)
    if routed != written:
        yield f"{names.ROUTE_RECORD} routes {routed}; the validator writes {written}"


def _error_problems(states: dict[str, Any], scope: str) -> Iterator[str]:
    for name, state in states.items():
        handlers = [*state.get("Retry", []), *state.get("Catch", [])]
        for error in (error for handler in handlers for error in handler["ErrorEquals"]):
            # `States.*` and `<Service>.*` are Step Functions' names; a bare name is one of ours.
            if "." not in error and error not in shapes.LAMBDA_ERRORS:
                yield f"{scope} {name} handles {error}: no Lambda of this pipeline raises it"
        if name in _LAMBDA_TASKS:
            retried = {error for retry in state.get("Retry", []) for error in retry["ErrorEquals"]}
            if shapes.ERROR_TRANSIENT not in retried:
                yield f"{name} does not retry {shapes.ERROR_TRANSIENT}"


def _event_problems(scopes: dict[str, dict[str, Any]], *, small: bool) -> Iterator[str]:
    events = {
        names.VALIDATE_FILE: (
            scopes["parent"],
            _keys(shapes.InlineEvent if small else shapes.ValidatorEvent),
        ),
        names.STORE_LARGE_RECORD: (scopes["record"], _keys(shapes.StoreLargeEvent)),
    }
    for name, (states, expected) in events.items():
        if name not in states:
            continue
        given = _param_keys(states[name]["Parameters"])
        if given != expected:
            yield f"{name} passes {sorted(given)}; its Lambda's event has {sorted(expected)}"
    validate = scopes["parent"][names.VALIDATE_FILE]["Parameters"]
    if small and validate.get(shapes.EVENT_INLINE, True) is not True:
        yield f"{names.VALIDATE_FILE} does not pass {shapes.EVENT_INLINE} true (the small lane)"


def _review_problems(scopes: dict[str, dict[str, Any]]) -> Iterator[str]:
    """Conflict reviews have a full review's keys; minimal reviews the declared minimal keys."""
    for name in (names.DESCRIBE_CONFLICT, names.DESCRIBE_LARGE_CONFLICT):
        if name not in scopes["record"]:
            continue
        review = scopes["record"][name]["Parameters"][RECORD_KEY][shapes.KEY_REVIEW]
        if _param_keys(review) != review_keys():
            yield f"{name} builds a review with {sorted(_param_keys(review))}, not {sorted(review_keys())}"
    minimal = frozenset(MINIMAL_REVIEW_KEYS)
    record, parent = scopes["record"], scopes["parent"]
    built = {
        names.DESCRIBE_MINIMAL_REVIEW: record[names.DESCRIBE_MINIMAL_REVIEW]["Parameters"][RECORD_KEY][
            shapes.KEY_REVIEW
        ],
        names.DESCRIBE_MINIMAL_FILE_REVIEW: parent[names.DESCRIBE_MINIMAL_FILE_REVIEW]["Parameters"],
    }
    for name, review in built.items():
        extra, missing = sorted(_param_keys(review) - minimal), sorted(minimal - _param_keys(review))
        if extra or missing:
            yield (
                f"{name} builds a minimal review with {extra} and without {missing}"
                " (handlers/core/reviewmessages.py)"
            )


def _iteration_problems(scopes: dict[str, dict[str, Any]], *, small: bool) -> Iterator[str]:
    record_map = scopes["parent"][names.STORE_RECORDS] if small else scopes["batch"][names.STORE_BATCH]
    name = names.STORE_RECORDS if small else names.STORE_BATCH
    iteration = {RECORD_KEY, shapes.BATCH_SOURCE, shapes.BATCH_REVIEW_SOURCE, SOURCE_ATTRIBUTE_KEY}
    if _param_keys(record_map.get("ItemSelector", {})) != iteration:
        yield f"{name} selects {sorted(_param_keys(record_map.get('ItemSelector', {})))}"


def _shape_problems(scopes: dict[str, dict[str, Any]], *, small: bool) -> Iterator[str]:
    yield from _event_problems(scopes, small=small)
    if names.STORE_LARGE_RECORD in scopes["record"]:
        caught = {
            error
            for catch in scopes["record"][names.STORE_LARGE_RECORD].get("Catch", [])
            for error in catch["ErrorEquals"]
        }
        if shapes.ERROR_ORDER_CONFLICT not in caught:
            yield f"{names.STORE_LARGE_RECORD} does not catch {shapes.ERROR_ORDER_CONFLICT}"
    yield from _review_problems(scopes)
    yield from _iteration_problems(scopes, small=small)
    scope, counts = ("parent", names.STORE_RECORDS) if small else ("batch", names.STORE_BATCH)
    yield from (f"{scope} {problem}" for problem in outcome_problems(scopes[scope], counts))
    if not small:
        yield from _child_input_problems(scopes["parent"])
    if small:
        handoff = _param_keys(scopes["parent"][names.DESCRIBE_HANDOFF]["Parameters"])
        if handoff != _keys(shapes.HandOffResult):
            yield (
                f"{names.DESCRIBE_HANDOFF} builds {sorted(handoff)}; the validator's hand-off has "
                f"{sorted(_keys(shapes.HandOffResult))}"
            )


def declaration_problems() -> list[str]:
    """The declarations against each other: a minimal review keeps only keys of the full reviews."""
    full = review_keys() & file_review_keys()
    unknown = sorted(set(MINIMAL_REVIEW_KEYS) - full - {MINIMAL_REVIEW_SEND_ERROR})
    return [
        f"the minimal review's {key!r} is not a key of a full review (handlers/core/reviewmessages.py)"
        for key in unknown
    ]


def seam_problems(definition: dict[str, Any]) -> list[str]:
    """Every disagreement between `definition` (either state machine) and the declared shapes
    (handlers/seams/shapes.py, handlers/seams/ledgeritem.py, handlers/core/reviewmessages.py); empty when
    they agree."""
    scopes = _scopes(definition)
    if not scopes:
        return [f"has neither {names.PROCESS_BATCHES} nor {names.STORE_RECORDS}: not a pipeline machine"]
    small = "batch" not in scopes
    checks: dict[str, Callable[[list[str]], Iterator[str]]] = {
        "parent": partial(_parent_path_problems, small=small),
        "batch": _batch_path_problems,
        "record": _record_path_problems,
    }
    problems: list[str] = declaration_problems()
    for scope, states in scopes.items():
        # The parent's `$.validation` is ValidateFile's result, whose keys are checked; inside a child
        # or an iteration, a key a state writes itself (`$.outcomes`, `$.outcome`) is not an input key.
        written = _written(states) if scope != "parent" else frozenset()
        for name, state in states.items():
            paths = [path for path in _paths(state) if path[0] not in written]
            problems += [f"{scope} {name} {p}" for path in paths for p in checks[scope](path)]
        problems += _error_problems(states, scope)
        problems += [f"{scope} {problem}" for problem in ledger_problems(states)]
    problems += _route_problems(scopes["record"], small=small)
    problems += _shape_problems(scopes, small=small)
    return problems
