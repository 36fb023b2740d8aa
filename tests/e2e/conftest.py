"""One stack deployed from output/template.json per session; every test uses its own keys and order ids."""

from __future__ import annotations

import logging
import os
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer

import emulator
from emulator import DEFAULT_TEMPLATE, DeployedStack
from emulator.outcome import Executions, FileOutcome, ReviewInbox, Upload, outcome, upload

_DESERIALIZER = TypeDeserializer()
# moto's ASL interpreter logs every failing path expression at ERROR; a test shows the execution's
# own error and cause instead.
logging.getLogger("moto.stepfunctions.parser").setLevel(logging.CRITICAL)


@dataclass
class Pipeline:
    """Drop files into the deployed stack and see where their records went."""

    stack: DeployedStack
    executions: Executions
    inbox: ReviewInbox

    def run(self, name: str, body: bytes, *, at_least: int = 1) -> tuple[Upload, FileOutcome]:
        target = upload(self.stack, name, body)
        return target, self.result(target, at_least=at_least)

    def result(self, target: Upload, *, at_least: int = 1) -> FileOutcome:
        found = self.executions.wait([target], at_least=at_least, timeout=120)[target]
        return outcome(self.stack, target, found, self.inbox)

    def item(self, order_id: str) -> dict[str, Any] | None:
        response = self.stack.clients.dynamodb.get_item(
            TableName=self.stack.output("OrdersTableName"), Key={"order_id": {"S": order_id}}
        )
        return response.get("Item")

    def ledger_key(self, target: Upload) -> dict[str, Any]:
        """The file ledger's key for `target` (DynamoDB JSON)."""
        return {"file_id": {"S": target.file_id(self.stack.output("BucketName"))}}

    def ledger(self, target: Upload) -> dict[str, Any] | None:
        """The file ledger's item for `target` as plain values (numbers as Decimal)."""
        response = self.stack.clients.dynamodb.get_item(
            TableName=self.stack.output("FileLedgerTableName"), Key=self.ledger_key(target)
        )
        return plain(response["Item"]) if "Item" in response else None


# A candidate render elsewhere (e.g. `python build.py --output /tmp/x/output`) can be tried with
# E2E_TEMPLATE=/tmp/x/output/template.json; by default the committed output/ is deployed.
TEMPLATE = Path(os.environ.get("E2E_TEMPLATE") or DEFAULT_TEMPLATE)


_shared: list[Pipeline] = []


@pytest.fixture
def pipeline() -> Pipeline:
    """One stack for the session's tests, deployed again if a `moto.mock_aws` test run in this
    process since (pytest-xdist mixes tests of every kind on a worker) has reset the server."""
    if not TEMPLATE.is_file():
        pytest.fail(f"{TEMPLATE} is missing: run `python build.py` first")
    deployed = emulator.shared_stack(TEMPLATE)
    if not _shared or _shared[0].stack is not deployed:
        _shared[:] = [Pipeline(stack=deployed, executions=Executions(deployed), inbox=ReviewInbox(deployed))]
    return _shared[0]


@pytest.fixture
def stack(pipeline: Pipeline) -> DeployedStack:
    return pipeline.stack


@pytest.fixture
def uid() -> str:
    """A fresh suffix for this test's file names and order ids (the stack is shared)."""
    return uuid.uuid4().hex[:12]


def plain(item: dict[str, Any]) -> dict[str, Any]:
    """A DynamoDB JSON item as Python values (numbers as Decimal)."""
    return {name: _DESERIALIZER.deserialize(value) for name, value in item.items()}


def record_of(item: dict[str, Any]) -> dict[str, Any]:
    """The stored record: the item without the pipeline's own attributes (`order_id` is the key copy)."""
    return {k: v for k, v in plain(item).items() if not k.startswith("_pipeline") and k != "order_id"}


def as_decimals(value: Any) -> Any:
    """JSON-like data with every number as an exact Decimal, to compare with a deserialized item."""
    if isinstance(value, dict):
        return {k: as_decimals(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_decimals(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    return Decimal(str(value))


def assert_no_loss(result: FileOutcome, *, records: int | None) -> None:
    """The pipeline counted `records` (None: it rejected the file) and every index is accounted for:
    its item is in the table with its hash, or a review names it; a rejected file is one review
    message and nothing stored."""
    assert result.status == "SUCCEEDED", result.failure
    assert result.problems == (), result.problems
    # The count is the pipeline's own, from the ledger (MarkFileDone / MarkFileRejected), not a sum.
    assert result.count is not None and result.count.origin == "ledger", result.count
    if records is None:
        assert result.file_rejected and result.records is None
        assert result.stored == 0 and result.items == [] and len(result.reviews) == 1
    else:
        assert not result.file_rejected and result.lost == ()
        assert result.records == result.stored + result.duplicates + result.rejected == records
