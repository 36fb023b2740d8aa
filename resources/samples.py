"""A deployed stack's concrete values, made up: the rendered template with every intrinsic resolved.

The permissions proof (resources/permissions.py) evaluates policies against real-looking ARNs, not
patterns: each resource gets the physical name CloudFormation would generate (stack name, logical
ID, a suffix), pseudo parameters get sample values, parameters their defaults.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

PARTITION = "aws"
REGION = "eu-west-1"
ACCOUNT = "111122223333"
STACK = "sample-stack"
SUFFIX = "SAMPLE0SUFFIX"

_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


class UnresolvedError(ValueError):
    """An intrinsic or attribute the sample world does not know."""


@dataclass(frozen=True)
class SampleStack:
    """The template's resources with sample physical names and ARNs."""

    template: dict[str, Any]

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = self.template.get("Resources", {})
        return found

    def pseudo(self, name: str) -> str:
        values = {
            "AWS::Partition": PARTITION,
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT,
            "AWS::StackName": STACK,
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackId": f"arn:{PARTITION}:cloudformation:{REGION}:{ACCOUNT}:stack/{STACK}/{SUFFIX}",
        }
        if name not in values:
            raise UnresolvedError(f"pseudo parameter {name}")
        return values[name]

    def physical_name(self, logical_id: str) -> str:
        """The resource's name: its explicit name property, else `<stack>-<LogicalId>-<suffix>`."""
        resource = self.resources[logical_id]
        props = resource.get("Properties", {})
        for key in (
            "LogGroupName",
            "QueueName",
            "TableName",
            "BucketName",
            "FunctionName",
            "RoleName",
            "StateMachineName",
            "Name",
        ):
            if key in props:
                return str(self.resolve(props[key]))
        name = f"{STACK}-{logical_id}-{SUFFIX}"
        # Bucket names are lower case.
        return name.lower() if resource["Type"] == "AWS::S3::Bucket" else name

    def ref(self, name: str) -> str:
        if name.startswith("AWS::"):
            return self.pseudo(name)
        parameters = self.template.get("Parameters", {})
        if name in parameters:
            return str(parameters[name].get("Default", ""))
        resource = self.resources.get(name)
        if resource is None:
            raise UnresolvedError(f"Ref {name}")
        kind, physical = resource["Type"], self.physical_name(name)
        if kind == "AWS::SQS::Queue":
            return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{physical}"
        if kind == "AWS::StepFunctions::StateMachine":
            return self.get_att(name, "Arn")
        return physical

    def get_att(self, logical_id: str, attribute: str) -> str:
        resource = self.resources.get(logical_id)
        if resource is None:
            raise UnresolvedError(f"GetAtt {logical_id}.{attribute}")
        kind, physical = resource["Type"], self.physical_name(logical_id)
        region = f"{PARTITION}:{{service}}:{REGION}:{ACCOUNT}"
        arns = {
            "AWS::S3::Bucket": f"arn:{PARTITION}:s3:::{physical}",
            "AWS::DynamoDB::Table": f"arn:{region.format(service='dynamodb')}:table/{physical}",
            "AWS::SQS::Queue": f"arn:{region.format(service='sqs')}:{physical}",
            "AWS::Lambda::Function": f"arn:{region.format(service='lambda')}:function:{physical}",
            "AWS::StepFunctions::StateMachine": (
                f"arn:{region.format(service='states')}:stateMachine:{physical}"
            ),
            # A log group's Arn attribute ends in ":*" (it covers the group's streams).
            "AWS::Logs::LogGroup": f"arn:{region.format(service='logs')}:log-group:{physical}:*",
            "AWS::IAM::Role": f"arn:{PARTITION}:iam::{ACCOUNT}:role/{physical}",
            "AWS::Events::Rule": f"arn:{region.format(service='events')}:rule/{physical}",
            "AWS::SNS::Topic": f"arn:{region.format(service='sns')}:{physical}",
        }
        if attribute == "Arn" and kind in arns:
            return arns[kind]
        if attribute in ("Name", "QueueName") and kind in (
            "AWS::StepFunctions::StateMachine",
            "AWS::SQS::Queue",
        ):
            return physical
        if attribute == "QueueUrl" and kind == "AWS::SQS::Queue":
            return self.ref(logical_id)
        raise UnresolvedError(f"GetAtt {logical_id}.{attribute} ({kind})")

    def condition(self, name: str) -> bool:
        return bool(self.resolve(self.template["Conditions"][name]))

    def resolve(self, value: Any) -> Any:
        """`value` with every intrinsic function replaced by its sample result."""
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref":
                return self.ref(argument)
            if key == "Fn::GetAtt":
                logical_id, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
                return self.get_att(logical_id, attribute)
            if key == "Fn::Sub":
                return self._sub(argument)
            if key == "Fn::Join":
                separator, items = argument
                return separator.join(str(item) for item in self.resolve(items))
            if key == "Fn::If":
                name, when_true, when_false = argument
                return self.resolve(when_true if self.condition(name) else when_false)
            if key == "Fn::Equals":
                left, right = self.resolve(argument)
                return left == right
            if key == "Fn::Not":
                return not self.resolve(argument[0])
            if key == "Condition":
                return self.condition(argument)
            if key.startswith("Fn::"):
                raise UnresolvedError(key)
        return {key: self.resolve(item) for key, item in value.items()}

    def _sub(self, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        resolved = {name: str(self.resolve(item)) for name, item in variables.items()}

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in resolved:
                return resolved[name]
            if "." in name:
                logical_id, attribute = name.split(".", 1)
                return self.get_att(logical_id, attribute)
            return str(self.ref(name))

        return _SUB_VARIABLE.sub(one, text)
