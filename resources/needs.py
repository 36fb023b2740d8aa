"""Every permission a principal of the rendered template needs: (principal, action, sample resource).

Derived, not listed: from each state machine's definition (its Task integrations, a Distributed
Map's children and ItemReader, its logging and tracing), each Lambda function's handler code
(resources/handler_calls.py) and log group, and each EventBridge rule's targets. Resources are the
sample stack's concrete ARNs (resources/samples.py).

Over 300 lines: one function per kind of need a principal has (its code's calls, the state machine's
integrations, the rules' targets), all read from the rendered template.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from handlers.seams.settings import CLAIMS_PREFIX, WORK_PREFIX
from resources.handler_calls import Call, aws_calls
from resources.samples import ACCOUNT, PARTITION, REGION, SampleStack

# Sample S3 object keys a handler is handed (reads) or builds (writes). The bucket comes from the
# event, the key from the pipeline's contract: one place, per handler module. A handler whose S3
# calls have no entry here is reported (its permissions cannot be placed).
S3_OBJECT_SAMPLES: dict[str, dict[str, tuple[str, ...]]] = {
    "validator": {
        "read": ("incoming/2026/orders.jsonl",),
        "write": (WORK_PREFIX + "sample-file/batches.manifest", CLAIMS_PREFIX + "sample-file/0.pack"),
    },
    "store_large": {"read": (CLAIMS_PREFIX + "sample-file/0.pack",)},
}
# The manifest key an ItemReader reads (the validator writes it under the work prefix).
ITEM_READER_SAMPLE_KEY = WORK_PREFIX + "sample-file/batches.manifest"
# What Step Functions documents a state machine that logs to CloudWatch Logs and traces with X-Ray
# needs (Resource "*": these actions have no resource-level permissions).
LOG_DELIVERY_ACTIONS = (
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
)
TRACING_ACTIONS = (
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
)
# boto3 service name -> IAM service prefix, where they differ.
IAM_PREFIX = {"stepfunctions": "states"}
# API operations whose IAM action has another name (Service Authorization Reference).
S3_OPERATION_ACTIONS = {
    "HeadObject": "GetObject",
    "CreateMultipartUpload": "PutObject",
    "UploadPart": "PutObject",
    "CompleteMultipartUpload": "PutObject",
    "ListObjectsV2": "ListBucket",
    "ListObjects": "ListBucket",
    "HeadBucket": "ListBucket",
}
OTHER_OPERATION_ACTIONS = {("lambda", "Invoke"): "InvokeFunction"}
# Services whose calls support no resource-level permission (Resource "*").
STAR_ONLY_SERVICES = frozenset({"cloudwatch", "xray"})
# Step Functions calls on an execution (its ARN), not on the state machine.
EXECUTION_OPERATIONS = frozenset(
    {"DescribeExecution", "StopExecution", "GetExecutionHistory", "RedriveExecution"}
)
S3_BUCKET_OPERATIONS = frozenset({"ListObjectsV2", "ListObjects", "HeadBucket"})


@dataclass(frozen=True)
class Need:
    """`principal` (a role's logical ID) must be allowed `action` on `resource`, because of `why`."""

    principal: str
    action: str
    resource: str
    why: str
    # A service principal that must be able to assume the role (trust), when the need is sts:AssumeRole.
    service: str = ""


def _role_of(stack: SampleStack, value: Any) -> str:
    """The logical ID of the role a `RoleArn`/`Role` property points at (GetAtt <Role>.Arn)."""
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        argument = value["Fn::GetAtt"]
        logical_id = argument[0] if isinstance(argument, list) else argument.split(".")[0]
        if stack.resources.get(logical_id, {}).get("Type") == "AWS::IAM::Role":
            return str(logical_id)
    raise ValueError(f"not a reference to a role of this template: {value!r}")


def derive_needs(template: dict[str, Any]) -> list[Need]:
    """Every need of every principal in `template`, in resource order."""
    stack = SampleStack(template)
    needs: list[Need] = []
    for logical_id, resource in stack.resources.items():
        kind = resource.get("Type")
        if kind == "AWS::StepFunctions::StateMachine":
            needs += _state_machine_needs(stack, logical_id, resource["Properties"])
        elif kind == "AWS::Lambda::Function":
            needs += _function_needs(stack, logical_id, resource["Properties"])
        elif kind == "AWS::Events::Rule":
            needs += _rule_needs(stack, logical_id, resource["Properties"])
        elif kind == "AWS::Scheduler::Schedule":
            needs += _targets_needs(
                stack, logical_id, [resource["Properties"]["Target"]], "scheduler.amazonaws.com"
            )
    return needs


# --- state machines -------------------------------------------------------------------------------


def _walk_states(states: dict[str, Any], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, state in states.items():
        yield f"{path}/{name}", state
        for key in ("ItemProcessor", "Iterator"):
            if key in state:
                yield from _walk_states(state[key]["States"], f"{path}/{name}")
        for index, branch in enumerate(state.get("Branches", [])):
            yield from _walk_states(branch["States"], f"{path}/{name}[{index}]")


def _substituted(stack: SampleStack, props: dict[str, Any]) -> dict[str, Any]:
    """The definition as deployed: DefinitionSubstitutions filled in with sample values."""
    import json

    values = {
        name: str(stack.resolve(value)) for name, value in props.get("DefinitionSubstitutions", {}).items()
    }
    text = json.dumps(props["Definition"])
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    definition: dict[str, Any] = json.loads(text)
    return definition


def _state_machine_needs(stack: SampleStack, logical_id: str, props: dict[str, Any]) -> list[Need]:
    role = _role_of(stack, props["RoleArn"])
    definition = _substituted(stack, props)
    machine_arn = stack.get_att(logical_id, "Arn")
    name = stack.get_att(logical_id, "Name")
    needs = [
        Need(
            role,
            "sts:AssumeRole",
            stack.get_att(role, "Arn"),
            f"{logical_id} runs as it",
            service="states.amazonaws.com",
        )
    ]
    for path, state in _walk_states(definition["States"], logical_id):
        if state.get("Type") == "Task":
            needs += [Need(role, action, arn, f"{path} (Task)") for action, arn in _task_needs(stack, state)]
        processor = state.get("ItemProcessor", {})
        config = processor.get("ProcessorConfig", {})
        if state.get("Type") == "Map" and config.get("Mode") == "DISTRIBUTED":
            needs.append(Need(role, "states:StartExecution", machine_arn, f"{path} starts its children"))
            # A child's ARN: Standard children are executions, Express ones `express:` (the map run's
            # label and the child's id after the machine's name).
            kind = "express" if config.get("ExecutionType") == "EXPRESS" else "execution"
            label = state.get("Label", path.rsplit("/", 1)[-1])
            child = f"arn:{PARTITION}:states:{REGION}:{ACCOUNT}:{kind}:{name}/{label}:map-run-0:child-0"
            for action in ("states:DescribeExecution", "states:StopExecution"):
                needs.append(Need(role, action, child, f"{path} manages its {kind} children"))
        reader = state.get("ItemReader")
        if reader:
            needs += [
                Need(role, action, arn, f"{path} (ItemReader)")
                for action, arn in _s3_reader_needs(stack, reader)
            ]
    logging = props.get("LoggingConfiguration", {})
    if logging.get("Destinations") and logging.get("Level", "OFF") != "OFF":
        needs += [Need(role, action, "*", f"{logical_id} log delivery") for action in LOG_DELIVERY_ACTIONS]
    if props.get("TracingConfiguration", {}).get("Enabled"):
        needs += [Need(role, action, "*", f"{logical_id} X-Ray tracing") for action in TRACING_ACTIONS]
    return needs


def _task_needs(stack: SampleStack, state: dict[str, Any]) -> list[tuple[str, str]]:
    resource = str(state["Resource"])
    params = state.get("Parameters", {})
    prefix = f"arn:{PARTITION}:states:::"
    if resource.startswith(f"arn:{PARTITION}:lambda:"):
        return [("lambda:InvokeFunction", resource)]
    if not resource.startswith(prefix):
        raise ValueError(f"Task resource {resource!r} is not a Lambda function or a service integration")
    integration = resource.removeprefix(prefix).split(".")[0]  # drop .sync / .waitForTaskToken
    service, _, api = integration.partition(":")
    if service == "aws-sdk":
        sdk_service, _, api = api.partition(":")
        return [
            (
                f"{IAM_PREFIX.get(sdk_service, sdk_service)}:{api[0].upper()}{api[1:]}",
                _sdk_resource(stack, params),
            )
        ]
    action = f"{service}:{api[0].upper()}{api[1:]}"
    if service == "dynamodb":
        return [(action, _table_arn(stack, _static(params, "TableName")))]
    if service == "sqs":
        queue = _static(params, "QueueUrl").rsplit("/", 1)[-1]
        return [(action, f"arn:{PARTITION}:sqs:{REGION}:{ACCOUNT}:{queue}")]
    if service == "lambda":
        return [("lambda:InvokeFunction", _function_arn(_static(params, "FunctionName")))]
    if service == "states" and api == "startExecution":
        return [("states:StartExecution", _static(params, "StateMachineArn"))]
    if service == "s3":
        return _s3_reader_needs(stack, {"Resource": resource, "Parameters": params})
    raise ValueError(f"no permission rule for the {integration} integration")


def _static(params: dict[str, Any], key: str) -> str:
    if key not in params:
        raise ValueError(f"the permission of this Task depends on a runtime path ({key}.$)")
    return str(params[key])


def _table_arn(stack: SampleStack, name: str) -> str:
    return f"arn:{PARTITION}:dynamodb:{REGION}:{ACCOUNT}:table/{name}"


def _function_arn(name: str) -> str:
    return name if name.startswith("arn:") else f"arn:{PARTITION}:lambda:{REGION}:{ACCOUNT}:function:{name}"


def _sdk_resource(stack: SampleStack, params: dict[str, Any]) -> str:
    for key in ("TableName", "QueueUrl", "StateMachineArn", "FunctionName", "Bucket"):
        if key in params:
            value = str(params[key])
            if key == "TableName":
                return _table_arn(stack, value)
            if key == "QueueUrl":
                return f"arn:{PARTITION}:sqs:{REGION}:{ACCOUNT}:{value.rsplit('/', 1)[-1]}"
            if key == "Bucket":
                return f"arn:{PARTITION}:s3:::{value}"
            if key == "FunctionName":
                return _function_arn(value)
            return value
    return "*"


def _buckets(stack: SampleStack) -> list[str]:
    return [stack.physical_name(i) for i, r in stack.resources.items() if r.get("Type") == "AWS::S3::Bucket"]


def _s3_reader_needs(stack: SampleStack, reader: dict[str, Any]) -> list[tuple[str, str]]:
    """An s3:getObject reader: GetObject, and GetObjectVersion when it reads a VersionId."""
    params = reader.get("Parameters", {})
    buckets = [str(params["Bucket"])] if "Bucket" in params else _buckets(stack)
    key = str(params.get("Key", ITEM_READER_SAMPLE_KEY))
    actions = ["s3:GetObject"]
    if "VersionId" in params or "VersionId.$" in params:
        actions.append("s3:GetObjectVersion")
    return [(action, f"arn:{PARTITION}:s3:::{bucket}/{key}") for bucket in buckets for action in actions]


# --- Lambda functions -----------------------------------------------------------------------------


def _function_needs(stack: SampleStack, logical_id: str, props: dict[str, Any]) -> list[Need]:
    role = _role_of(stack, props["Role"])
    needs = [
        Need(
            role,
            "sts:AssumeRole",
            stack.get_att(role, "Arn"),
            f"{logical_id} runs as it",
            service="lambda.amazonaws.com",
        )
    ]
    log_group = props.get("LoggingConfig", {}).get("LogGroup")
    group = str(stack.resolve(log_group)) if log_group else f"/aws/lambda/{stack.physical_name(logical_id)}"
    stream = f"arn:{PARTITION}:logs:{REGION}:{ACCOUNT}:log-group:{group}:log-stream:2026/01/01/sample"
    needs += [
        Need(role, action, stream, f"{logical_id} writes its logs")
        for action in ("logs:CreateLogStream", "logs:PutLogEvents")
    ]
    dead_letter = props.get("DeadLetterConfig", {}).get("TargetArn")
    if dead_letter:  # asynchronous invocations that fail are sent there with the function's role
        queue = str(stack.resolve(dead_letter))
        needs.append(Need(role, "sqs:SendMessage", queue, f"{logical_id} sends failed events there"))
    handler = str(props["Handler"])
    environment = props.get("Environment", {}).get("Variables", {})
    for call in aws_calls(handler):
        why = f"{logical_id} {call.where} {call.service}.{call.operation}"
        needs += [
            Need(role, action, arn, why) for action, arn in _call_needs(stack, handler, call, environment)
        ]
    return needs


def _environment_resources(stack: SampleStack, environment: dict[str, Any], kind: str) -> list[str]:
    """Logical IDs of resources of `kind` the function's environment refers to."""
    found: list[str] = []
    for value in environment.values():
        logical_id = None
        if isinstance(value, dict):
            logical_id = value.get("Ref") or (value.get("Fn::GetAtt") or [None])[0]
        if logical_id and stack.resources.get(logical_id, {}).get("Type") == kind:
            found.append(logical_id)
    return found


def _call_needs(
    stack: SampleStack, handler: str, call: Call, environment: dict[str, Any]
) -> list[tuple[str, str]]:
    prefix = IAM_PREFIX.get(call.service, call.service)
    if call.service == "s3":
        return _s3_call_needs(stack, handler, call)
    action = f"{prefix}:{OTHER_OPERATION_ACTIONS.get((call.service, call.operation), call.operation)}"
    if call.service in STAR_ONLY_SERVICES:
        return [(action, "*")]
    kinds = {
        "dynamodb": "AWS::DynamoDB::Table",
        "sqs": "AWS::SQS::Queue",
        "stepfunctions": "AWS::StepFunctions::StateMachine",
        "lambda": "AWS::Lambda::Function",
        "sns": "AWS::SNS::Topic",
    }
    kind = kinds.get(call.service)
    targets = _environment_resources(stack, environment, kind) if kind else []
    if not targets:
        raise ValueError(
            f"{handler}: {call.where} calls {call.service}.{call.operation} but the function's "
            "environment names no resource of that service"
        )
    arns = [stack.get_att(target, "Arn") for target in targets]
    if call.service == "stepfunctions" and call.operation in EXECUTION_OPERATIONS:
        # arn:...:stateMachine:<name> -> an execution of it
        arns = [arn.replace(":stateMachine:", ":execution:") + ":sample-execution" for arn in arns]
    if call.service == "dynamodb" and call.index_name:
        arns = [
            f"{arn}/index/{'sample-index' if call.index_name == '*' else call.index_name}" for arn in arns
        ]
    return [(action, arn) for arn in arns]


def _s3_call_needs(stack: SampleStack, handler: str, call: Call) -> list[tuple[str, str]]:
    module = handler.rsplit(".", 1)[0]
    action = "s3:" + S3_OPERATION_ACTIONS.get(call.operation, call.operation)
    if call.operation in S3_BUCKET_OPERATIONS:
        return [(action, f"arn:{PARTITION}:s3:::{bucket}") for bucket in _buckets(stack)]
    reads = call.operation.startswith(("Get", "Head"))
    keys = S3_OBJECT_SAMPLES.get(module, {}).get("read" if reads else "write")
    if not keys:
        raise ValueError(
            f"{handler}: {call.where} calls s3.{call.operation}; declare the keys it "
            f"{'reads' if reads else 'writes'} in resources/needs.py S3_OBJECT_SAMPLES"
        )
    actions = [action]
    if reads and call.by_version:
        actions.append(action + "Version")
    found = [
        (a, f"arn:{PARTITION}:s3:::{bucket}/{key}")
        for bucket in _buckets(stack)
        for key in keys
        for a in actions
    ]
    if reads and call.tells_not_found:
        # Without s3:ListBucket on the bucket, S3 answers a missing key 403 AccessDenied, not 404.
        found += [("s3:ListBucket", f"arn:{PARTITION}:s3:::{bucket}") for bucket in _buckets(stack)]
    return found


# --- EventBridge rules ----------------------------------------------------------------------------


def _rule_needs(stack: SampleStack, logical_id: str, props: dict[str, Any]) -> list[Need]:
    return _targets_needs(stack, logical_id, props.get("Targets", []), "events.amazonaws.com")


def _targets_needs(
    stack: SampleStack, logical_id: str, targets: list[dict[str, Any]], service: str
) -> list[Need]:
    """A rule's or a schedule's targets that run as a role: the role's trust and the start or invoke."""
    needs: list[Need] = []
    for target in targets:
        if "RoleArn" not in target:
            continue
        role = _role_of(stack, target["RoleArn"])
        arn = str(stack.resolve(target["Arn"]))
        needs.append(
            Need(
                role,
                "sts:AssumeRole",
                stack.get_att(role, "Arn"),
                f"{logical_id} target",
                service=service,
            )
        )
        why = f"{logical_id} target {target.get('Id', '')}".rstrip()
        if ":states:" in arn and ":stateMachine:" in arn:
            needs.append(Need(role, "states:StartExecution", arn, why))
        elif ":lambda:" in arn and ":function:" in arn:
            needs.append(Need(role, "lambda:InvokeFunction", arn, why))
        else:
            raise ValueError(f"{logical_id}: no permission rule for a target {arn}")
    return needs
