"""The record contract at build time: checked against the draft 2020-12 metaschema and the validator's
keyword subset, and rendered as a human-readable rule table (output/record-contract.md), so that a
change to the rules is a visible diff in review. Build-time only: `jsonschema` never ships in the Lambda.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from handlers.jsontext import dumps
from handlers.rules import BUILT_IN_REASONS
from handlers.schema import ANNOTATIONS, ContractError, compile_contract, load_contract_document, pointer

CONTRACT_TABLE_FILE = "record-contract.md"
_REASONS = {(pointer(path), rule): reason for (path, rule), reason in BUILT_IN_REASONS.items()}
_CHILDREN = ("properties", "patternProperties", "additionalProperties", "items", "prefixItems")
_COMBINERS = ("allOf", "anyOf", "oneOf", "not")


def contract_problems(path: Path, *, name: str) -> list[str]:
    """Every reason the contract file cannot ship: not JSON, not a 2020-12 schema, or a keyword the
    validator does not enforce (named with its location). Empty when it is fine."""
    try:
        document = load_contract_document(path)
    except (OSError, ValueError) as error:
        return [f"{name}: cannot read the contract ({error})"]
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    problems = [
        f"{name}: not a valid JSON Schema 2020-12 at #{pointer(tuple(e.absolute_path))}: {e.message}"
        for e in meta.iter_errors(document)
    ]
    try:
        compile_contract(document)
    except ContractError as error:
        problems += [f"{name}: {problem}" for problem in error.problems]
    return problems


def _cell(value: Any) -> str:
    """A keyword's value as JSON text (numbers exact), safe inside a Markdown table cell."""
    return dumps(value).replace("|", "\\|")


def _rows(schema: Any, where: str, rows: list[tuple[str, str, str, str]]) -> None:
    if schema is False:
        rows.append((where or "/", "false", "(nothing allowed)", "contract_violation"))
        return
    if not isinstance(schema, dict):
        return
    for keyword, value in schema.items():
        if keyword in ANNOTATIONS or keyword in _CHILDREN:
            continue
        if keyword == "required":
            for member in value:
                here = f"{where}/{member}"
                rows.append(
                    (here, "required", "present", _REASONS.get((here, "required"), "contract_violation"))
                )
            continue
        shown = (
            value
            if keyword not in _COMBINERS
            else f"{len(value) if isinstance(value, list) else 1} schema(s) below"
        )
        rows.append(
            (where or "/", keyword, _cell(shown), _REASONS.get((where, keyword), "contract_violation"))
        )
        if keyword in _COMBINERS:
            for index, sub in enumerate(value if isinstance(value, list) else [value]):
                _rows(sub, f"{where} ({keyword} #{index + 1})", rows)
    for member, sub in schema.get("properties", {}).items():
        _rows(sub, f"{where}/{member.replace('~', '~0').replace('/', '~1')}", rows)
    for pattern, sub in schema.get("patternProperties", {}).items():
        _rows(sub, f"{where}/<member matching {pattern}>", rows)
    if "additionalProperties" in schema:
        extra = schema["additionalProperties"]
        if extra is False:
            rows.append(
                (f"{where}/<any other member>", "additionalProperties", "false", "contract_violation")
            )
        else:
            _rows(extra, f"{where}/<any other member>", rows)
    for index, sub in enumerate(schema.get("prefixItems", [])):
        _rows(sub, f"{where}/{index}", rows)
    if "items" in schema:
        _rows(schema["items"], f"{where}/<each item>", rows)


def render_contract_table(path: Path, *, name: str) -> str:
    """The contract's rules as a Markdown table, one row per rule, with the file's sha256."""
    raw = path.read_bytes()
    document = load_contract_document(path)
    rows: list[tuple[str, str, str, str]] = []
    _rows(document, "", rows)
    for definition, sub in document.get("$defs", {}).items():
        _rows(sub, f"$defs/{definition}", rows)
    lines = [
        "# Record contract",
        "",
        f"Rendered by `python build.py` from `{name}` (sha256 `{hashlib.sha256(raw).hexdigest()}`).",
        "Paths are JSON Pointers into a record; `$defs/<name>` rows apply wherever a `$ref` names them.",
        "Every record must also meet DynamoDB's own rules, which no contract relaxes (key, reserved",
        "names, values, depth, size: see the README).",
        "",
        "| Path | Rule | Value | Reason code |",
        "|---|---|---|---|",
        *(f"| `{where}` | {rule} | {value} | {reason} |" for where, rule, value, reason in rows),
        "",
    ]
    return "\n".join(lines)
