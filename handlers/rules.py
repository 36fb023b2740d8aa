"""The business rules: the record contract (record_contract.json, read at cold start) and the reason
code and violations of a record that breaks it. DynamoDB's own rules come later (handlers/records.py).

`reason` stays one stable code: the original product's codes for the rules the default contract
carries (not_an_object, missing_order_info, missing_contact_info, missing_order_id), else
contract_violation. Each violation names its JSON Pointer path, the keyword and a sentence that quotes
the contract only; a path holds record member names, so it is made SQS-safe like a review source.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from handlers.contract import (
    REASON_CONTRACT_VIOLATION,
    REASON_MISSING_CONTACT_INFO,
    REASON_MISSING_ORDER_ID,
    REASON_MISSING_ORDER_INFO,
    REASON_NOT_AN_OBJECT,
    REASON_TOO_DEEP,
    RECORD_REASONS,
)
from handlers.schema import Contract, compile_contract, load_contract_document, pointer
from handlers.schema_checks import Path as InstancePath
from handlers.sqssafe import KEY_ENCODING, is_sqs_safe

CONTRACT_FILE = Path(__file__).resolve().parent / "record_contract.json"
# A review lists at most this many violations, then counts the rest (a review stays small).
MAX_VIOLATIONS = 20
# A violation's path is cut to this many characters (after escaping): member names can be 64 KB.
MAX_PATH_CHARS = 200
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
_WATCH = frozenset(BUILT_IN_REASONS)
_RANK = {reason: rank for rank, reason in enumerate(RECORD_REASONS)}

Violation = dict[str, Any]
# A rule is named by where it was broken and its keyword (`/order-info/quantity minimum`); a rule of
# the record itself (empty JSON Pointer) is shown as ROOT.
ROOT = "(record)"
_REASON_CODES = frozenset(RECORD_REASONS)


def violation(path: str, rule: str, message: str) -> Violation:
    """A review's violation: the pointer SQS-safe (json-escaped, marked) and at most MAX_PATH_CHARS."""
    found: Violation = {"path": path, "rule": rule, "message": message}
    if not is_sqs_safe(path):
        found["path"] = json.dumps(path)[1:-1]
        found["path_encoding"] = KEY_ENCODING
    if len(found["path"]) > MAX_PATH_CHARS:
        found["path"] = found["path"][:MAX_PATH_CHARS]
        found["path_truncated"] = True
    return found


def rule_keys(violations: list[Violation]) -> list[str]:
    """`path keyword` of each contract rule in `violations`, each once, in order; a violation that
    only repeats the reason code (a DynamoDB rule, an unparseable line, too_deep) is no contract rule."""
    keys: dict[str, None] = {}
    for found in violations:
        if found["rule"] not in _REASON_CODES:
            keys[f"{found['path'] or ROOT} {found['rule']}"] = None
    return list(keys)


class Broken:
    """A record that breaks the contract: one reason code, the first violations, how many more."""

    __slots__ = ("omitted", "reason", "violations")

    def __init__(self, reason: str, violations: list[Violation], omitted: int) -> None:
        self.reason = reason
        self.violations = violations
        self.omitted = omitted

    @property
    def count(self) -> int:
        return len(self.violations) + self.omitted


class Rules:
    """A compiled contract and the reason code of each way to break it."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.ok = contract.fast  # the generated hot path (handlers/schema_fast.py)

    def check(self, record: Any) -> Broken | None:
        """None when the record meets the contract; else why not. A record nested too deep for the
        validator's stack is too_deep (DynamoDB refuses far less depth anyway)."""
        try:
            if self.ok(record):
                return None
            out = self.contract.violations(record, limit=MAX_VIOLATIONS, watch=_WATCH)
        except RecursionError:
            return Broken(REASON_TOO_DEEP, [], 0)
        codes = [BUILT_IN_REASONS[key] for key in out.noted] or [REASON_CONTRACT_VIOLATION]
        found = [violation(pointer(path), rule, message) for path, rule, message in out.found]
        return Broken(min(codes, key=_RANK.__getitem__), found, out.omitted)


def load_rules(path: Path = CONTRACT_FILE) -> Rules:
    """The rules of a contract file (ContractError when it uses a keyword the validator lacks)."""
    return Rules(compile_contract(load_contract_document(path)))


RULES = load_rules()
