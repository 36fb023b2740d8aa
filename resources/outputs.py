"""The stack's outputs, declared once: what resources/template.py exports and operators' tools read.

`review` (review/stack.py), the emulator (emulator/outcome.py), `sales-pipeline serve` and the
benchmarks find the stack's bucket, tables, queue and state machines by these names; build.py refuses
a template whose outputs are not exactly these (`output_problems`). Standard library only: the review
command imports it without loading troposphere.
"""

from __future__ import annotations

from typing import Any, Final

BUCKET_NAME: Final = "BucketName"
ORDERS_TABLE_NAME: Final = "OrdersTableName"
FILE_LEDGER_TABLE_NAME: Final = "FileLedgerTableName"
REVIEW_QUEUE_URL: Final = "ReviewQueueUrl"
STATE_MACHINE_ARN: Final = "StateMachineArn"
SMALL_FILE_STATE_MACHINE_ARN: Final = "SmallFileStateMachineArn"
RULE_DEAD_LETTER_QUEUE_URL: Final = "RuleDeadLetterQueueUrl"
DASHBOARD_URL: Final = "DashboardUrl"
STACK_OUTPUTS: Final = (
    BUCKET_NAME,
    ORDERS_TABLE_NAME,
    FILE_LEDGER_TABLE_NAME,
    REVIEW_QUEUE_URL,
    STATE_MACHINE_ARN,
    SMALL_FILE_STATE_MACHINE_ARN,
    RULE_DEAD_LETTER_QUEUE_URL,
    DASHBOARD_URL,
)
# The state machines whose executions process uploads (a stack without the small-file lane has one).
MACHINE_OUTPUTS: Final = (STATE_MACHINE_ARN, SMALL_FILE_STATE_MACHINE_ARN)


def output_problems(template: dict[str, Any]) -> list[str]:
    """A rendered template's outputs against STACK_OUTPUTS: one sentence when they differ (a renamed
    output is one problem naming both names)."""
    exported = set(template.get("Outputs", {}))
    undeclared = sorted(exported - set(STACK_OUTPUTS))
    missing = [name for name in STACK_OUTPUTS if name not in exported]
    if not undeclared and not missing:
        return []
    return [f"exports {undeclared} and not {missing}: resources/outputs.py declares the stack's outputs"]
