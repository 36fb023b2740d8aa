"""Gap (moto 5.2.5): Lambda code runs only in Docker; without it every invoke fails.

Patched at `moto.awslambda.models.LambdaFunction._invoke_lambda`, the one path shared by the Invoke
API, Step Functions tasks and event sources: import the real handler from the deployed zip and call
it in-process (emulator/lambda_runner.py), with the function's environment plus `AWS_ENDPOINT_URL`
= this server. An exception returns `{"errorType": <class name>, "errorMessage": ...}`, errored, so
ASL Retry/Catch match on the class name.
"""

from __future__ import annotations

import json
from typing import Any

from moto import settings
from moto.awslambda.models import LambdaFunction

from emulator import lambda_runner

PROVEN_BY = (
    "tests/unit/emulator/test_emulator_patches.py::test_upload_starts_the_state_machine_which_runs_the_real_handler"
)


def install() -> None:
    LambdaFunction._invoke_lambda = _invoke_lambda  # type: ignore[method-assign]
    lambda_runner.install_sdk_checkpoints()


def _invoke_lambda(self: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
    self.logs_backend.ensure_log_group(self.logs_group_name)
    if event is None:
        event = {}
    elif isinstance(event, str | bytes):
        event = json.loads(event)
    endpoint = f"http://127.0.0.1:{settings.moto_server_port()}"
    environment = {
        "AWS_ACCESS_KEY_ID": "emulator",
        "AWS_SECRET_ACCESS_KEY": "emulator",
        "AWS_SESSION_TOKEN": "emulator",
        "AWS_REGION": self.region,
        "AWS_DEFAULT_REGION": self.region,
        "AWS_LAMBDA_FUNCTION_NAME": self.function_name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.memory_size),
        "AWS_LAMBDA_FUNCTION_VERSION": str(self.version),
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{self.run_time}",
        "_HANDLER": str(self.handler),
        **{name: str(value) for name, value in self.environment_vars.items()},
        # After the function's own variables: the handler's boto3 must reach this server.
        "AWS_ENDPOINT_URL": endpoint,
    }
    context = lambda_runner.LambdaContext(
        function_name=self.function_name,
        function_version=str(self.version),
        invoked_function_arn=self.function_arn,
        memory_limit_in_mb=int(self.memory_size),
        timeout_seconds=float(self.timeout),
        log_group_name=self.logs_group_name,
    )
    result = lambda_runner.invoke(
        code=self.code_bytes,
        code_sha=self.code_sha_256,
        handler=str(self.handler),
        environment=environment,
        event=event,
        context=context,
    )
    self.save_logs(result.logs or "(no output)")
    return result.payload, result.errored, result.logs
