"""Check a definition's writes to the file ledger against handlers/seams/ledgeritem.py, and its counts.

Every attribute a ledger task names (its Key, a putItem's Item, the attributes of its update and
condition expressions) must be a declared ledger attribute, and every status it writes or compares
with a declared status: so the review command, the watchdog and the emulator, which read the item
with the same names, cannot miss one. One sentence per problem; workflow/seams.py runs it per scope.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from handlers.seams.ledgeritem import (
    LEDGER_ATTRIBUTES,
    LEDGER_FILE_ID,
    LEDGER_LANE,
    LEDGER_LANES,
    LEDGER_STATUS,
    LEDGER_STATUSES,
)
from workflow import names
from workflow.batches import OUTCOMES

# An operand of an update or condition expression: `name`, `#name`, `:value`, `a.#b` (only the first
# segment is an attribute of the item; the rest are members of a map), or a function's name.
_OPERAND = re.compile(r"([#:]?\w+)((?:\.[#:]?\w+)*)(\s*\()?")
# Words of the expression grammar that are not attribute names.
_KEYWORDS = frozenset({"SET", "REMOVE", "ADD", "DELETE", "AND", "OR", "NOT", "IN", "BETWEEN"})
_DECLARED = "handlers/seams/ledgeritem.py"
_COMPARED = re.compile(r"(#\w+)\s*(?:=|<>)\s*(:\w+)")
# A read of one of a record Map's counts (`$.outcomes.stored`, in a path or an intrinsic function).
_OUTCOME = re.compile(re.escape(OUTCOMES) + r"\.(\w+)")


def _ledger_tasks(states: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    table = names.sub(names.FILE_LEDGER_TABLE_NAME)
    for name, state in states.items():
        parameters = state.get("Parameters")
        if isinstance(parameters, dict) and parameters.get("TableName") == table:
            yield name, parameters


def _expression_attributes(expression: str, attribute_names: dict[str, str]) -> Iterator[str]:
    for operand, _members, call in _OPERAND.findall(expression):
        if call or operand.startswith(":") or operand in _KEYWORDS or operand.isdigit():
            continue
        yield attribute_names.get(operand, operand) if operand.startswith("#") else operand


def _statuses(parameters: dict[str, Any]) -> Iterator[str]:
    """The statuses a task writes (an Item's status, `#status = :value`) or compares with."""
    item_status = parameters.get("Item", {}).get(LEDGER_STATUS, {})
    if "S" in item_status:
        yield str(item_status["S"])
    attribute_names = parameters.get("ExpressionAttributeNames", {})
    values = parameters.get("ExpressionAttributeValues", {})
    for field in ("UpdateExpression", "ConditionExpression"):
        for placeholder, value in _COMPARED.findall(str(parameters.get(field, ""))):
            if attribute_names.get(placeholder) == LEDGER_STATUS and "S" in values.get(value, {}):
                yield str(values[value]["S"])


def ledger_problems(states: dict[str, Any]) -> Iterator[str]:
    """Every ledger attribute or status the ledger tasks among `states` use and nobody declared."""
    for name, parameters in _ledger_tasks(states):
        # A putItem names its key in the Item; every other call in its Key.
        key = sorted(k.removesuffix(".$") for k in parameters.get("Key", {}))
        if "Item" in parameters:
            key = [LEDGER_FILE_ID] if LEDGER_FILE_ID in parameters["Item"] else key
        if key != [LEDGER_FILE_ID]:
            yield f"{name} keys the ledger by {key}, not [{LEDGER_FILE_ID!r}]"
        attribute_names = parameters.get("ExpressionAttributeNames", {})
        used = {k.removesuffix(".$") for k in parameters.get("Item", {})}
        for field in ("UpdateExpression", "ConditionExpression"):
            used |= set(_expression_attributes(str(parameters.get(field, "")), attribute_names))
        for attribute in sorted(used - LEDGER_ATTRIBUTES):
            yield f"{name} writes ledger attribute {attribute!r}: {_DECLARED} declares no such attribute"
        for status in sorted(set(_statuses(parameters)) - set(LEDGER_STATUSES)):
            yield f"{name} uses ledger status {status!r}: {_DECLARED} declares no such status"
        lane = parameters.get("Item", {}).get(LEDGER_LANE, {}).get("S")
        if lane is not None and lane not in LEDGER_LANES:
            yield f"{name} claims for lane {lane!r}: {_DECLARED} declares no such lane"


def outcome_problems(states: dict[str, Any], map_name: str) -> Iterator[str]:
    """The counts the ledger gets from the record Map `map_name` (its ResultSelector at OUTCOMES): every
    state of its scope reads only those, and NoRecords' zero counts (small lane) are exactly those."""
    counted = {key.removesuffix(".$") for key in states[map_name].get("ResultSelector", {})}
    for name, state in states.items():
        for key in sorted(set(_OUTCOME.findall(json.dumps(state))) - counted):
            yield f"{name} reads {OUTCOMES}.{key}: {map_name} counts no such outcome"
    zeros = states.get(names.NO_RECORDS, {}).get("Result")
    if isinstance(zeros, dict) and set(zeros) != counted:
        yield f"{names.NO_RECORDS} counts {sorted(zeros)}, {map_name} {sorted(counted)}"
