"""Gap (moto 5.2.5): `execute_change_set` (what `aws cloudformation deploy` uses) never re-parses the
template into the stack, so the stack's Outputs stay empty (create_stack fills them).

Patched by wrapping `moto.cloudformation.models.CloudFormationBackend.execute_change_set`: the
stack's Outputs are rebuilt from the applied template.
"""

from __future__ import annotations

import functools
from typing import Any

from moto.cloudformation.models import CloudFormationBackend

PROVEN_BY = "tests/unit/emulator/test_emulator_patches.py::test_change_set_deploy_fills_outputs"


def install() -> None:
    CloudFormationBackend.execute_change_set = _execute_change_set(  # type: ignore[method-assign]
        CloudFormationBackend.execute_change_set
    )


def _execute_change_set(original: Any) -> Any:
    @functools.wraps(original)
    def execute_change_set(
        self: CloudFormationBackend, change_set_name: str, stack_name: str | None = None
    ) -> None:
        original(self, change_set_name, stack_name)
        change_set = self.describe_change_set(change_set_name)
        if change_set is not None:
            stack = self.stacks[change_set.stack_id]
            stack._parse_template()
            stack.description = stack.template_dict.get("Description")
            stack.output_map = stack._create_output_map()

    return execute_change_set
