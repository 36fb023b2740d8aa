"""Validator Lambda: stream an uploaded file from S3, classify every record, write the batch manifest.

The entry point only: the work is handlers/flows/validate.py (the first read of a file, either lane)
and handlers/flows/steps.py (a large file's later turns, ranges and combining step); the event and
result shapes are handlers/seams/shapes.py's, described in validate()'s docstring.
"""

from __future__ import annotations

import importlib

if not __package__:
    # On Lambda this file is the top-level module of the zip root: register that root as `handlers`.
    importlib.import_module("_package")

from typing import Any

from handlers.flows.validate import validate
from handlers.seams.shapes import AcceptedResult, RejectedResult


def handler(event: dict[str, Any], context: object) -> AcceptedResult | RejectedResult | dict[str, Any]:
    """Validate one uploaded object, or run one step of a large file (handlers/flows/validate.py)."""
    return validate(event, context)
