"""The state machine's references to this stack, each declared once: placeholder, value and IAM grant.

A `${Placeholder}` in the ASL (workflow/names.py) is filled from DefinitionSubstitutions and needs a
permission on the state machine's role. Both are generated from one `Reference`, so a placeholder
cannot be substituted without its grant, nor granted without being used: only the references the
definition uses are substituted and granted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from awacs import awslambda as lambda_
from awacs import dynamodb, s3, sqs, states
from awacs.aws import Action
from troposphere import GetAtt, Ref, Sub
from troposphere.awslambda import Function
from troposphere.dynamodb import Table
from troposphere.s3 import Bucket
from troposphere.sqs import Queue
from troposphere.stepfunctions import StateMachine

from handlers.seams.settings import WORK_PREFIX
from workflow import names
from workflow.names import integration_key

PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")

# Step Functions service integrations a Task may name as a whole `${<Key>}` placeholder. cfn-lint's
# E3601 requires a Task's Resource to be an `arn:aws:` literal or exactly one placeholder, so a
# partition-free Task is written "Resource": "${DynamodbPutItemArn}", not "arn:${Partition}:...".
SERVICE_INTEGRATIONS = (
    "lambda:invoke",
    "dynamodb:putItem",
    "dynamodb:updateItem",
    "dynamodb:getItem",
    "dynamodb:deleteItem",
    "sqs:sendMessage",
    "s3:getObject",
    "s3:putObject",
    "states:startExecution",
)


@dataclass(frozen=True)
class Grant:
    """Allow `actions` on `resource`; grants sharing a `sid` become one policy statement."""

    sid: str
    actions: tuple[Action, ...]
    resource: object


# One policy statement: (Sid, actions, resources).
PolicyGrant = tuple[str, list[Action], list[object]]


@dataclass(frozen=True)
class Reference:
    """One `${placeholder}`: the value CloudFormation substitutes and what the role may do with it."""

    placeholder: str
    value: object
    grant: Grant | None = None


def placeholders(definition: object) -> set[str]:
    """Every `${Name}` the definition uses."""
    return set(PLACEHOLDER.findall(json.dumps(definition)))


def integration(name: str, grant: Grant | None = None) -> Reference:
    """A service integration's partition-free ARN, e.g. `${DynamodbPutItemArn}`."""
    return Reference(integration_key(name), Sub("arn:${AWS::Partition}:states:::" + name), grant)


def _objects(bucket: Bucket, prefix: str) -> Sub:
    return Sub("${BucketArn}/" + prefix + "*", BucketArn=GetAtt(bucket, "Arn"))


def state_machine_references(
    *,
    validator: Function,
    store_large: Function,
    orders_table: Table,
    file_ledger_table: Table,
    review_queue: Queue,
    bucket: Bucket,
) -> tuple[Reference, ...]:
    """Every reference a state machine may make to this stack, in policy statement order."""
    resources: tuple[Reference, ...] = (
        Reference(
            names.VALIDATOR_FUNCTION_ARN,
            GetAtt(validator, "Arn"),
            Grant("InvokeFunctions", (lambda_.InvokeFunction,), GetAtt(validator, "Arn")),
        ),
        Reference(
            names.STORE_LARGE_FUNCTION_ARN,
            GetAtt(store_large, "Arn"),
            Grant("InvokeFunctions", (lambda_.InvokeFunction,), GetAtt(store_large, "Arn")),
        ),
        Reference(
            names.ORDERS_TABLE_NAME,
            Ref(orders_table),
            # GetItem: ReadStoredHash reads an item's hash after a failed put (workflow/recordstates.py).
            Grant("StoreOrders", (dynamodb.PutItem, dynamodb.GetItem), GetAtt(orders_table, "Arn")),
        ),
        Reference(
            names.FILE_LEDGER_TABLE_NAME,
            Ref(file_ledger_table),
            Grant(
                "WriteFileLedger", (dynamodb.PutItem, dynamodb.UpdateItem), GetAtt(file_ledger_table, "Arn")
            ),
        ),
        Reference(
            names.REVIEW_QUEUE_URL,
            Ref(review_queue),
            Grant("SendReviews", (sqs.SendMessage,), GetAtt(review_queue, "Arn")),
        ),
        # For ARNs other than a Task's Resource (e.g. an ItemReader's): arn:${Partition}:states:::...
        Reference("Partition", Ref("AWS::Partition")),
    )
    # The Distributed Map's ItemReader is the one s3:getObject: it reads the batch manifest, by version.
    read_manifests = Grant(
        "ReadManifests", (s3.GetObject, s3.GetObjectVersion), _objects(bucket, WORK_PREFIX)
    )
    integrations = tuple(
        integration(name, read_manifests if name == "s3:getObject" else None) for name in SERVICE_INTEGRATIONS
    )
    return resources + integrations


def hand_off(large_file_machine: StateMachine) -> Reference:
    """The small-file lane's reference to the machine it hands large files to (states:startExecution)."""
    return Reference(
        names.LARGE_FILE_STATE_MACHINE_ARN,
        Ref(large_file_machine),
        Grant("HandOffLargeFiles", (states.StartExecution,), Ref(large_file_machine)),
    )


def used(references: Iterable[Reference], definition: object) -> list[Reference]:
    """The references `definition` uses, in declaration order."""
    wanted = placeholders(definition)
    return [reference for reference in references if reference.placeholder in wanted]


def substitutions(references: Iterable[Reference], definition: object) -> dict[str, object]:
    """DefinitionSubstitutions: the value of every placeholder `definition` uses that is declared.

    An undeclared placeholder is left out, so template_invariants reports it and build.py refuses to write.
    """
    values = {reference.placeholder: reference.value for reference in used(references, definition)}
    return dict(sorted(values.items()))


def grants(
    references: Iterable[Reference], definition: object
) -> list[tuple[str, list[Action], list[object]]]:
    """(Sid, actions, resources) of the references `definition` uses: one per Sid, in declaration order.

    Grants that share a Sid must name the same actions; their resources are listed together.
    """
    merged: dict[str, tuple[list[Action], list[object]]] = {}
    for reference in used(references, definition):
        grant = reference.grant
        if grant is None:
            continue
        actions, resources = merged.setdefault(grant.sid, (list(grant.actions), []))
        if actions != list(grant.actions):
            raise ValueError(f"grants named {grant.sid} differ in their actions")
        resources.append(grant.resource)
    return [(sid, actions, resources) for sid, (actions, resources) in merged.items()]
