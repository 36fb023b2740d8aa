"""cfn-lint and checkov on the rendered template: no finding; every checkov skip needed and explained."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from resources import build_template
from resources.skips import SKIP_REASONS

HERE = Path(__file__).parent
BIN = Path(sys.executable).parent
MINIMAL_DEFINITION = HERE / "resources" / "minimal_definition.json"
COMMITTED_TEMPLATE = HERE.parent.parent / "output" / "template.json"
# Offline and fast: with --skip-download and no guideline mapping checkov makes no network call.
CHECKOV_ENV = {"BC_SKIP_MAPPING": "TRUE"}


def _render(tmp_path: Path, rendered: dict[str, Any], name: str = "template.json") -> Path:
    # output/template.json lives one folder below the handlers it packages; keep that shape.
    path = tmp_path / "output" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(rendered, indent=2, sort_keys=True) + "\n")
    return path


@pytest.fixture
def minimal_template(tmp_path: Path) -> Path:
    definition = json.loads(MINIMAL_DEFINITION.read_text())
    return _render(tmp_path, build_template(definition=definition).to_dict())


def _templates(minimal_template: Path) -> list[Path]:
    # The committed output/ is scanned too once build.py has written it.
    return [minimal_template, *([COMMITTED_TEMPLATE] if COMMITTED_TEMPLATE.exists() else [])]


def _checkov(path: Path) -> dict[str, Any]:
    completed = subprocess.run(
        [
            str(BIN / "checkov"),
            "-f",
            str(path),
            "--framework",
            "cloudformation",
            "--compact",
            "--quiet",
            "--skip-download",
            "-o",
            "json",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **CHECKOV_ENV},
        timeout=300,
        check=False,
    )
    assert completed.stdout.strip(), completed.stderr
    report = json.loads(completed.stdout)
    # One framework: one report object (a list when checkov ran several).
    assert isinstance(report, dict), report
    result: dict[str, Any] = report
    return result


def test_cfn_lint_reports_nothing(minimal_template: Path) -> None:
    for path in _templates(minimal_template):
        # GIVEN a rendered template / WHEN cfn-lint checks it (including the ASL, rule E3601)
        completed = subprocess.run(
            [str(BIN / "cfn-lint"), "--", str(path)], capture_output=True, text=True, timeout=300, check=False
        )
        # THEN there is no finding at all
        assert (completed.returncode, completed.stdout + completed.stderr) == (0, ""), path


def test_cfn_lint_sees_the_definition(tmp_path: Path) -> None:
    # GIVEN a template whose ASL is broken in a way only E3601 can see (StartAt names no state)
    definition = json.loads(MINIMAL_DEFINITION.read_text())
    definition["StartAt"] = "Missing"
    path = _render(tmp_path, build_template(definition=definition).to_dict())
    # WHEN cfn-lint checks it
    completed = subprocess.run(
        [str(BIN / "cfn-lint"), "--", str(path)], capture_output=True, text=True, timeout=300, check=False
    )
    # THEN it reports the definition: the Definition form is really validated
    assert completed.returncode != 0
    assert "E3601" in completed.stdout


def test_checkov_reports_no_failed_check(minimal_template: Path) -> None:
    for path in _templates(minimal_template):
        # GIVEN a rendered template and the skips written into its resources' Metadata
        skips = _metadata_skips(json.loads(path.read_text()))
        # WHEN checkov scans it
        report = _checkov(path)
        # THEN no check fails, and checkov honoured exactly the written skips
        failed = [(c["check_id"], c["resource"]) for c in report["results"]["failed_checks"]]
        assert failed == [], path
        assert report["summary"]["passed"] > 0
        assert report["summary"]["skipped"] == len(skips)
        # AND every skip carries its reason from the one list of reasons
        assert [comment for _, _, comment in skips] == [SKIP_REASONS[check] for check, _, _ in skips]


def _metadata_skips(rendered: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(check id, "<Type>.<LogicalId>", comment) for every checkov skip in the template's Metadata."""
    return sorted(
        (skip["id"], f"{resource['Type']}.{name}", skip["comment"])
        for name, resource in rendered["Resources"].items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    )


def test_every_checkov_skip_is_needed(minimal_template: Path, tmp_path: Path) -> None:
    # GIVEN the template and the (check, resource) pairs it skips
    rendered = json.loads(minimal_template.read_text())
    skipped = [(check, resource) for check, resource, _ in _metadata_skips(rendered)]
    assert skipped
    # WHEN checkov scans a copy without the skips
    for resource in rendered["Resources"].values():
        resource.get("Metadata", {}).pop("checkov", None)
    report = _checkov(_render(tmp_path, rendered, "unskipped.json"))
    # THEN exactly the skipped pairs fail: no skip hides nothing, none is missing
    assert sorted((c["check_id"], c["resource"]) for c in report["results"]["failed_checks"]) == skipped
