"""Errors the `sales-pipeline` command reports as one line, each with its exit status."""

from __future__ import annotations

USAGE = 2  # bad arguments, a bad deploy.toml, a record contract the validator cannot enforce
FAILED = 1  # the operation ran and failed (an AWS error, a failed deploy)
INTERRUPTED = 130


class CommandError(Exception):
    """Printed as `sales-pipeline <command>: error: <message>`; `status` is the exit status."""

    def __init__(self, message: str, status: int = FAILED) -> None:
        super().__init__(message)
        self.status = status


class UsageError(CommandError):
    """Bad input from the user (arguments, configuration): exit status 2, nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message, USAGE)
