"""ASL forms the pipeline relies on that moto 5.2.5 already runs as AWS does: no patch, pinned here.

- Bracket notation for a member name outside JsonPath's shorthand (`$.detail.object['version-id']`,
  what the Step Functions paths documentation requires for a hyphenated name) in a Choice `Variable`
  with IsPresent, a Parameters `"x.$"` path, an intrinsic's argument and an ItemSelector.
- ItemReader `s3:getObject` with `Parameters.VersionId`: the Map reads that version, not the latest.
If a moto upgrade loses either, these fail and the gap needs a module in emulator/patches/.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from emulator import DeployedStack

from .machines import Machines

VERSION = "$.detail.object['version-id']"

BRACKETS: dict[str, Any] = {
    "StartAt": "HasVersion",
    "States": {
        "HasVersion": {
            "Type": "Choice",
            "Choices": [{"Variable": VERSION, "IsPresent": True, "Next": "Describe"}],
            "Default": "Unversioned",
        },
        "Unversioned": {"Type": "Pass", "Result": {"version": None}, "End": True},
        "Describe": {
            "Type": "Map",
            "ItemsPath": "$.detail['object-list']",
            "ItemSelector": {"version.$": VERSION, "item.$": "$$.Map.Item.Value"},
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "Each",
                "States": {"Each": {"Type": "Pass", "End": True}},
            },
            "ResultPath": "$.items",
            "Next": "Summary",
        },
        "Summary": {
            "Type": "Pass",
            "Parameters": {
                "version.$": VERSION,
                "label.$": f"States.Format('v={{}}', {VERSION})",
                "items.$": "$.items",
            },
            "End": True,
        },
    },
}


def test_bracket_paths_read_a_hyphenated_member(machines: Machines) -> None:
    event = {"detail": {"object": {"key": "k", "version-id": "v1"}, "object-list": [1]}}
    assert machines.output(BRACKETS, event) == {
        "version": "v1",
        "label": "v=v1",
        "items": [{"version": "v1", "item": 1}],
    }


def test_is_present_on_a_bracket_path_sees_an_absent_member(machines: Machines) -> None:
    assert machines.output(BRACKETS, {"detail": {"object": {"key": "k"}}}) == {"version": None}


READER: dict[str, Any] = {
    "StartAt": "Items",
    "States": {
        "Items": {
            "Type": "Map",
            "ItemReader": {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": {"InputType": "JSON"},
                "Parameters": {"Bucket.$": "$.bucket", "Key.$": "$.key", "VersionId.$": "$.version_id"},
            },
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "Each",
                "States": {"Each": {"Type": "Pass", "End": True}},
            },
            "End": True,
        }
    },
}


def test_item_reader_reads_the_version_it_names(fixture_stack: DeployedStack, machines: Machines) -> None:
    # GIVEN two versions of one manifest in the fixture's versioned bucket
    s3 = fixture_stack.clients.s3
    bucket, key = fixture_stack.output("BucketName"), f"_work/versions-{uuid.uuid4().hex[:8]}.manifest"
    first = s3.put_object(Bucket=bucket, Key=key, Body=json.dumps(["written"]).encode())["VersionId"]
    s3.put_object(Bucket=bucket, Key=key, Body=json.dumps(["over", "written"]).encode())

    # WHEN the Map reads it by the first version's id, THEN it sees the first version
    assert machines.output(READER, {"bucket": bucket, "key": key, "version_id": first}) == ["written"]
