"""Reason codes of a record that breaks the contract: the original product's four codes (built into the
default contract's rules) and the codes a contract carries itself (`"x-reason": "<code>"` on a schema).

Which code a record gets (docs/reference.md "Codes a contract gives"): the code of the first violation
that has one, in the order violations are listed; an original rule's code is the best-ranked original code
among the rules the record breaks (their precedence is the original product's); else
contract_violation.
"""

from __future__ import annotations

import re

from handlers.seams.settings import (
    FILE_REASONS,
    REASON_CONTRACT_VIOLATION,
    REASON_MISSING_CONTACT_INFO,
    REASON_MISSING_ORDER_ID,
    REASON_MISSING_ORDER_INFO,
    REASON_NOT_AN_OBJECT,
    RECORD_REASONS,
)

InstancePath = tuple[str | int, ...]
REASON_KEYWORD = "x-reason"
# A code is a metric dimension value and a ledger map key: short, lower-case, and a contract has few.
REASON_CODE = re.compile(r"[a-z][a-z0-9_]{0,47}\Z")
MAX_REASON_CODES = 20
# (path, keyword) of the original product's rules -> their reason codes.
BUILT_IN_REASONS: dict[tuple[InstancePath, str], str] = {
    ((), "type"): REASON_NOT_AN_OBJECT,
    (("order-info",), "required"): REASON_MISSING_ORDER_INFO,
    (("order-info",), "type"): REASON_MISSING_ORDER_INFO,
    (("contact-info",), "required"): REASON_MISSING_CONTACT_INFO,
    (("contact-info",), "type"): REASON_MISSING_CONTACT_INFO,
    (("order-info", "order_id"), "required"): REASON_MISSING_ORDER_ID,
    (("order-info", "order_id"), "type"): REASON_MISSING_ORDER_ID,
    (("order-info", "order_id"), "minLength"): REASON_MISSING_ORDER_ID,
}
# Codes a contract may not claim: what the validator itself decides (file reasons, DynamoDB's rules).
RESERVED_CODES = frozenset(FILE_REASONS) | (
    frozenset(RECORD_REASONS) - set(BUILT_IN_REASONS.values()) - {REASON_CONTRACT_VIOLATION}
)


def reason_code_problem(code: object) -> str | None:
    """Why `code` cannot be an x-reason (None: it can)."""
    if not isinstance(code, str) or REASON_CODE.match(code) is None:
        return f"{REASON_KEYWORD} must be lower-case letters, digits and _ (a letter first, at most 48)"
    if code in RESERVED_CODES:
        return f"{REASON_KEYWORD} {code!r} is a code the validator itself gives"
    return None
