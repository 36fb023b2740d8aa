"""Gap (moto 5.2.5): Step Functions writes JSON text with ASCII escapes, hiding characters from SQS.

moto's `States.JsonToString` and its serialisation of an object `MessageBody` (sqs:sendMessage) use
`json.dumps` with its default `ensure_ascii=True`: U+FFFF, U+FFFE or a lone surrogate become the
six ASCII characters `\\uffff`, which SQS accepts. Step Functions on AWS writes the characters
themselves (only control characters are escaped, as JSON requires), so SQS refuses such a message
(see sqs_message_characters). Patched at `JsonToString._eval_body` (moto's text, decoded and written
again with the characters kept) and `StateTaskServiceSqs._eval_service_task` (an object
`MessageBody` serialised with the characters kept, before moto's own `to_json_str` would).
"""

from __future__ import annotations

import functools
import json
from typing import Any

from moto.stepfunctions.parser.asl.component.intrinsic.function.statesfunction.json_manipulation import (
    json_to_string,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sqs import (
    StateTaskServiceSqs,
)

JsonToString = json_to_string.JsonToString

PROVEN_BY = (
    "tests/unit/emulator/test_emulator_sqs_characters.py::test_step_functions_json_text_keeps_the_characters"
)


def install() -> None:
    JsonToString._eval_body = _json_to_string(JsonToString._eval_body)  # type: ignore[method-assign]
    StateTaskServiceSqs._eval_service_task = _sqs_task(  # type: ignore[method-assign]
        StateTaskServiceSqs._eval_service_task
    )


def keep_characters(text: str) -> str:
    """JSON text `text` with its \\uXXXX escapes of non-control characters written as characters."""
    return json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)


def _json_to_string(original: Any) -> Any:
    @functools.wraps(original)
    def eval_body(self: JsonToString, env: Any) -> None:
        original(self, env)
        env.stack.append(keep_characters(env.stack.pop()))

    return eval_body


def _sqs_task(original: Any) -> Any:
    @functools.wraps(original)
    def eval_service_task(
        self: StateTaskServiceSqs,
        env: Any,
        resource_runtime_part: Any,
        normalised_parameters: dict[str, Any],
        state_credentials: Any,
    ) -> None:
        body = normalised_parameters.get("MessageBody")
        if body is not None and not isinstance(body, str):
            normalised_parameters["MessageBody"] = json.dumps(body, ensure_ascii=False, default=str)
        original(self, env, resource_runtime_part, normalised_parameters, state_credentials)

    return eval_service_task
