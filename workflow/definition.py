"""The state machine definition as a plain dict (pure: no AWS session, no clock, no I/O)."""

from __future__ import annotations

from typing import Any

from stepfunctions.steps.states import Graph

from workflow.files import build_file_workflow

COMMENT = (
    "Sales-order ingestion: validate an uploaded file, store valid orders in DynamoDB, "
    "send every rejected record (or the rejected file) to the SQS review queue"
)


def build_definition() -> dict[str, Any]:
    """Serialise with `Graph(...).to_dict()`: `Workflow(...)` would create a boto3 client."""
    graph: dict[str, Any] = Graph(build_file_workflow(), comment=COMMENT).to_dict()
    return graph
