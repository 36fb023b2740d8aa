"""Small subclasses of the `stepfunctions` SDK for the ASL fields it lacks (2.3.0, January 2022).

`Block.__init__` rejects unknown keyword arguments through `is_field_allowed`, and `Block.to_dict`
PascalCases every field name; widening `is_field_allowed` is therefore enough to emit a new field.
"""

from __future__ import annotations

from typing import Any, ClassVar

from stepfunctions.steps import states
from stepfunctions.steps.states import Graph


class _Widened:
    """Mixin: accept the extra snake_case field names listed in EXTRA_FIELDS."""

    EXTRA_FIELDS: frozenset[str] = frozenset()

    def is_field_allowed(self, field_name: str) -> bool:
        return field_name in self.EXTRA_FIELDS or super().is_field_allowed(field_name)  # type: ignore[misc]


class Retry(_Widened, states.Retry):  # type: ignore[misc]
    """Retrier with `MaxDelaySeconds` and `JitterStrategy` (capped, jittered exponential backoff)."""

    EXTRA_FIELDS = frozenset({"max_delay_seconds", "jitter_strategy"})


class Task(_Widened, states.Task):  # type: ignore[misc]
    """Task with `ResultSelector`."""

    EXTRA_FIELDS = frozenset({"result_selector"})


class Fail(states.Fail):  # type: ignore[misc]
    """Fail state (unchanged; re-exported so the workflow imports states from one place)."""


class Succeed(states.Succeed):  # type: ignore[misc]
    """Succeed state (unchanged)."""


class Pass(states.Pass):  # type: ignore[misc]
    """Pass state (unchanged)."""


class Choice(states.Choice):  # type: ignore[misc]
    """Choice state (unchanged)."""


class Catch(states.Catch):  # type: ignore[misc]
    """Catcher (unchanged)."""


class _ProcessorMap(_Widened, states.Map):  # type: ignore[misc]
    """Map state emitting `ItemProcessor` (with `ProcessorConfig`) instead of the legacy `Iterator`."""

    PROCESSOR_CONFIG: ClassVar[dict[str, str]] = {}

    def attach_processor(self, processor: states.State | states.Chain) -> None:
        self.processor = processor

    def to_dict(self) -> dict[str, Any]:
        # states.Map.to_dict would add "Iterator"; build from State.to_dict and add ItemProcessor.
        result: dict[str, Any] = states.State.to_dict(self)
        graph: dict[str, Any] = Graph(self.processor).to_dict()
        result["ItemProcessor"] = {"ProcessorConfig": dict(self.PROCESSOR_CONFIG), **graph}
        return result

    def accept(self, visitor: Any) -> None:
        states.State.accept(self, visitor)


class InlineMap(_ProcessorMap):
    """Inline Map (≤ 40 concurrent iterations) with `ItemSelector`."""

    EXTRA_FIELDS = frozenset({"item_selector", "result_selector"})
    PROCESSOR_CONFIG: ClassVar[dict[str, str]] = {"Mode": "INLINE"}


class DistributedMap(_ProcessorMap):
    """Distributed Map: children run as EXPRESS executions, items read from S3 by `ItemReader`."""

    EXTRA_FIELDS = frozenset(
        {"item_reader", "item_selector", "result_selector", "tolerated_failure_percentage", "label"}
    )
    PROCESSOR_CONFIG: ClassVar[dict[str, str]] = {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}
