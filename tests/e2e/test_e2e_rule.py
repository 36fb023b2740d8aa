"""The bucket's EventBridge rule: accepted suffixes in any case start the pipeline; other names and the
pipeline's own working objects start nothing."""

from __future__ import annotations

import json

import pytest

from emulator.outcome import upload

from .conftest import Pipeline, assert_no_loss


def _order(order_id: str) -> bytes:
    return json.dumps({"order-info": {"order_id": order_id}, "contact-info": {"name": "Ana"}}).encode()


pytestmark = pytest.mark.e2e


def test_an_upper_case_suffix_is_a_sales_file_too(pipeline: Pipeline, uid: str) -> None:
    _, result = pipeline.run(f"ORDERS-{uid}.JSON", _order(f"upper-{uid}"))
    assert_no_loss(result, records=1)
    assert result.stored == 1


@pytest.mark.parametrize(
    "key",
    [
        "orders-{uid}.csv",
        "orders-{uid}.json.bak",
        "_pipeline/work/{uid}/batches.manifest",
        "_pipeline/claims/{uid}/0.record",
    ],
)
def test_other_names_and_working_objects_start_nothing(pipeline: Pipeline, uid: str, key: str) -> None:
    # GIVEN an object the rule must ignore (the emulated rule delivers while the upload is served)
    target = upload(pipeline.stack, key.format(uid=uid), _order(f"ignored-{uid}"))
    # THEN no execution names it
    assert pipeline.executions.for_upload(target) == []


def test_an_accepted_name_has_its_execution_as_soon_as_the_upload_returns(
    pipeline: Pipeline, uid: str
) -> None:
    # The premise of the test above: were the rule to match, the execution would already be listed.
    target = upload(pipeline.stack, f"control-{uid}.json", _order(f"control-{uid}"))
    assert len(pipeline.executions.for_upload(target)) == 1
    pipeline.result(target)
