"""Gap (moto 5.2.5): an UPDATE change set that changes nothing is CREATE_COMPLETE whenever the request's
parameters differ from the ones the stack was *created* with as a dict: `aws cloudformation deploy`
passes every parameter not overridden as `UsePreviousValue` (resolved, typed values) and the overridden
ones as strings, so a second, unchanged deploy "updates" the stack. AWS fails such a change set
("The submitted information didn't contain changes."), and `deploy` then exits non-zero unless
`--no-fail-on-empty-changeset`.

Patched by wrapping `moto.cloudformation.models.CloudFormationBackend.create_change_set`: an UPDATE
change set whose template equals the stack's and whose effective parameters (each template parameter's
given value, else its default, compared as CloudFormation's strings) equal the stack's is marked FAILED
with AWS's reason, as moto itself does when the raw dicts happen to be equal. Tags and notification
ARNs are not compared (the pipeline's deploy sets neither).
"""

from __future__ import annotations

import ast
import functools
from typing import Any

from moto.cloudformation.models import CloudFormationBackend

PROVEN_BY = "tests/unit/emulator/test_emulator_empty_change_set.py::test_an_unchanged_update_change_set_fails"
NO_CHANGES = (
    "The submitted information didn't contain changes. Submit different information to create a change set."
)


def install() -> None:
    CloudFormationBackend.create_change_set = _create_change_set(  # type: ignore[method-assign]
        CloudFormationBackend.create_change_set
    )


def effective_parameters(template: dict[str, Any], given: dict[str, Any]) -> dict[str, str]:
    """Each template parameter's value as CloudFormation's string: the given one, else the default."""
    declared = template.get("Parameters") or {}
    return {name: _text(given.get(name, spec.get("Default"))) for name, spec in declared.items()}


def _text(value: Any) -> str:
    if isinstance(value, list):  # CommaDelimitedList / List<...>, as moto resolves them
        return ",".join(_text(item) for item in value)
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        # moto hands a CommaDelimitedList's UsePreviousValue back as the list's repr ("['']")
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return value
        if isinstance(parsed, list):
            return _text(parsed)
    return "" if value is None else str(value)


def _create_change_set(original: Any) -> Any:
    @functools.wraps(original)
    def create_change_set(self: CloudFormationBackend, *args: Any, **kwargs: Any) -> tuple[str, str]:
        change_set_id, stack_id = original(self, *args, **kwargs)
        change_set = self.change_sets[change_set_id]
        if change_set.change_set_type == "UPDATE" and change_set.status == "CREATE_COMPLETE":
            stack = self.stacks[stack_id]
            stack._parse_template()
            same_template = stack.template_dict == change_set.template_dict
            before = effective_parameters(stack.template_dict, stack.stack_parameters)
            after = effective_parameters(change_set.template_dict, change_set.parameters)
            if same_template and before == after:
                change_set.status = "FAILED"
                change_set.execution_status = "UNAVAILABLE"
                change_set.status_reason = NO_CHANGES
        return change_set_id, stack_id

    return create_change_set
