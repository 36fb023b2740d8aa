"""Test data builders (the only ones): a valid order by default; a test states only what it is about.

When a new validation rule arrives, `valid_order` is the one place that learns it, so tests of
unrelated behaviour (batching, numbers, limits, SQS safety) keep passing. `valid_order` is valid under
the shipped contract (handlers/record_contract.json) and under examples/record-contract.json
(tests/unit/test_builders.py checks both).
"""

from __future__ import annotations

import json
from typing import Any

ORDER_INFO = "order-info"
CONTACT_INFO = "contact-info"


def valid_order(
    order_id: str = "1234",
    /,
    *,
    info: dict[str, Any] | None = None,
    contact: dict[str, Any] | None = None,
    **members: Any,
) -> dict[str, Any]:
    """A record every rule accepts (examples/sample-order.json's shape) with `order_id`.

    `info` adds or replaces members of order-info, `contact` of contact-info; `members` adds or
    replaces top-level members (`order_id` is positional, so a top-level `order_id=` member can be given).
    """
    return {
        ORDER_INFO: {"order_id": order_id, "item": "Laptop", "quantity": 1, **(info or {})},
        CONTACT_INFO: {"name": "John Doe", "email": "johndoe@example.com", **(contact or {})},
        **members,
    }


def order_without(member: str, order_id: str = "1234", /, **overrides: Any) -> dict[str, Any]:
    """A valid order with one top-level member removed (e.g. CONTACT_INFO: missing_contact_info)."""
    order = valid_order(order_id, **overrides)
    del order[member]
    return order


def order_text(order: dict[str, Any]) -> str:
    """One record as JSON text (a JSON Lines line)."""
    return json.dumps(order, ensure_ascii=False)


def json_lines(*orders: dict[str, Any]) -> bytes:
    """A JSON Lines file of `orders`."""
    return "".join(order_text(order) + "\n" for order in orders).encode("utf-8")
