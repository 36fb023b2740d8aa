"""Large lane, a file validated by continuation (handlers/flows/turns.py): a bounded loop of validator turns.

RouteFile -> StartContinuations (the counter at 0) -> CanContinue (while the counter is below
handlers/seams/throughput.py MAX_CONTINUATIONS) -> ContinueValidation (the validator from the checkpoint,
retried like ValidateFile) -> RouteContinuation (another checkpoint: CountContinuation adds 1 to the
counter, back to CanContinue; none: CombineTurns) -> CombineTurns (the turns' parts combined into the
file's result, handlers/flows/rangestep.py) -> RouteSplitFile. Past MAX_CONTINUATIONS the file is FAILED
with TooManyContinuations (MarkFileTooManyContinuations -> TooManyContinuations), never DONE with
records missing, and out of the watchdog's index: a re-drive would need as many turns again. A turn
that fails after its retries fails the file through MarkFileFailed (the Catch), re-driven as usual.

The loop is the one shape workflow/worstcase.py prices (MAX_CONTINUATIONS laps): a Choice whose rule
is `counter < literal`, and one Pass in the loop that sets the counter to States.MathAdd(counter, 1).
State data: the checkpoint (~200 bytes) and one pointer per turn (at most MAX_CONTINUATIONS + 1).
"""

from __future__ import annotations

from stepfunctions.steps.choice_rule import ChoiceRule
from stepfunctions.steps.states import State

from handlers.seams.rangekeys import CHECKPOINT, PARTS, TURNS
from handlers.seams.throughput import MAX_CONTINUATIONS
from workflow import names
from workflow.paths import VALIDATION, validation
from workflow.ranges import identity
from workflow.retries import LAMBDA_TRANSIENT, throttled_then_transient
from workflow.sdk import Catch, Choice, Pass, Task

# The loop's counter: continuations so far (the parent's state data, `{"count": n}`).
TURN_KEY = "turn"
COUNTER_KEY = "count"
TURN = f"$.{TURN_KEY}"
COUNTER = f"{TURN}.{COUNTER_KEY}"
ERROR_TOO_MANY_CONTINUATIONS = "TooManyContinuations"
TOO_MANY_CONTINUATIONS_CAUSE = (
    f"The file was not validated within {MAX_CONTINUATIONS + 1} validator invocations "
    "(handlers/seams/throughput.py MAX_CONTINUATIONS)"
)


def _validator(state_id: str, parameters: dict[str, object], catch: Catch) -> Task:
    return Task(
        state_id,
        resource=names.sub(names.VALIDATOR_FUNCTION_ARN),
        parameters=parameters,
        result_path=VALIDATION,
        retry=throttled_then_transient(LAMBDA_TRANSIENT),
        catch=catch,
    )


def build_continuation(*, catch: Catch, too_many: State, route: Choice) -> Pass:
    """The continuation loop (see the module docstring); `too_many`: where a file past
    MAX_CONTINUATIONS goes (MarkFileTooManyContinuations), `route`: RouteSplitFile. Returns
    StartContinuations."""
    combine = _validator(
        names.COMBINE_TURNS, {**identity(), f"{PARTS}.$": validation(PARTS), TURNS: True}, catch
    )
    combine.next(route)
    can_continue = Choice(names.CAN_CONTINUE)
    count = Pass(
        names.COUNT_CONTINUATION,
        parameters={f"{COUNTER_KEY}.$": f"States.MathAdd({COUNTER}, 1)"},
        result_path=TURN,
    )
    count.next(can_continue)
    route_turn = Choice(names.ROUTE_CONTINUATION)
    route_turn.add_choice(ChoiceRule.IsPresent(validation(CHECKPOINT), True), count)
    route_turn.default_choice(combine)
    turn = _validator(
        names.CONTINUE_VALIDATION,
        {
            **identity(),
            f"{CHECKPOINT}.$": validation(CHECKPOINT),
            f"{PARTS}.$": validation(PARTS),
        },
        catch,
    )
    turn.next(route_turn)
    can_continue.add_choice(ChoiceRule.NumericLessThan(COUNTER, MAX_CONTINUATIONS), turn)
    can_continue.default_choice(too_many)
    start = Pass(names.START_CONTINUATIONS, result={COUNTER_KEY: 0}, result_path=TURN)
    start.next(can_continue)
    return start
