"""Large lane, a split file (handlers/flows/ranges.py): two inline Maps over the validator's ranges, then a
combining step whose result is an unsplit validation's (its one joined manifest), routed as one.

CountRanges (each range's records and newlines) -> ValidateRanges (each range from the prefix sums:
global record indexes and lines; its part of the manifest, packs and part summary) -> CombineRanges
(the file's result in `$.validation`) -> RouteSplitFile (the same outcomes as RouteFile). A range that
fails is retried like ValidateFile; one that fails permanently fails the file (MarkFileFailed): never
DONE with records missing. State data: the ranges, their counts and part pointers (no content), at
most handlers/seams/throughput.py MAX_RANGES of each.
"""

from __future__ import annotations

from typing import Any

from stepfunctions.steps.choice_rule import ChoiceRule
from stepfunctions.steps.states import State

from handlers.seams.rangekeys import COUNT, COUNTS, PARTS, RANGE, RANGES
from handlers.seams.shapes import (
    LOCATION_BUCKET,
    LOCATION_KEY,
    LOCATION_VERSION_ID,
    RESULT_BATCHES,
    RESULT_FILE_REJECTED,
    SOURCE_ETAG,
)
from handlers.seams.throughput import RANGE_CONCURRENCY
from workflow import names
from workflow.paths import VALIDATION, validation
from workflow.retries import LAMBDA_TRANSIENT, throttled_then_transient
from workflow.sdk import Catch, Choice, InlineMap, Task

# Where the parent keeps the counting pass's results and the validating pass's part pointers.
COUNTS_PATH = f"$.{COUNTS}"
PARTS_PATH = f"$.{PARTS}"
_IDENTITY = (LOCATION_BUCKET, LOCATION_KEY, LOCATION_VERSION_ID, SOURCE_ETAG)


def _identity() -> dict[str, str]:
    return {f"{name}.$": f"$.file.{name}" for name in _IDENTITY}


def _range_task(state_id: str) -> Task:
    """The validator on one range (the iteration's input is its event, handlers/flows/rangestep.py)."""
    return Task(
        state_id,
        resource=names.sub(names.VALIDATOR_FUNCTION_ARN),
        retry=throttled_then_transient(LAMBDA_TRANSIENT),
    )


def _range_map(
    state_id: str, task_id: str, extra: dict[str, Any], result_path: str, catch: Catch
) -> InlineMap:
    ranges = InlineMap(
        state_id,
        items_path=validation(RANGES),
        item_selector={**_identity(), f"{RANGE}.$": "$$.Map.Item.Value", **extra},
        max_concurrency=RANGE_CONCURRENCY,
        result_path=result_path,
        catch=catch,
    )
    ranges.attach_processor(_range_task(task_id))
    return ranges


def route_split_file(*, rejected: State, stored: State, done: State) -> Choice:
    """RouteSplitFile: a combined result (ranges or turns) to `rejected` (the file rejection), `stored`
    (the records' stage) or `done` (a file without batches)."""
    route = Choice(names.ROUTE_SPLIT_FILE)
    route.add_choice(ChoiceRule.BooleanEquals(validation(RESULT_FILE_REJECTED), True), rejected)
    route.add_choice(ChoiceRule.NumericGreaterThan(validation(RESULT_BATCHES), 0), stored)
    route.default_choice(done)
    return route


def identity() -> dict[str, str]:
    """The validator event's file identity, from `$.file` (Task Parameters)."""
    return _identity()


def build_split_validation(*, catch: Catch, route: Choice) -> InlineMap:
    """CountRanges -> ValidateRanges -> CombineRanges -> `route` (RouteSplitFile); the first state."""
    combine = Task(
        names.COMBINE_RANGES,
        resource=names.sub(names.VALIDATOR_FUNCTION_ARN),
        parameters={**_identity(), f"{PARTS}.$": PARTS_PATH},
        result_path=VALIDATION,
        retry=throttled_then_transient(LAMBDA_TRANSIENT),
        catch=catch,
    )
    combine.next(route)
    validate = _range_map(
        names.VALIDATE_RANGES, names.VALIDATE_RANGE, {f"{COUNTS}.$": COUNTS_PATH}, PARTS_PATH, catch
    )
    validate.next(combine)
    count = _range_map(names.COUNT_RANGES, names.COUNT_RANGE, {COUNT: True}, COUNTS_PATH, catch)
    count.next(validate)
    return count
