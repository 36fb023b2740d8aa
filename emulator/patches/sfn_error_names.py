"""Gap (moto 5.2.5): service errors reach a state machine under names AWS does not use.

Step Functions names a task's AWS error after the SDK's exception: a DynamoDB HTTP 500 (error code
`InternalServerError`) is `DynamoDB.InternalServerErrorException`, and a Lambda task given a plain
function ARN reports the Lambda service's own errors as `Lambda.ServiceException`,
`Lambda.TooManyRequestsException`, ... (the names Retry blocks written for AWS list, as
workflow/retries.py does). moto prefixes DynamoDB's raw error code
(`StateTaskServiceDynamoDB._error_cause_from_client_error`) and reports every Lambda service error
of a plain-ARN task as `Exception` (`StateTaskLambda._from_error`), so such Retry blocks never
match in the emulator and a transient error fails the file. Patched at both: DynamoDB codes whose
SDK class name differs are renamed (DYNAMODB_CLASS_NAMES, every other code kept); a Lambda service
error of a plain-ARN task is `Lambda.<error code>`, as the `lambda:invoke` integration already has it.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError
from moto.stepfunctions.parser.api import HistoryEventType, LambdaFunctionFailedEventDetails
from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import FailureEvent
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_dynamodb import (  # noqa: E501
    StateTaskServiceDynamoDB,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.state_task_lambda import StateTaskLambda
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

PROVEN_BY = "tests/unit/emulator/test_emulator_faults.py::test_service_errors_have_the_names_aws_gives_them"

DYNAMODB_CLASS_NAMES = {"InternalServerError": "InternalServerErrorException"}


def install() -> None:
    original = StateTaskServiceDynamoDB._error_cause_from_client_error

    def error_cause_from_client_error(client_error: ClientError) -> tuple[str, str]:
        error, cause = original(client_error)
        code = error.removeprefix("DynamoDB.")
        return f"DynamoDB.{DYNAMODB_CLASS_NAMES.get(code, code)}", cause

    StateTaskServiceDynamoDB._error_cause_from_client_error = staticmethod(error_cause_from_client_error)  # type: ignore[method-assign,assignment]
    StateTaskLambda._from_error = _from_error(StateTaskLambda._from_error)  # type: ignore[method-assign]


def _from_error(original: Any) -> Any:
    def from_error(self: StateTaskLambda, env: Environment, ex: Exception) -> FailureEvent:
        if not isinstance(ex, ClientError):
            return original(self, env, ex)  # type: ignore[no-any-return]
        error = f"Lambda.{ex.response['Error']['Code']}"
        return FailureEvent(
            env=env,
            error_name=CustomErrorName(error),
            event_type=HistoryEventType.LambdaFunctionFailed,
            event_details=EventDetails(  # type: ignore[typeddict-item]
                lambdaFunctionFailedEventDetails=LambdaFunctionFailedEventDetails(
                    error=error, cause=ex.response["Error"]["Message"]
                )
            ),
        )

    return from_error
