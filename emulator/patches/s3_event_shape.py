"""Gap (moto 5.2.5): S3's "Object Created" EventBridge event differs from AWS's.

moto writes `detail.object.eTag` (AWS: `etag`) and `"version-id": null` for an object in an
unversioned bucket (AWS omits the field). Patched by wrapping `moto.events.models.Rule.send_to_targets`
(outermost), so rule patterns and every target see the AWS shape; moto's own event is left alone.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from moto.events.models import Rule

PROVEN_BY = (
    "tests/unit/emulator/test_emulator_patches.py::"
    "test_s3_event_gets_the_aws_shape_for_an_unversioned_object"
)


def install() -> None:
    Rule.send_to_targets = _send_to_targets(Rule.send_to_targets)  # type: ignore[method-assign]


def _send_to_targets(original: Any) -> Any:
    @functools.wraps(original)
    def send_to_targets(self: Rule, original_event: Any, transform_input: bool = True) -> None:
        original(self, aws_s3_event_shape(original_event), transform_input)

    return send_to_targets


def aws_s3_event_shape(event: Any) -> Any:
    """The event as AWS sends it (a copy when it changes; `event` itself otherwise)."""
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
