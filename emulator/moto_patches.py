"""Every patch the emulator applies to moto 5.2.5, each at the narrowest point, each naming the gap.

`apply()` installs them once per process. See emulator/README.md for what is (and is not) emulated.
"""

from __future__ import annotations

import copy
import datetime
import functools
import json
import logging
import re
import threading
import uuid
from typing import Any

import moto
from moto import settings
from moto.awslambda.models import LambdaFunction
from moto.cloudformation import parsing as cfn_parsing
from moto.cloudformation.models import CloudFormationBackend
from moto.events.models import Rule
from moto.s3.models import FakeBucket, s3_backends
from moto.stepfunctions.models import StateMachine
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker
from moto.stepfunctions.responses import get_backend as executing_sfn_backend
from moto.stepfunctions.utils import cfn_to_api_tags
from moto.utilities.utils import get_partition

from emulator import lambda_runner

PINNED_MOTO_VERSION = "5.2.5"

# Template resource types moto 5.2.5's CloudFormation cannot create: it skips them with a warning
# (and drops Outputs that reference them). They stay in output/template.json; the emulated stack
# simply lacks them. Keep emulator/README.md ("What is not emulated") in step with this list.
UNSUPPORTED_RESOURCE_TYPES: tuple[str, ...] = (
    "AWS::CloudWatch::Alarm",
    "AWS::S3::BucketPolicy",
    "AWS::SQS::QueuePolicy",
)

_STATE_MACHINE_TYPE = "AWS::StepFunctions::StateMachine"
_SUBSTITUTION = re.compile(r"\$\{([A-Za-z0-9_.:-]+)\}")
_LOG = logging.getLogger(__name__)
_APPLIED = threading.Lock()
_applied = False


def apply() -> None:
    """Install all patches (idempotent). Fails loudly on any moto other than the pinned one."""
    global _applied
    with _APPLIED:
        if _applied:
            return
        if moto.__version__ != PINNED_MOTO_VERSION:
            raise RuntimeError(
                f"emulator patches target moto {PINNED_MOTO_VERSION}, found moto {moto.__version__}: "
                "re-check every gap in emulator/moto_patches.py before changing the pin"
            )
        LambdaFunction._invoke_lambda = _invoke_lambda  # type: ignore[method-assign]
        Rule.send_to_targets = _send_to_targets(Rule.send_to_targets)  # type: ignore[method-assign]
        cfn_parsing.clean_json = _clean_json(cfn_parsing.clean_json)
        StateMachine.create_from_cloudformation_json = classmethod(  # type: ignore[method-assign,assignment]
            _create_state_machine
        )
        StateMachine.update_from_cloudformation_json = classmethod(  # type: ignore[method-assign,assignment]
            _update_state_machine
        )
        StateMachine.delete_from_cloudformation_json = classmethod(  # type: ignore[method-assign,assignment]
            _delete_state_machine
        )
        StateMachine.get_cfn_attribute = _state_machine_attribute(  # type: ignore[method-assign]
            StateMachine.get_cfn_attribute
        )
        FakeBucket.create_from_cloudformation_json = classmethod(  # type: ignore[method-assign,assignment]
            _create_bucket(FakeBucket.create_from_cloudformation_json.__func__)  # type: ignore[attr-defined]
        )
        CloudFormationBackend.execute_change_set = _execute_change_set(  # type: ignore[method-assign]
            CloudFormationBackend.execute_change_set
        )
        ExecutionWorker._get_evaluation_environment = _evaluation_environment(  # type: ignore[method-assign]
            ExecutionWorker._get_evaluation_environment
        )
        _applied = True


# --- (a) Lambda ------------------------------------------------------------------------------
# moto 5.2.5 runs Lambda code only in Docker (`LambdaFunction._invoke_lambda`, the one path shared by
# the Invoke API, Step Functions tasks and event sources); without Docker every invoke fails.
# Substitute: import the real handler from the deployed zip and call it in-process.
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


# --- (b) EventBridge -> Step Functions -------------------------------------------------------
# moto 5.2.5 `Rule.send_to_targets` has no Step Functions target: it raises NotImplementedError,
# which S3's notifier swallows (skipping every later target and rule). Start the execution here,
# on the backend that executes, with a unique name and the event (ISO `time`) as input. Also:
# disabled rules fire in moto (they do not on AWS); a failed start goes to the target's DLQ.
def _send_to_targets(original: Any) -> Any:
    @functools.wraps(original)
    def send_to_targets(self: Rule, original_event: Any, transform_input: bool = True) -> None:
        original_event = _aws_s3_event_shape(original_event)
        if self.state == "DISABLED" or not self.event_pattern.matches_event(original_event):
            return
        machines = [t for t in self.targets if ":states:" in t["Arn"] and ":stateMachine:" in t["Arn"]]
        others = [t for t in self.targets if t not in machines]
        if others:
            rest = copy.copy(self)
            rest.targets = others
            original(rest, original_event, transform_input)
        for target in machines:
            _start_execution(self, target, original_event, transform_input)

    return send_to_targets


