"""The business rules: the record contract (record_contract.json, read at cold start, its hot path the
committed module build.py generated from it) and the reason code and violations of a record that
breaks it. DynamoDB's own rules come later (handlers/core/classify.py).

`reason` is one stable code (handlers/recordcontract/reasons.py): the code of the first violation that
has one, in the order violations are listed: its `x-reason`, or, when that violation is one of the
original product's rules (not_an_object, missing_order_info, missing_contact_info, missing_order_id),
the best of the original codes the record earns (their own precedence); else contract_violation.
Each violation names its JSON Pointer path, the keyword and a sentence that quotes the contract only;
a path holds record member names, so it is made SQS-safe like a review source. It also names the rule
it breaks: `schema`, the keyword's place in the contract (a JSON Pointer as JSON Schema's
keywordLocation: `#/properties/order-info/properties/lines/items/properties/quantity/$ref/minimum`),
and `key`, how counts name that rule (`/order-info/lines/*/quantity minimum`: the pattern of the
instance paths it applies to, then the keyword; docs/reference.md "Rules and their keys"). The key is
made of contract text only (`*` stands for any item and any member the contract does not name), so it
never holds record content, and there are at most as many as places in the contract.

A contract that cannot be enforced, or whose generated module is missing or stale, stops the cold start
with ContractError (one line per problem, naming the file): never a record judged by other rules.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
from pathlib import Path
from typing import Any

from handlers.recordcontract.compiler import Contract, ContractError, load_contract, pointer
from handlers.recordcontract.reasons import BUILT_IN_REASONS
from handlers.seams.settings import REASON_CONTRACT_VIOLATION, REASON_TOO_DEEP, RECORD_REASONS
from handlers.values.sqssafe import KEY_ENCODING, is_sqs_safe

CONTRACT_FILE = Path(__file__).resolve().parent.parent / "record_contract.json"
# How errors name the shipped contract (on Lambda the file is /var/task/record_contract.json).
CONTRACT_NAME = "handlers/record_contract.json"
# The generated module of the shipped contract: handlers/recordcontract/generated/<name>.py.
CONTRACT_MODULE = "record_contract"
GENERATED_PACKAGE = "handlers.recordcontract.generated"
# A review lists at most this many violations, then counts the rest (a review stays small).
MAX_VIOLATIONS = 20
# A violation's path is cut to this many characters (after escaping): member names can be 64 KB.
MAX_PATH_CHARS = 200
_WATCH = frozenset(BUILT_IN_REASONS)
_RANK = {reason: rank for rank, reason in enumerate(RECORD_REASONS)}

Violation = dict[str, Any]
# A rule's key is `pattern keyword` (`/order-info/lines/*/quantity minimum`); a rule of the record
# itself (an empty pattern) is shown as ROOT.
ROOT = "(record)"
_REASON_CODES = frozenset(RECORD_REASONS)


def violation(
    path: str, rule: str, message: str, *, key: str | None = None, schema: str | None = None
) -> Violation:
    """A review's violation: the pointer SQS-safe (json-escaped, marked) and at most MAX_PATH_CHARS;
    a contract rule's `key` and `schema` (its place in the contract) when it is one."""
    found: Violation = {"path": path, "rule": rule, "message": message}
    if not is_sqs_safe(path):
        found["path"] = json.dumps(path)[1:-1]
        found["path_encoding"] = KEY_ENCODING
    if len(found["path"]) > MAX_PATH_CHARS:
        found["path"] = found["path"][:MAX_PATH_CHARS]
        found["path_truncated"] = True
    if key is not None:
        found["key"] = key
    if schema is not None:
        found["schema"] = schema
    return found


def _safe(text: str) -> str:
    """Contract text SQS and DynamoDB accept: JSON-escaped (ASCII) when it holds anything else."""
    return text if is_sqs_safe(text) else json.dumps(text)[1:-1]


# Both are pure functions of a place in the contract (a bounded set): cached, so a flood of rejected
# records does not render the same key again per record.
@functools.lru_cache(maxsize=4096)
def rule_key(pattern: str, keyword: str) -> str:
    """How counts name a rule: `pattern keyword` (ROOT for the record itself)."""
    return _safe(f"{pattern or ROOT} {keyword}")


@functools.lru_cache(maxsize=4096)
def schema_location(location: tuple[str | int, ...]) -> str:
    """A keyword's place in the contract: `#` and its JSON Pointer."""
    return _safe("#" + pointer(location))


