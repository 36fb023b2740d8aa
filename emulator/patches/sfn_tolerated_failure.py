"""Gap (moto 5.2.5): a Distributed Map never enforces `ToleratedFailurePercentage`/`ToleratedFailureCount`.

moto parses both, but `DistributedItemProcessorWorker._eval_job` only counts a failed child
(`item_counter.failed`) and closes it with a null result, so the Map state SUCCEEDS whatever fails:
a lost record hides behind a green run. AWS fails the Map Run, and the Map state with
`States.ExceedToleratedFailureThreshold` (catchable by the parent), once the failed or timed-out
children exceed a threshold given (either one, when both are); with neither given the tolerance is
zero (AWS: "the default is zero: the workflow fails if any one child fails or times out").

Patched at the narrowest points: `StateMap.from_state_props` notes which thresholds the definition
gives; `DistributedIterationComponent._map_run`, after the children finish (AWS may also let
children run on past the threshold before failing the run), compares moto's own counters with
the thresholds moto already evaluated into the MapRunRecord and raises the AWS error. moto then
records MapRunFailed and the Map state's Retry/Catch apply as usual.
"""

from __future__ import annotations

import functools
from typing import Any

from moto.stepfunctions.parser.api import ExecutionFailedEventDetails, HistoryEventType
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
    FailureEvent,
    FailureEventException,
)
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (
    StatesErrorNameType,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration import (
    distributed_iteration_component,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_map.state_map import StateMap
from moto.stepfunctions.parser.asl.component.state.exec.state_map.tolerated_failure import (
    ToleratedFailureCountDecl,
    ToleratedFailurePercentageDecl,
)
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

DistributedIterationComponent = distributed_iteration_component.DistributedIterationComponent

PROVEN_BY = "tests/unit/emulator/test_emulator_tolerated_failure.py"

ERROR = StatesErrorNameType.StatesExceedToleratedFailureThreshold
# Which thresholds the state's definition gives: (count given, percentage given).
_GIVEN = "_emulator_tolerance_given"


def install() -> None:
    StateMap.from_state_props = _from_state_props(StateMap.from_state_props)  # type: ignore[method-assign]
    DistributedIterationComponent._map_run = _map_run(  # type: ignore[method-assign]
        DistributedIterationComponent._map_run
    )


def exceeded(
    failed: int, total: int, *, count: int | None, percentage: float | None
) -> bool:
    """Whether `failed` of `total` items exceed the thresholds given (None: not given)."""
    if count is None and percentage is None:
        return failed > 0
    over_count = count is not None and failed > count
    over_percentage = percentage is not None and total > 0 and failed * 100.0 / total > percentage
    return over_count or over_percentage


def _from_state_props(original: Any) -> Any:
    @functools.wraps(original)
    def from_state_props(self: StateMap, state_props: Any) -> None:
        original(self, state_props)
        given = (
            state_props.get(ToleratedFailureCountDecl) is not None,
            state_props.get(ToleratedFailurePercentageDecl) is not None,
        )
        setattr(self.iteration_component, _GIVEN, given)

    return from_state_props


def _map_run(original: Any) -> Any:
    @functools.wraps(original)
    def map_run(self: DistributedIterationComponent, env: Any, eval_input: Any) -> None:
        original(self, env=env, eval_input=eval_input)
        record = eval_input.map_run_record
        items = record.item_counter
        failed = items.failed.get() + items.timed_out.get()
        count_given, percentage_given = getattr(self, _GIVEN, (False, False))
        count = record.tolerated_failure_count if count_given else None
        percentage = record.tolerated_failure_percentage if percentage_given else None
        if not exceeded(failed, items.total.get(), count=count, percentage=percentage):
            return
        env.stack.pop()  # the children's results, which the failed state does not output
        cause = (
            f"{failed} of {items.total.get()} items failed or timed out; tolerated: "
            f"ToleratedFailureCount={count}, ToleratedFailurePercentage={percentage}"
        )
        raise FailureEventException(
            failure_event=FailureEvent(
                env=env,
                error_name=StatesErrorName(typ=ERROR),
                event_type=HistoryEventType.ExecutionFailed,
                event_details=EventDetails(  # type: ignore[typeddict-item]  # as moto builds them
                    executionFailedEventDetails=ExecutionFailedEventDetails(
                        error=ERROR.to_name(), cause=cause
                    )
                ),
            )
        )

    return map_run