# moto 5.2.5's S3 "Object Created" event differs from AWS's: `detail.object.eTag` (AWS: `etag`) and
# `"version-id": null` in an unversioned bucket (AWS omits the field). Give targets the AWS shape.
def _aws_s3_event_shape(event: Any) -> Any:
    found = event.get("detail", {}).get("object") if event.get("source") == "aws.s3" else None
    if not isinstance(found, dict) or ("eTag" not in found and found.get("version-id", "") is not None):
        return event
    shaped = copy.deepcopy(event)
    target = shaped["detail"]["object"]
    if "eTag" in target:
        target["etag"] = target.pop("eTag")
    if target.get("version-id", "") is None:
        del target["version-id"]
    return shaped


def _start_execution(rule: Rule, target: dict[str, Any], event: Any, transform: bool) -> None:
    payload: Any = {k: v for k, v in event.items() if k != "ingestion-time"}
    if isinstance(payload.get("time"), int | float):
        stamp = datetime.datetime.fromtimestamp(payload["time"], tz=datetime.UTC)
        payload["time"] = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    if transform and "Input" in target:
        payload = json.loads(target["Input"])
    elif transform and target.get("InputPath"):
        for part in target["InputPath"].removeprefix("$").strip(".").split("."):
            payload = payload[part] if part else payload
    elif transform and "InputTransformer" in target:
        from moto.events.utils import EventTemplateParser

        transformer = target["InputTransformer"]
        payload = EventTemplateParser.parse(
            input_template=transformer.get("InputTemplate"),
            input_paths_map=transformer.get("InputPathsMap", {}),
            event=payload,
        )
    _, _, _, region, account, _ = target["Arn"].split(":", 5)
    try:
        executing_sfn_backend(account, region).start_execution(
            target["Arn"], name=f"emulator-{uuid.uuid4()}", execution_input=json.dumps(payload)
        )
    except Exception as error:  # EventBridge retries, then dead-letters; the emulator dead-letters at once
        _LOG.warning("rule %s: cannot start %s: %s", rule.name, target["Arn"], error)
        dlq = target.get("DeadLetterConfig", {}).get("Arn")
        if dlq:
            from moto.sqs.models import sqs_backends

            queue = dlq.split(":")[-1]
            sqs_backends[account][region].send_message(queue, json.dumps(payload))


# --- (c) CloudFormation AWS::StepFunctions::StateMachine -------------------------------------
# moto 5.2.5 reads only `DefinitionString` (a `Definition` object + `DefinitionSubstitutions` gives an
# empty definition), and writes the machine into the non-executing backend, so with
# execute_state_machine on it is invisible (StateMachineDoesNotExist). Its template cleaner also
# drops null-valued keys (`"ResultPath": null`) inside the Definition object. Build the definition
# as CloudFormation does, and create/update/delete it in the backend that executes.
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


def state_machine_definition(properties: dict[str, Any], account_id: str, region_name: str) -> str:
    """The definition text CloudFormation would give the state machine (substitutions applied)."""
    if "Definition" in properties:
        document: Any = properties["Definition"]
    elif "DefinitionS3Location" in properties:
        location = properties["DefinitionS3Location"]
        bucket = s3_backends[account_id][get_partition(region_name)].get_bucket(location["Bucket"])
        document = json.loads(bucket.keys[location["Key"]].value)
    else:
        document = json.loads(properties.get("DefinitionString") or "{}")
    substitutions = {k: str(v) for k, v in (properties.get("DefinitionSubstitutions") or {}).items()}
    document = _substitute(document, substitutions)
    return json.dumps(moto_compatible_definition(document))


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


def moto_compatible_definition(definition: dict[str, Any]) -> dict[str, Any]:
    """The ONE rewrite of the artifact, applied only inside the emulator at state machine creation.

    moto 5.2.5's ASL grammar rejects two forms AWS accepts, so exactly these are rewritten, in every
    Map state at any depth (a copy; the input is untouched):
    - `ItemProcessor.ProcessorConfig.ExecutionType: "EXPRESS"` -> "STANDARD" (moto's grammar knows only
      STANDARD; it runs children the same way either way);
    - an integer `ToleratedFailurePercentage` -> the same value as a float (5 -> 5.0).
    Nothing else changes: tests/unit/emulator/test_definition_rewrite.py pins that.
    """
    rewritten: dict[str, Any] = copy.deepcopy(definition)
    _rewrite_states(rewritten.get("States", {}))
    return rewritten


