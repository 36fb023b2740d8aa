"""Gap (moto 5.2.5): an indefinite JSONPath (filter `[?(...)]`, deep scan `..`) is not always an array.

Step Functions evaluates Parameters / ResultSelector paths and intrinsic arguments with Jayway
JsonPath: a path with a filter or a deep scan is *indefinite* and yields a JSON array of every match,
`[]` when nothing matches. moto's `extract_json` returns `[]` only for `[*]` and slices: a filter or a
deep scan that matches nothing raises "could not be found in the input" (States.Runtime), and a deep
scan with one match yields that value, not a one-element array. The pipeline counts each batch's
outcomes with filters (`States.ArrayLength($[?(@.outcome == 'duplicate')])`, often matching nothing)
and tells a new item from an identical re-put with a deep scan of putItem's `ALL_OLD` result.
Patched at `extract_json` where moto's payload paths (`string_expression`) and intrinsic arguments
(`argument`) import it: those two forms only; definite paths keep moto's behaviour.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from jsonpath_ng.ext.parser import parse
from moto.stepfunctions.parser.asl.component.common.string import string_expression
from moto.stepfunctions.parser.asl.component.intrinsic.argument import argument

PROVEN_BY = "tests/unit/emulator/test_emulator_indefinite_paths.py"

# A filter `[?(` or a deep scan `..` outside quotes makes a path indefinite (Jayway `isDefinite`).
_INDEFINITE = re.compile(r"\[\s*\?\s*\(|\.\.")


def is_indefinite(path: str) -> bool:
    """True for a path with a filter or a deep scan (quoted member names are not looked into)."""
    return bool(_INDEFINITE.search(re.sub(r"'[^']*'|\"[^\"]*\"", "''", path)))


def install() -> None:
    for module in (string_expression, argument):
        if not getattr(module.extract_json, "_indefinite_paths", False):  # install once
            module.extract_json = _extract_json(module.extract_json)  # type: ignore[attr-defined]


def _extract_json(original: Any) -> Any:
    @functools.wraps(original)
    def extract_json(path: str, data: Any) -> Any:
        if isinstance(path, str) and is_indefinite(path):
            return [match.value for match in parse(path).find(data)]
        return original(path, data)

    extract_json._indefinite_paths = True  # type: ignore[attr-defined]
    return extract_json
