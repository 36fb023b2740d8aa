"""One IAM role per principal, each allowed only what it does, on this stack's resources only."""

from __future__ import annotations

from awacs import dynamodb, logs, s3, states, xray
from awacs.aws import Action, Allow, Condition, PolicyDocument, Principal, Statement, StringEquals
from awacs.sts import AssumeRole
from troposphere import GetAtt, Ref, Sub
from troposphere.dynamodb import Table
from troposphere.iam import Policy, PolicyType, Role
from troposphere.logs import LogGroup
from troposphere.s3 import Bucket
from troposphere.stepfunctions import StateMachine

from handlers.seams.settings import CLAIMS_PREFIX, WORKING_PREFIX
from resources import ids
from resources.references import PolicyGrant

POLICY_VERSION = "2012-10-17"

# The one exception to "resources scoped to this stack": these actions support no resource-level
# permissions (Service Authorization Reference), so AWS requires Resource "*". They are what Step
# Functions documents for a state machine that logs to CloudWatch Logs and traces with X-Ray.
STAR_RESOURCE_ACTIONS: tuple[Action, ...] = (
    logs.CreateLogDelivery,
    logs.GetLogDelivery,
    logs.UpdateLogDelivery,
    logs.DeleteLogDelivery,
    logs.ListLogDeliveries,
    logs.PutResourcePolicy,
    logs.DescribeResourcePolicies,
    logs.DescribeLogGroups,
    xray.PutTraceSegments,
    xray.PutTelemetryRecords,
    xray.GetSamplingRules,
    xray.GetSamplingTargets,
)


def _assumed_by(service: str, *, same_account_only: bool = False) -> PolicyDocument:
    statement = Statement(Effect=Allow, Principal=Principal("Service", service), Action=[AssumeRole])
    if same_account_only:
        # Confused-deputy guard: the service may assume the role only on behalf of this account.
        statement.Condition = Condition(StringEquals("aws:SourceAccount", Ref("AWS::AccountId")))
    return PolicyDocument(Version=POLICY_VERSION, Statement=[statement])


def _allow(sid: str, actions: list[Action], resources: list[object]) -> Statement:
    return Statement(Sid=sid, Effect=Allow, Action=actions, Resource=resources)


def _inline(name: str, statements: list[Statement]) -> Policy:
    return Policy(
        PolicyName=name, PolicyDocument=PolicyDocument(Version=POLICY_VERSION, Statement=statements)
    )


def _objects(bucket: Bucket, prefix: str = "") -> Sub:
    return Sub("${BucketArn}/" + prefix + "*", BucketArn=GetAtt(bucket, "Arn"))


def _tell_missing_objects(bucket: Bucket) -> Statement:
    # Without s3:ListBucket, S3 answers a GET of a missing key 403 AccessDenied instead of 404 NoSuchKey:
    # the handler could not report SourceNotFound.
    return _allow("TellMissingObjects", [s3.ListBucket], [GetAtt(bucket, "Arn")])


def _write_own_logs(log_group: LogGroup) -> Statement:
    # GetAtt Arn of a log group ends in ":*", which covers its log streams.
    return _allow("WriteOwnLogs", [logs.CreateLogStream, logs.PutLogEvents], [GetAtt(log_group, "Arn")])


def validator_role(*, bucket: Bucket, log_group: LogGroup) -> Role:
    """Reads any uploaded object; writes manifests and claim checks under the working prefix only."""
    return Role(
        ids.VALIDATOR_ROLE,
        AssumeRolePolicyDocument=_assumed_by("lambda.amazonaws.com"),
        Policies=[
            _inline(
                "Validator",
                [
                    _allow("ReadUploads", [s3.GetObject, s3.GetObjectVersion], [_objects(bucket)]),
                    _tell_missing_objects(bucket),
                    _allow(
                        "WriteWorkingPrefix",
                        [s3.PutObject, s3.AbortMultipartUpload],
                        [_objects(bucket, WORKING_PREFIX)],
                    ),
                    _write_own_logs(log_group),
                ],
            )
        ],
    )


