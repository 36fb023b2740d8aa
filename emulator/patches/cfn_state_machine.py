"""Gap (moto 5.2.5): CloudFormation's `AWS::StepFunctions::StateMachine` is unusable with execution on.

moto reads only `DefinitionString` (a `Definition` object + `DefinitionSubstitutions` gives an empty
definition) and writes the machine into the non-executing backend, so with execute_state_machine on
it is invisible (StateMachineDoesNotExist). Patched at `StateMachine.create/update/
delete_from_cloudformation_json`: the definition is built as CloudFormation does (`Definition` or
`DefinitionString`, `${Name}` substitutions; an unknown `${Name}` fails the deploy), passed through
asl_grammar's one rewrite, and created in the backend that executes. `DefinitionS3Location` is not
emulated (the template inlines its `Definition`, which `aws cloudformation package` leaves alone):
a deploy that uses it fails.
"""

from __future__ import annotations

import json
import re
from typing import Any

from moto.stepfunctions.models import StateMachine
from moto.stepfunctions.responses import get_backend as executing_sfn_backend
from moto.stepfunctions.utils import cfn_to_api_tags

from emulator.patches.asl_grammar import moto_compatible_definition

PROVEN_BY = (
    "tests/unit/emulator/test_emulator_patches.py::test_state_machine_gets_the_substituted_definition_with_nulls_kept"
)

_SUBSTITUTION = re.compile(r"\$\{([A-Za-z0-9_.:-]+)\}")


def install() -> None:
    StateMachine.create_from_cloudformation_json = classmethod(_create)  # type: ignore[method-assign,assignment]
    StateMachine.update_from_cloudformation_json = classmethod(_update)  # type: ignore[method-assign,assignment]
    StateMachine.delete_from_cloudformation_json = classmethod(_delete)  # type: ignore[method-assign,assignment]


def state_machine_definition(properties: dict[str, Any]) -> str:
    """The definition text CloudFormation would give the state machine (substitutions applied)."""
    if "DefinitionS3Location" in properties:
        raise ValueError("state machine definition: DefinitionS3Location is not emulated (inline Definition)")
    if "Definition" in properties:
        document: Any = properties["Definition"]
    else:
        document = json.loads(properties.get("DefinitionString") or "{}")
    substitutions = {k: str(v) for k, v in (properties.get("DefinitionSubstitutions") or {}).items()}
    return json.dumps(moto_compatible_definition(_substitute(document, substitutions)))


def _substitute(node: Any, substitutions: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {_substitute(k, substitutions): _substitute(v, substitutions) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, substitutions) for v in node]
    if isinstance(node, str):

        def replace(match: re.Match[str]) -> str:
            if match.group(1) not in substitutions:
                raise ValueError(f"state machine definition: no DefinitionSubstitutions entry for {match[0]}")
            return substitutions[match.group(1)]

        return _SUBSTITUTION.sub(replace, node)
    return node


def _create(
    cls: type[StateMachine],
    /,
    resource_name: str,
    cloudformation_json: Any,
    account_id: str,
    region_name: str,
    **kwargs: Any,
) -> StateMachine:
    properties = cloudformation_json["Properties"]
    return executing_sfn_backend(account_id, region_name).create_state_machine(
        name=properties.get("StateMachineName", resource_name),
        definition=state_machine_definition(properties),
        roleArn=properties.get("RoleArn", ""),
        tags=cfn_to_api_tags(properties.get("Tags", [])),
        loggingConfiguration=properties.get("LoggingConfiguration"),
        tracingConfiguration=properties.get("TracingConfiguration"),
        sm_type=properties.get("StateMachineType", "STANDARD"),
    )


def _update(
    cls: type[StateMachine],
    /,
    original_resource: StateMachine,
    new_resource_name: str,
    cloudformation_json: Any,
    account_id: str,
    region_name: str,
) -> StateMachine:
    properties = cloudformation_json.get("Properties", {})
    name = properties.get("StateMachineName", original_resource.name)
    backend = executing_sfn_backend(account_id, region_name)
    if name != original_resource.name:
        replacement = _create(cls, name, cloudformation_json, account_id, region_name)
        backend.delete_state_machine(original_resource.arn)
        return replacement
    return backend.update_state_machine(
        original_resource.arn,
        definition=state_machine_definition(properties),
        role_arn=properties.get("RoleArn"),
    )


def _delete(
    cls: type[StateMachine],
    /,
    resource_name: str,
    cloudformation_json: Any,
    account_id: str,
    region_name: str,
) -> None:
    backend = executing_sfn_backend(account_id, region_name)
    for machine in list(backend.state_machines):
        if resource_name in (machine.arn, machine.name):
            backend.delete_state_machine(machine.arn)
