"""Gap (moto 5.2.5): a Distributed Map child never runs twice.

AWS runs a Distributed Map's EXPRESS children at least once: a child can run again after it ran
(its writes must be idempotent, its counts must not add up twice). moto runs each child exactly
once (and as STANDARD: emulator/patches/asl_grammar.py). Patched at
`DistributedItemProcessorWorker._eval_job`: when emulator/faults.py rolls `express_child.twice`
for a child's input, the child runs a second time after the first, in a fresh frame, its result
discarded and the Map Run's counters untouched (the Map Run reports each item once, as on AWS).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration.itemprocessor.distributed_item_processor_worker import (  # noqa: E501
    DistributedItemProcessorWorker,
)

from emulator import faults

PROVEN_BY = "tests/unit/emulator/test_emulator_faults.py::test_a_distributed_map_child_runs_twice"


def install() -> None:
    DistributedItemProcessorWorker._eval_job = _eval_job(DistributedItemProcessorWorker._eval_job)  # type: ignore[method-assign]


class _Uncounted:
    """Stands in for the Map Run's record during the repeat: every counter call does nothing."""

    def __getattr__(self, name: str) -> _Uncounted:
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> _Uncounted:
        return self


def _eval_job(original: Any) -> Any:
    def eval_job(self: DistributedItemProcessorWorker, env: Any, job: Any) -> None:
        original(self, env, job)
        key = json.dumps(job.job_input, sort_keys=True, default=str)
        if not faults.roll(faults.CHILD_TWICE, key):
            return
        repeat = copy.copy(job)
        frame = self._env.open_inner_frame()
        record = self._map_run_record
        self._map_run_record = _Uncounted()  # type: ignore[assignment]
        try:
            original(self, frame, repeat)
        finally:
            self._map_run_record = record
            self._env.delete_frame(frame)

    return eval_job