def store_large_role(*, bucket: Bucket, orders_table: Table, log_group: LogGroup) -> Role:
    """Reads claim-check bodies and puts the order item."""
    return Role(
        ids.STORE_LARGE_ROLE,
        AssumeRolePolicyDocument=_assumed_by("lambda.amazonaws.com"),
        Policies=[
            _inline(
                "StoreLarge",
                [
                    # By version: the claim pack the validator wrote, not a later object at that key.
                    _allow(
                        "ReadClaims",
                        [s3.GetObject, s3.GetObjectVersion],
                        [_objects(bucket, CLAIMS_PREFIX)],
                    ),
                    _tell_missing_objects(bucket),
                    _allow("PutOrders", [dynamodb.PutItem], [GetAtt(orders_table, "Arn")]),
                    _write_own_logs(log_group),
                ],
            )
        ],
    )


def state_machine_role(
    *, grants: list[PolicyGrant], title: str = ids.STATE_MACHINE_ROLE, policy_name: str = "StateMachine"
) -> Role:
    """A state machine's service integrations: `grants` (Sid, actions, resources), generated with the
    DefinitionSubstitutions from the one declaration of each reference (resources/references.py).

    The large-file machine's own executions are in state_machine_executions_policy.
    """
    return Role(
        title,
        AssumeRolePolicyDocument=_assumed_by("states.amazonaws.com", same_account_only=True),
        Policies=[
            _inline(policy_name, [_allow(sid, actions, resources) for sid, actions, resources in grants])
        ],
    )


def state_machine_delivery_policy(
    *, role: Role, title: str = ids.STATE_MACHINE_DELIVERY_POLICY
) -> PolicyType:
    """Log delivery and X-Ray: STAR_RESOURCE_ACTIONS, the only statement with Resource "*"."""
    return PolicyType(
        title,
        PolicyName="StateMachineLogDeliveryAndTracing",
        Roles=[Ref(role)],
        PolicyDocument=PolicyDocument(
            Version=POLICY_VERSION,
            Statement=[_allow("LogDeliveryAndTracing", list(STAR_RESOURCE_ACTIONS), ["*"])],
        ),
    )


def state_machine_executions_policy(*, role: Role, state_machine: StateMachine) -> PolicyType:
    """Distributed Map children: start them, and describe or stop the executions they run as."""
    return PolicyType(
        ids.STATE_MACHINE_EXECUTIONS_POLICY,
        PolicyName="StateMachineChildExecutions",
        Roles=[Ref(role)],
        PolicyDocument=PolicyDocument(
            Version=POLICY_VERSION,
            Statement=[
                _allow("StartChildExecutions", [states.StartExecution], [Ref(state_machine)]),
                _allow(
                    "ManageChildExecutions",
                    [states.DescribeExecution, states.StopExecution],
                    [
                        # The children run as EXPRESS executions: express:<state machine>/<map run>:<id>.
                        Sub(
                            "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:express:${Name}/*",
                            Name=GetAtt(state_machine, "Name"),
                        ),
                        # What AWS documents for a Distributed Map's children (see resources/permissions.py
                        # LEAST_PRIVILEGE_EXCEPTIONS).
                        Sub(
                            "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${Name}:*",
                            Name=GetAtt(state_machine, "Name"),
                        ),
                    ],
                ),
            ],
        ),
    )


def object_created_rule_role(*, state_machines: list[StateMachine]) -> Role:
    """EventBridge's role for both rules' targets: start executions of these state machines only."""
    return Role(
        ids.OBJECT_CREATED_RULE_ROLE,
        AssumeRolePolicyDocument=_assumed_by("events.amazonaws.com", same_account_only=True),
        Policies=[
            _inline(
                "StartPipeline",
                [_allow("StartPipeline", [states.StartExecution], [Ref(m) for m in state_machines])],
            )
        ],
    )
