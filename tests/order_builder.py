"""A valid order for tests: one place that knows what every contract in this repository accepts, so a
new rule changes this builder, not every unrelated test."""

from __future__ import annotations

import copy
from typing import Any

_ORDER: dict[str, Any] = {
    "order-info": {"order_id": "ord-1", "item": "Laptop", "quantity": 1},
    "contact-info": {"name": "John Doe", "email": "johndoe@example.com"},
}


def valid_order(order_id: str = "ord-1", **order_info: Any) -> dict[str, Any]:
    """examples/sample-order.json's shape with `order_id` and `order_info` overrides: valid under the
    default contract and under examples/record-contract.json."""
    order = copy.deepcopy(_ORDER)
    order["order-info"].update(order_id=order_id, **order_info)
    return order
