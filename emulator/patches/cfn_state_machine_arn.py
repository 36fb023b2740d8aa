"""Gap (moto 5.2.5): no `Fn::GetAtt <StateMachine>.Arn` (CloudFormation documents `Arn` and `Name`).

Patched by wrapping `moto.stepfunctions.models.StateMachine.get_cfn_attribute`: `Arn` is the ARN.
"""

from __future__ import annotations

import functools
from typing import Any

from moto.stepfunctions.models import StateMachine

PROVEN_BY = (
    "tests/unit/emulator/test_emulator_patches.py::"
    "test_upload_starts_the_state_machine_which_runs_the_real_handler"
)


def install() -> None:
    StateMachine.get_cfn_attribute = _get_cfn_attribute(StateMachine.get_cfn_attribute)  # type: ignore[method-assign]


def _get_cfn_attribute(original: Any) -> Any:
    @functools.wraps(original)
    def get_cfn_attribute(self: StateMachine, attribute_name: str) -> Any:
        return self.arn if attribute_name == "Arn" else original(self, attribute_name)

    return get_cfn_attribute
