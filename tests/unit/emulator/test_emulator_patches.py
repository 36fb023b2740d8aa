"""Each moto patch, exercised through a small stack deployed from fixture/template.json."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from moto.cloudformation.parsing import get_model_map

from emulator import DeployedStack, not_emulated
from emulator.limits import UNSUPPORTED_RESOURCE_TYPES
from emulator.outcome import Executions, upload
from emulator.package import package_template
from emulator.patches.s3_event_shape import aws_s3_event_shape

FIXTURE_TEMPLATE = Path(__file__).parent / "fixture" / "template.json"


def _template() -> dict:
    return json.loads(FIXTURE_TEMPLATE.read_text())


def _records(*ids: str) -> bytes:
    return json.dumps([{"id": i} for i in ids]).encode()


def test_every_resource_is_created_except_the_listed_unsupported_types(fixture_stack: DeployedStack) -> None:
    resources = _template()["Resources"]
    expected = {name for name, r in resources.items() if r["Type"] not in UNSUPPORTED_RESOURCE_TYPES}
    assert set(fixture_stack.resources) == expected
    assert not_emulated(FIXTURE_TEMPLATE) == [
        ("Alarm", "AWS::CloudWatch::Alarm"),
        ("BucketPolicy", "AWS::S3::BucketPolicy"),
    ]


def test_unsupported_list_names_only_types_moto_lacks() -> None:
    assert not set(UNSUPPORTED_RESOURCE_TYPES) & set(get_model_map())


def test_upload_starts_the_state_machine_which_runs_the_real_handler(fixture_stack: DeployedStack) -> None:
    # GIVEN a file in the stack's bucket (EventBridge flag, rule target, Lambda and Distributed Map patched)
    ids = [f"fx-{uuid.uuid4().hex[:8]}" for _ in range(3)]
    target = upload(fixture_stack, f"orders-{ids[0]}.json", _records(*ids))

    # WHEN the rule's execution finishes
    executions = Executions(fixture_stack).wait([target], timeout=60)[target]

    # THEN exactly one execution ran, with the S3 event (ISO time, version id) as input
    assert [e["status"] for e in executions] == ["SUCCEEDED"]
    event = json.loads(executions[0]["input"])
    assert event["detail-type"] == "Object Created" and event["source"] == "aws.s3"
    assert event["time"].endswith("Z") and "T" in event["time"]
    assert event["detail"]["object"]["version-id"] == target.version_id is not None
    assert event["detail"]["object"]["etag"] == target.etag and "eTag" not in event["detail"]["object"]
    table = fixture_stack.output("TableName")
    for order_id in ids:
        item = fixture_stack.clients.dynamodb.get_item(TableName=table, Key={"order_id": {"S": order_id}})[
            "Item"
        ]
        assert item["source"] == {"S": target.key}


def test_handler_exception_is_caught_by_its_class_name(fixture_stack: DeployedStack) -> None:
    target = upload(fixture_stack, f"reject-{uuid.uuid4().hex[:8]}.json", b"[]")
    [execution] = Executions(fixture_stack).wait([target], timeout=60)[target]
    assert execution["status"] == "SUCCEEDED"
    sqs = fixture_stack.clients.sqs
    bodies = []
    while messages := sqs.receive_message(
        QueueUrl=fixture_stack.output("QueueUrl"), MaxNumberOfMessages=10
    ).get("Messages"):
        bodies += [json.loads(m["Body"]) for m in messages]
    assert {"key": target.key, "error": "FixtureRejected"} in bodies


def test_handler_output_is_saved_as_its_log(fixture_stack: DeployedStack) -> None:
    target = upload(fixture_stack, f"logged-{uuid.uuid4().hex[:8]}.json", _records("log-1"))
    Executions(fixture_stack).wait([target], timeout=60)
    function = fixture_stack.resources["Splitter"]
    events = fixture_stack.clients.logs.filter_log_events(logGroupName=f"/aws/lambda/{function}")["events"]
    assert any(f"from {target.key} in {fixture_stack.output('TableName')}" in e["message"] for e in events)


def test_state_machine_gets_the_substituted_definition_with_nulls_kept(fixture_stack: DeployedStack) -> None:
    described = fixture_stack.clients.stepfunctions.describe_state_machine(
        stateMachineArn=fixture_stack.output("StateMachineArn")
    )
    definition = json.loads(described["definition"])
    assert "${" not in described["definition"]
    assert definition["States"]["Split"]["Parameters"]["FunctionName"].endswith(
        fixture_stack.resources["Splitter"]
    )
    assert definition["States"]["Review"]["ResultPath"] is None
    assert definition["States"]["Records"]["ItemProcessor"]["ProcessorConfig"]["ExecutionType"] == "STANDARD"
    template_definition = _template()["Resources"]["Machine"]["Properties"]["Definition"]
    assert (
        template_definition["States"]["Records"]["ItemProcessor"]["ProcessorConfig"]["ExecutionType"]
        == "EXPRESS"
    )


def test_disabled_rule_does_not_start_executions(fixture_stack: DeployedStack) -> None:
    events = fixture_stack.clients.events
    rule = fixture_stack.resources["Rule"]
    events.disable_rule(Name=rule)
    try:
        target = upload(fixture_stack, f"disabled-{uuid.uuid4().hex[:8]}.json", _records("off-1"))
        assert Executions(fixture_stack).for_upload(target) == []
    finally:
        events.enable_rule(Name=rule)


def test_a_scheduled_rule_receives_no_put_event(fixture_stack: DeployedStack) -> None:
    # GIVEN a scheduled rule (no event pattern) whose target is a queue
    events, sqs = fixture_stack.clients.events, fixture_stack.clients.sqs
    name = f"every-5-min-{uuid.uuid4().hex[:8]}"
    queue_url = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    events.put_rule(Name=name, ScheduleExpression="rate(5 minutes)")
    events.put_targets(Rule=name, Targets=[{"Id": "q", "Arn": queue_arn}])
    try:
        # WHEN an upload's event is put on the bus
        target = upload(fixture_stack, f"scheduled-{uuid.uuid4().hex[:8]}.json", _records("sch-1"))
        # THEN the scheduled rule delivers nothing (moto: the queue got the S3 event), the upload's
        # own rule still starts its execution
        assert sqs.receive_message(QueueUrl=queue_url).get("Messages", []) == []
        assert Executions(fixture_stack).wait([target], timeout=60)[target]
    finally:
        events.remove_targets(Rule=name, Ids=["q"])
        events.delete_rule(Name=name)


def test_a_start_that_fails_is_dead_lettered(fixture_stack: DeployedStack) -> None:
    # GIVEN a second rule whose state machine does not exist, with the stack's DLQ
    events = fixture_stack.clients.events
    source = f"fixture.{uuid.uuid4().hex[:8]}"
    events.put_rule(Name=source, EventPattern=json.dumps({"source": [source]}))
    dlq_url = fixture_stack.output("DeadLetterQueueUrl")
    dlq_arn = fixture_stack.clients.sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])
    missing = fixture_stack.output("StateMachineArn") + "-missing"
    events.put_targets(
        Rule=source,
        Targets=[{"Id": "m", "Arn": missing, "DeadLetterConfig": {"Arn": dlq_arn["Attributes"]["QueueArn"]}}],
    )
    # WHEN an event matches
    events.put_events(Entries=[{"Source": source, "DetailType": "probe", "Detail": json.dumps({"n": 1})}])
    # THEN the event is in the dead-letter queue
    messages = fixture_stack.clients.sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(m["Body"])["source"] for m in messages] == [source]


def test_change_set_deploy_fills_outputs(fixture_stack: DeployedStack) -> None:
    # GIVEN the fixture packaged as `aws cloudformation package` would
    clients = fixture_stack.clients
    bucket = f"cs-{uuid.uuid4().hex[:8]}"
    clients.s3.create_bucket(Bucket=bucket)
    packaged, artifacts = package_template(_template(), FIXTURE_TEMPLATE.parent, bucket)
    for artifact in artifacts:
        clients.s3.put_object(Bucket=bucket, Key=artifact.key, Body=artifact.body)
    name = f"cs-{uuid.uuid4().hex[:8]}"
    # WHEN it is deployed through a change set (what `aws cloudformation deploy` does)
    clients.cloudformation.create_change_set(
        StackName=name,
        ChangeSetName="deploy",
        ChangeSetType="CREATE",
        TemplateBody=json.dumps(packaged),
        Capabilities=["CAPABILITY_IAM"],
    )
    clients.cloudformation.execute_change_set(StackName=name, ChangeSetName="deploy")
    # THEN the stack has its Outputs, like a create-stack stack
    [stack] = clients.cloudformation.describe_stacks(StackName=name)["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert {o["OutputKey"] for o in stack["Outputs"]} == set(fixture_stack.outputs)


def test_s3_event_gets_the_aws_shape_for_an_unversioned_object() -> None:
    moto_event = {"source": "aws.s3", "detail": {"object": {"key": "k", "eTag": "e", "version-id": None}}}
    assert aws_s3_event_shape(moto_event) == {
        "source": "aws.s3",
        "detail": {"object": {"key": "k", "etag": "e"}},
    }
    assert moto_event["detail"]["object"]["eTag"] == "e"  # moto's own event is left alone
    other = {"source": "custom", "detail": {"object": {"eTag": "e"}}}
    assert aws_s3_event_shape(other) is other


def test_a_state_machine_target_with_input_transformation_is_dead_lettered(
    fixture_stack: DeployedStack,
) -> None:
    # GIVEN a rule whose (real) state machine target asks for an input transformation, not emulated
    events, sqs = fixture_stack.clients.events, fixture_stack.clients.sqs
    source = f"fixture.{uuid.uuid4().hex[:8]}"
    events.put_rule(Name=source, EventPattern=json.dumps({"source": [source]}))
    dlq_url = fixture_stack.output("DeadLetterQueueUrl")
    attributes = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]
    dlq_arn = attributes["QueueArn"]
    machine = fixture_stack.output("StateMachineArn")
    events.put_targets(
        Rule=source,
        Targets=[{"Id": "m", "Arn": machine, "InputPath": "$.detail", "DeadLetterConfig": {"Arn": dlq_arn}}],
    )
    before = len(Executions(fixture_stack).all())
    # WHEN an event matches
    events.put_events(Entries=[{"Source": source, "DetailType": "probe", "Detail": json.dumps({"n": 1})}])
    # THEN no execution got the untransformed event: the event went to the dead-letter queue
    messages = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(m["Body"])["source"] for m in messages] == [source]
    assert len(Executions(fixture_stack).all()) == before
