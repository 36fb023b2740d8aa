"""Every patch the emulator applies to moto: one module per gap, each installed by `apply()`.

Each module's docstring names its gap in moto 5.2.5, the narrowest point it patches, and the test
that proves it (`PROVEN_BY`, checked by tests/unit/emulator/test_emulator_patch_modules.py). Where
moto is more lenient than AWS, the patch makes the emulator strict in that one place.
"""

from __future__ import annotations

import threading
from types import ModuleType

import moto

from emulator.patches import (
    cfn_bucket_properties,
    cfn_change_set_outputs,
    cfn_definition_nulls,
    cfn_empty_change_set,
    cfn_state_machine,
    cfn_state_machine_arn,
    dynamodb_item_size,
    dynamodb_numbers,
    eventbridge_disabled_rule,
    eventbridge_lambda_target,
    eventbridge_schedule_rule,
    eventbridge_state_machine_target,
    lambda_in_process,
    s3_event_shape,
    s3_missing_key_access,
    s3_secure_transport,
    service_faults,
    sfn_emulated_time,
    sfn_error_names,
    sfn_express_child_twice,
    sfn_indefinite_paths,
    sfn_json_text,
    sfn_start_execution,
    sfn_start_time,
    sfn_stopped_execution,
    sfn_tolerated_failure,
    sqs_message_characters,
)

PINNED_MOTO_VERSION = "5.2.5"

# Install order matters only for the five wrappers of `Rule.send_to_targets`: the S3 event gets
# the AWS shape first (outermost), then disabled and scheduled rules stop, then state machine
# targets start and Lambda function targets are invoked.
PATCHES: tuple[ModuleType, ...] = (
    lambda_in_process,
    eventbridge_lambda_target,
    eventbridge_state_machine_target,
    eventbridge_schedule_rule,
    eventbridge_disabled_rule,
    s3_event_shape,
    s3_secure_transport,
    cfn_definition_nulls,
    cfn_state_machine,
    cfn_state_machine_arn,
    cfn_bucket_properties,
    cfn_change_set_outputs,
    cfn_empty_change_set,
    sfn_start_time,
    sfn_tolerated_failure,
    sfn_json_text,
    sfn_start_execution,
    sfn_indefinite_paths,
    sqs_message_characters,
    dynamodb_numbers,
    s3_missing_key_access,
    dynamodb_item_size,
    sfn_emulated_time,
    sfn_express_child_twice,
    sfn_error_names,
    sfn_stopped_execution,
    service_faults,
)

_LOCK = threading.Lock()
_applied = False


def apply() -> None:
    """Install every patch once per process. Fails loudly on any moto other than the pinned one."""
    global _applied
    with _LOCK:
        if _applied:
            return
        if moto.__version__ != PINNED_MOTO_VERSION:
            raise RuntimeError(
                f"emulator patches target moto {PINNED_MOTO_VERSION}, found moto {moto.__version__}: "
                "re-check every gap in emulator/patches/ before changing the pin"
            )
        for patch in PATCHES:
            patch.install()
        _applied = True
