"""The sample stack the permissions proof evaluates on: every intrinsic resolved to a concrete value.

Failure class: a reference resolved wrongly (a queue URL for an ARN, a log group without its `:*`)
would make the proof compare patterns against the wrong strings and pass or fail for nothing.
"""

from __future__ import annotations

import pytest

from resources.samples import ACCOUNT, REGION, SampleStack, UnresolvedError

TEMPLATE = {
    "Parameters": {
        "Retention": {"Type": "Number", "Default": "30"},
        "Topic": {"Type": "String", "Default": ""},
    },
    "Conditions": {"HasTopic": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Topic"}, ""]}]}},
    "Resources": {
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {}},
        "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {}},
        "Logs": {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {"LogGroupName": {"Fn::Sub": "/x/${AWS::StackName}"}},
        },
        "Machine": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {}},
    },
}


@pytest.mark.parametrize(
    ("value", "resolved"),
    [
        ({"Ref": "Queue"}, f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/sample-stack-Queue-SAMPLE0SUFFIX"),
        (
            {"Fn::GetAtt": ["Queue", "Arn"]},
            f"arn:aws:sqs:{REGION}:{ACCOUNT}:sample-stack-Queue-SAMPLE0SUFFIX",
        ),
        ({"Fn::GetAtt": "Bucket.Arn"}, "arn:aws:s3:::sample-stack-bucket-sample0suffix"),
        ({"Fn::GetAtt": ["Logs", "Arn"]}, f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/x/sample-stack:*"),
        (
            {"Ref": "Machine"},
            f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:sample-stack-Machine-SAMPLE0SUFFIX",
        ),
        (
            {"Fn::Sub": ["${B}/_p/*", {"B": {"Fn::GetAtt": ["Bucket", "Arn"]}}]},
            "arn:aws:s3:::sample-stack-bucket-sample0suffix/_p/*",
        ),
        ({"Fn::Sub": "${Machine.Name}:${AWS::Partition}"}, "sample-stack-Machine-SAMPLE0SUFFIX:aws"),
        ({"Ref": "Retention"}, "30"),
        ({"Fn::If": ["HasTopic", ["t"], []]}, []),
        ({"Fn::Join": ["-", ["a", {"Ref": "AWS::Region"}]]}, f"a-{REGION}"),
    ],
)
def test_intrinsics_resolve_to_what_cloudformation_would_give(value: object, resolved: object) -> None:
    assert SampleStack(TEMPLATE).resolve(value) == resolved


@pytest.mark.parametrize(
    "value", [{"Ref": "Missing"}, {"Fn::GetAtt": ["Queue", "Nope"]}, {"Fn::Split": [",", "a"]}]
)
def test_what_it_does_not_know_is_an_error_not_a_guess(value: object) -> None:
    with pytest.raises(UnresolvedError):
        SampleStack(TEMPLATE).resolve(value)