def _rewrite_states(states: dict[str, Any]) -> None:
    for state in states.values():
        if not isinstance(state, dict):
            continue
        for branch in state.get("Branches", []):
            _rewrite_states(branch.get("States", {}))
        if state.get("Type") != "Map":
            continue
        processor = state.get("ItemProcessor") or state.get("Iterator") or {}
        config = processor.get("ProcessorConfig", {})
        if config.get("ExecutionType") == "EXPRESS":
            config["ExecutionType"] = "STANDARD"
        tolerated = state.get("ToleratedFailurePercentage")
        if isinstance(tolerated, int) and not isinstance(tolerated, bool):
            state["ToleratedFailurePercentage"] = float(tolerated)
        _rewrite_states(processor.get("States", {}))


def _create_state_machine(
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
        definition=state_machine_definition(properties, account_id, region_name),
        roleArn=properties.get("RoleArn", ""),
        tags=cfn_to_api_tags(properties.get("Tags", [])),
        loggingConfiguration=properties.get("LoggingConfiguration"),
        tracingConfiguration=properties.get("TracingConfiguration"),
        sm_type=properties.get("StateMachineType", "STANDARD"),
    )


def _update_state_machine(
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
        replacement = _create_state_machine(cls, name, cloudformation_json, account_id, region_name)
        backend.delete_state_machine(original_resource.arn)
        return replacement
    return backend.update_state_machine(
        original_resource.arn,
        definition=state_machine_definition(properties, account_id, region_name),
        role_arn=properties.get("RoleArn"),
    )


def _delete_state_machine(
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


# moto 5.2.5 has no `Fn::GetAtt <StateMachine>.Arn` (CloudFormation documents Arn, Name).
def _state_machine_attribute(original: Any) -> Any:
    @functools.wraps(original)
    def get_cfn_attribute(self: StateMachine, attribute_name: str) -> Any:
        return self.arn if attribute_name == "Arn" else original(self, attribute_name)

    return get_cfn_attribute


# --- (d) the stack's bucket ------------------------------------------------------------------
# moto 5.2.5's CloudFormation ignores the bucket's `NotificationConfiguration.EventBridgeConfiguration`
# (a stack-created bucket emits no events) and `VersioningConfiguration` (objects get no version id,
# which the pipeline's file identity uses). Apply both after moto creates the bucket.
def _create_bucket(original: Any) -> Any:
    @functools.wraps(original)
    def create_from_cloudformation_json(
        cls: type[FakeBucket],
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> FakeBucket:
        bucket: FakeBucket = original(
            cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
        )
        properties = cloudformation_json.get("Properties", {})
        event_bridge = properties.get("NotificationConfiguration", {}).get("EventBridgeConfiguration", {})
        if str(event_bridge.get("EventBridgeEnabled", "false")).lower() == "true":
            bucket.set_notification_configuration({"EventBridgeConfiguration": {}})
        status = properties.get("VersioningConfiguration", {}).get("Status")
        if status:
            bucket.versioning_status = status
        return bucket

    return create_from_cloudformation_json


# --- (e) Outputs after change sets -----------------------------------------------------------
# moto 5.2.5 `execute_change_set` (what `aws cloudformation deploy` uses) never re-parses the template
# into the stack, so the stack's Outputs stay empty (create_stack fills them). Rebuild them.
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


# --- (g) the context object's $$.Execution.StartTime ------------------------------------------
# moto 5.2.5 puts a `datetime` there (AWS: an ISO 8601 string such as "2026-01-02T03:04:05.678Z");
# passing it to a service integration (e.g. `"S.$": "$$.Execution.StartTime"` in a putItem) then
# fails with "Object of type datetime is not JSON serializable". Give the state machine the string.
def _evaluation_environment(original: Any) -> Any:
    @functools.wraps(original)
    def get_evaluation_environment(self: ExecutionWorker) -> Any:
        environment = original(self)
        execution = environment.states.context_object.context_object_data["Execution"]
        started = execution.get("StartTime")
        if isinstance(started, datetime.datetime):
            stamp = started.astimezone(datetime.UTC)
            execution["StartTime"] = (
                stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"
            )
        return environment

    return get_evaluation_environment
