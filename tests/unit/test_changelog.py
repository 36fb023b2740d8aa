"""CHANGELOG.md is kept: it names every parameter of the rendered template and the current review schema.

Failure class: a parameter or a review schema version reaching users with no line in the changelog
(a new parameter without its row fails here, naming it).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from handlers.seams.settings import REVIEW_SCHEMA

ROOT = Path(__file__).resolve().parents[2]
CHANGELOG = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_every_template_parameter_has_a_row() -> None:
    parameters = json.loads((ROOT / "output" / "template.json").read_text(encoding="utf-8"))["Parameters"]
    rows = set(re.findall(r"^\| `([A-Za-z0-9]+)` \|", CHANGELOG, re.MULTILINE))
    assert sorted(set(parameters) - rows) == [], "add a row to CHANGELOG.md's Template parameters table"


def test_the_current_review_schema_has_its_entry() -> None:
    assert re.search(rf"^### `{re.escape(REVIEW_SCHEMA)}` — .*current$", CHANGELOG, re.MULTILINE), (
        f"CHANGELOG.md has no `### `{REVIEW_SCHEMA}` — <date> (<commit>), current` entry"
    )
