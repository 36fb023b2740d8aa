"""The state machine definition as a plain dict (pure: no AWS session, no clock, no I/O)."""

from __future__ import annotations

from typing import Any

from stepfunctions.steps.states import Graph

from workflow.express import build_small_file_workflow
from workflow.largelane import build_file_workflow

COMMENT = (
    "Sales-order ingestion: validate an uploaded file, store valid orders in DynamoDB, "
    "send every rejected record (or the rejected file) to the SQS review queue"
)


def build_definition() -> dict[str, Any]:
    """Serialise with `Graph(...).to_dict()`: `Workflow(...)` would create a boto3 client."""
    graph: dict[str, Any] = Graph(build_file_workflow(), comment=COMMENT).to_dict()
    return graph


SMALL_FILE_COMMENT = (
    "Sales-order ingestion, small-file lane: validate a small uploaded file and store or review its "
    "records in one short execution; hand a file that does not fit to the large-file state machine"
)


def build_small_file_definition() -> dict[str, Any]:
    """The small-file (EXPRESS) state machine, serialised like build_definition."""
    graph: dict[str, Any] = Graph(build_small_file_workflow(), comment=SMALL_FILE_COMMENT).to_dict()
    return graph
