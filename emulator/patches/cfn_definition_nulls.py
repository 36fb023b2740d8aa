"""Gap (moto 5.2.5): CloudFormation's template cleaner drops null-valued keys inside a state machine's
`Definition` object (`"ResultPath": null` vanishes, so the state's result overwrites its input).

Patched by wrapping `moto.cloudformation.parsing.clean_json`: an `AWS::StepFunctions::StateMachine`'s
`Definition` is kept raw (its `${Name}` substitutions are applied by cfn_state_machine).
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from moto.cloudformation import parsing as cfn_parsing

PROVEN_BY = (
    "tests/unit/emulator/test_emulator_patches.py::test_state_machine_gets_the_substituted_definition_with_nulls_kept"
)

_STATE_MACHINE_TYPE = "AWS::StepFunctions::StateMachine"


def install() -> None:
    cfn_parsing.clean_json = _clean_json(cfn_parsing.clean_json)


def _clean_json(original: Any) -> Any:
    @functools.wraps(original)
    def clean_json(resource_json: Any, resources_map: Any) -> Any:
        if not (
            isinstance(resource_json, dict)
            and resource_json.get("Type") == _STATE_MACHINE_TYPE
            and "Definition" in resource_json.get("Properties", {})
        ):
            return original(resource_json, resources_map)
        properties = dict(resource_json["Properties"])
        definition = properties.pop("Definition")
        cleaned = original({**resource_json, "Properties": properties}, resources_map)
        cleaned["Properties"]["Definition"] = copy.deepcopy(definition)
        return cleaned

    return clean_json