def rule_keys(violations: list[Violation]) -> list[str]:
    """The key of each contract rule in `violations` (a review's), each once, in order; a violation
    that only repeats the reason code (a DynamoDB rule, an unparseable line, too_deep) is no contract
    rule. A violation without a key (a review written before keys named places) is keyed
    `path keyword`, as then."""
    keys: dict[str, None] = {}
    for found in violations:
        if found["rule"] not in _REASON_CODES:
            key = found.get("key")
            keys[key if isinstance(key, str) else f"{found['path'] or ROOT} {found['rule']}"] = None
    return list(keys)


def review_rules(review: dict[str, Any]) -> list[str]:
    """The contract rules (keys) a review message names: its `rules` (every rule the record breaks),
    or, in a review without them, the keys of its listed violations."""
    rules = review.get("rules")
    if isinstance(rules, list) and all(isinstance(rule, str) for rule in rules):
        return list(dict.fromkeys(rules))
    violations = review.get("violations")
    if not isinstance(violations, list):
        return []
    return rule_keys([v for v in violations if isinstance(v, dict) and "rule" in v and "path" in v])


class Broken:
    """A record that breaks the contract: one reason code, the first violations, how many more, and
    the key of every rule it breaks (`rules`, each once: all of them, not only the listed ones')."""

    __slots__ = ("omitted", "reason", "rules", "violations")

    def __init__(
        self, reason: str, violations: list[Violation], omitted: int, rules: list[str] | None = None
    ) -> None:
        self.reason = reason
        self.violations = violations
        self.omitted = omitted
        self.rules = rules or []

    @property
    def count(self) -> int:
        return len(self.violations) + self.omitted


class Rules:
    """A compiled contract and the reason code of each way to break it."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.ok = contract.fast  # the generated hot path once bound (handlers/recordcontract/codegen.py)

    def check(self, record: Any) -> Broken | None:
        """None when the record meets the contract; else why not. A record nested too deep for the
        validator's stack is too_deep (DynamoDB refuses far less depth anyway)."""
        try:
            if self.ok(record):
                return None
            out = self.contract.violations(record, limit=MAX_VIOLATIONS, watch=_WATCH)
        except RecursionError:
            return Broken(REASON_TOO_DEEP, [], 0, [])
        found = [
            violation(
                pointer(path), rule, message, key=rule_key(pattern, rule), schema=schema_location(location)
            )
            for (path, rule, message), (location, pattern) in zip(out.found, out.places, strict=True)
        ]
        rules = list(dict.fromkeys(rule_key(pattern, rule) for pattern, rule in out.rules))
        if out.code:  # the first violation with a code has an x-reason
            return Broken(out.code, found, out.omitted, rules)
        codes = [BUILT_IN_REASONS[key] for key in out.noted] or [REASON_CONTRACT_VIOLATION]
        return Broken(min(codes, key=_RANK.__getitem__), found, out.omitted, rules)


def load_rules(path: Path = CONTRACT_FILE, *, name: str | None = None, generated: str | None = None) -> Rules:
    """The rules of a contract file (ContractError when the validator cannot enforce it). `generated`:
    the name of its generated module (handlers/recordcontract/generated/), which must match the file;
    without one the compiled checks run alone (same verdicts, slower: tests, other contracts)."""
    shown = name or str(path)
    contract = load_contract(path, name=shown)
    if generated is not None:
        module = _generated_module(generated, shown)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if getattr(module, "CONTRACT_SHA256", None) != digest:
            raise ContractError(
                [f"{shown}: changed since {generated}.py was generated from it (run `python build.py`)"]
            )
        try:
            functions = module.bind(contract.tests())
        except KeyError:  # it names a keyword this engine did not compile there: another engine made it
            raise ContractError(
                [
                    f"{shown}: {generated}.py was generated by another version of the engine "
                    "(run `python build.py`)"
                ]
            ) from None
        contract.bind(functions)
    return Rules(contract)


def _generated_module(generated: str, shown: str) -> Any:
    try:
        return importlib.import_module(f"{GENERATED_PACKAGE}.{generated}")
    except ModuleNotFoundError:
        raise ContractError(
            [f"{shown}: no generated module {generated}.py (run `python build.py`)"]
        ) from None


RULES = load_rules(CONTRACT_FILE, name=CONTRACT_NAME, generated=CONTRACT_MODULE)
