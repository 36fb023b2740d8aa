"""No record content in the parent execution's state data (Standard history keeps inputs for 90 days)."""

from __future__ import annotations

import json

import pytest

from .conftest import Pipeline, assert_no_loss

pytestmark = pytest.mark.e2e


def test_parent_history_holds_pointers_and_counts_only(pipeline: Pipeline, uid: str) -> None:
    # GIVEN a file whose valid, invalid and oversized records all carry a recognisable name and email
    secret_name, secret_email = f"Secret Person {uid}", f"secret-{uid}@example.com"
    contact = {"name": secret_name, "email": secret_email}
    records = [
        {"order-info": {"order_id": f"pii-{uid}-0", "item": "Laptop"}, "contact-info": contact},
        {"order-info": {"item": "no id"}, "contact-info": contact},
        {"order-info": {"order_id": f"pii-{uid}-2"}, "contact-info": contact, "notes": "x" * 300_000},
    ]
    target, result = pipeline.run(f"pii-{uid}.json", json.dumps(records).encode())
    assert_no_loss(result, records=3)
    # WHEN reading everything the parent execution recorded: its input, output and every event
    [execution] = pipeline.executions.for_upload(target)
    client = pipeline.stack.clients.stepfunctions
    events = client.get_execution_history(executionArn=execution["executionArn"])["events"]
    recorded = json.dumps({"execution": execution, "events": events}, default=str)
    # THEN the records' content appears nowhere, while the counts do
    assert len(events) > 10
    assert secret_name not in recorded and secret_email not in recorded
    assert "Laptop" not in recorded and "no id" not in recorded
    assert json.loads(execution["output"])["validation"]["records"] == 3
