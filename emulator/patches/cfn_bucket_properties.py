"""Gap (moto 5.2.5): CloudFormation's `AWS::S3::Bucket` ignores `NotificationConfiguration.
EventBridgeConfiguration` (a stack-created bucket emits no events) and `VersioningConfiguration`
(objects get no version id, which the pipeline's file identity uses).

Patched by wrapping `moto.s3.models.FakeBucket.create_from_cloudformation_json`: both are applied
after moto creates the bucket.
"""

from __future__ import annotations

import functools
from typing import Any

from moto.s3.models import FakeBucket

PROVEN_BY = (
    "tests/unit/emulator/test_emulator_patches.py::"
    "test_upload_starts_the_state_machine_which_runs_the_real_handler"
)


def install() -> None:
    original = FakeBucket.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]
    FakeBucket.create_from_cloudformation_json = classmethod(_create(original))  # type: ignore[method-assign,assignment]


def _create(original: Any) -> Any:
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
