"""What the validator writes to its log per file, the real handler run by the deployed small-file lane.

Failure classes: a second line per file creeping back (the cost cuts priced each line: the "file validated"
line rode beside the EMF document until 1bf7045), record content (names, emails) in the logs, and
the file document losing what the log line said (which file: bucket and key).
"""

from __future__ import annotations

import json

import pytest

from benchmarks.logbytes import lambda_logs
from resources.outputs import BUCKET_NAME

from .conftest import Pipeline, assert_no_loss

pytestmark = pytest.mark.e2e


def test_one_emf_line_per_file_carries_the_file_and_no_record_content(pipeline: Pipeline, uid: str) -> None:
    # GIVEN a small file (the small-file lane, validated inline) of one valid and one invalid record,
    # both carrying a recognisable name and email
    secret_name, secret_email = f"Secret Person {uid}", f"secret-{uid}@example.com"
    contact = {"name": secret_name, "email": secret_email}
    records = [
        {"order-info": {"order_id": f"log-{uid}-0", "item": "Laptop"}, "contact-info": contact},
        {"order-info": {"item": "no id"}, "contact-info": contact},
    ]
    # WHEN it goes through the pipeline, every Lambda invocation's output captured
    with lambda_logs() as logs:
        target, result = pipeline.run(f"log-{uid}.json", json.dumps(records).encode())
    assert_no_loss(result, records=2)
    lines = [line for text in logs for line in text.splitlines()]

    # THEN no record content is in the logs
    text = "\n".join(lines)
    assert secret_name not in text and secret_email not in text and f"log-{uid}-0" not in text
    # AND the validator wrote only JSON documents: one for the file, carrying its log fields, and one per
    # rejection reason; no logging line beside them (fails before 1bf7045: "[INFO] ... file validated inline")
    assert [line for line in lines if not line.startswith("{")] == []
    documents = [json.loads(line) for line in lines]
    [file_document] = [d for d in documents if d.get("key") == target.key]
    assert file_document["message"] == "file validated inline"
    assert file_document["bucket"] == pipeline.stack.output(BUCKET_NAME) and file_document["handoff"] is False
    assert (file_document["Files"], file_document["Records"], file_document["RejectedRecords"]) == (1, 2, 1)
    per_reason = [d for d in documents if d is not file_document]
    assert [d["Reason"] for d in per_reason] == ["missing_order_id"]
    assert all("_aws" in d for d in documents)
