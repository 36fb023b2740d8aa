"""Check a rendered definition against the shapes the Lambda code uses (handlers/shapes.py).

The ASL builds its paths, Choice values and error names from handlers/shapes.py, so they cannot drift
by a rename; this check catches what building cannot: a path typed by hand, a key read that no
handler writes, a status without a route, an error name no Lambda raises. One sentence per problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from handlers import shapes
from handlers.review import record_review
from workflow import names
from workflow.paths import RECORD_KEY, SOURCE_ATTRIBUTE_KEY
from workflow.reviews import ERROR_PATH

# `$.a.b['c-d']` in a path field or inside an intrinsic function; `$$.` (the context object) is not state.
_PATH = re.compile(r"(?<![$\w])\$((?:\.\w+|\['[^']*'\])+)")
_SEGMENT = re.compile(r"\.(\w+)|\['([^']*)'\]")
_ERROR_FIELDS = frozenset({"Error", "Cause"})
_LAMBDA_TASKS = (names.VALIDATE_FILE, names.STORE_LARGE_RECORD)


def _keys(shape: Any) -> frozenset[str]:
    return frozenset(shape.__required_keys__ | shape.__optional_keys__)


def review_keys() -> frozenset[str]:
    """The keys of a record review as the validator writes it (handlers/review.py)."""
    review = record_review(reason="", message="", source={}, index=0, line=None, order_id=None)
    return frozenset(review)


def entry_keys() -> frozenset[str]:
    return frozenset().union(*(_keys(shape) for shape in shapes.ENTRY_SHAPES.values()))


def result_keys() -> frozenset[str]:
    return _keys(shapes.AcceptedResult) | _keys(shapes.RejectedResult) | _keys(shapes.SplitResult)


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


def _parent_path_problems(segments: list[str]) -> Iterator[str]:
    if segments[0] != "validation" or len(segments) < 2:
        return
    key, rest = segments[1], segments[2:]
    if key not in result_keys():
        yield f"reads $.validation.{key}: the validator returns no such key"
    elif key == shapes.RESULT_MANIFEST and rest and rest[0] not in _keys(shapes.ManifestLocation):
        yield f"reads $.validation.{key}.{rest[0]}: a manifest location has no such key"
    elif key == shapes.RESULT_REVIEW and rest and rest[0] not in review_keys():
        yield f"reads $.validation.{key}.{rest[0]}: a review has no such key"


def _scopes(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    parent = definition["States"]
    batch = parent[names.PROCESS_BATCHES]["ItemProcessor"]["States"]
    record = batch[names.STORE_BATCH]["ItemProcessor"]["States"]
    return {"parent": parent, "batch": batch, "record": record}


def _route_problems(record_states: dict[str, Any]) -> Iterator[str]:
    choices = record_states[names.ROUTE_RECORD]["Choices"]
    variables = {choice.get("Variable") for choice in choices}
    status_path = f"$.{RECORD_KEY}.{shapes.KEY_STATUS}"
    if variables != {status_path}:
        yield f"{names.ROUTE_RECORD} routes on {sorted(map(str, variables))}, not {status_path}"
    routed = sorted(str(choice.get("StringEquals")) for choice in choices)
    if routed != sorted(shapes.ENTRY_STATUSES):
        yield f"{names.ROUTE_RECORD} routes {routed}; the validator writes {sorted(shapes.ENTRY_STATUSES)}"


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


def _shape_problems(scopes: dict[str, dict[str, Any]]) -> Iterator[str]:
    events = {
        names.VALIDATE_FILE: (scopes["parent"], _keys(shapes.ValidatorEvent)),
        names.STORE_LARGE_RECORD: (scopes["record"], _keys(shapes.StoreLargeEvent)),
    }
    for name, (states, expected) in events.items():
        given = _param_keys(states[name]["Parameters"])
        if given != expected:
            yield f"{name} passes {sorted(given)}; its Lambda's event has {sorted(expected)}"
    caught = {
        error
        for catch in scopes["record"][names.STORE_LARGE_RECORD].get("Catch", [])
        for error in catch["ErrorEquals"]
    }
    if shapes.ERROR_ORDER_CONFLICT not in caught:
        yield f"{names.STORE_LARGE_RECORD} does not catch {shapes.ERROR_ORDER_CONFLICT}"
    for name in (names.DESCRIBE_CONFLICT, names.DESCRIBE_LARGE_CONFLICT):
        review = scopes["record"][name]["Parameters"][RECORD_KEY][shapes.KEY_REVIEW]
        if _param_keys(review) != review_keys():
            yield f"{name} builds a review with {sorted(_param_keys(review))}, not {sorted(review_keys())}"
    store_batch = scopes["batch"][names.STORE_BATCH]
    iteration = {RECORD_KEY, shapes.BATCH_SOURCE, shapes.BATCH_REVIEW_SOURCE, SOURCE_ATTRIBUTE_KEY}
    if _param_keys(store_batch.get("ItemSelector", {})) != iteration:
        yield f"{names.STORE_BATCH} selects {sorted(_param_keys(store_batch.get('ItemSelector', {})))}"


def seam_problems(definition: dict[str, Any]) -> list[str]:
    """Every disagreement between `definition` and handlers/shapes.py; empty when they agree."""
    scopes = _scopes(definition)
    checks = {"parent": _parent_path_problems, "batch": _batch_path_problems, "record": _record_path_problems}
    problems: list[str] = []
    for scope, states in scopes.items():
        # The parent's `$.validation` is ValidateFile's result, whose keys are checked; inside a child
        # or an iteration, a key a state writes itself (`$.outcomes`, `$.outcome`) is not an input key.
        written = _written(states) if scope != "parent" else frozenset()
        for name, state in states.items():
            paths = [path for path in _paths(state) if path[0] not in written]
            problems += [f"{scope} {name} {p}" for path in paths for p in checks[scope](path)]
        problems += _error_problems(states, scope)
    problems += _route_problems(scopes["record"])
    problems += _shape_problems(scopes)
    return problems
