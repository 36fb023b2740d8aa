"""build.py: deterministic, credential-free output; --check names and diffs stale files; no literal ARNs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import build
import workflow.largelane

ROOT = Path(__file__).resolve().parents[2]
PICTURE_FILE = "statemachine.md"
RENDERED = (
    build.ASL_FILE,
    PICTURE_FILE,
    build.SMALL_FILE_ASL_FILE,
    "smallfile.md",
    build.TEMPLATE_FILE,
    "record-contract.md",
    "worstcase.md",
)


def _run_build(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "build.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _bare_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=str(home), AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
    env.update(extra)
    return env


def test_output_is_byte_identical_across_runs_and_aws_configurations(tmp_path: Path) -> None:
    # GIVEN two machines: one with no AWS configuration at all, one with a region and a GovCloud partition
    first, second = tmp_path / "a", tmp_path / "b"
    no_aws = _bare_env(tmp_path, PYTHONHASHSEED="1")
    configured = _bare_env(tmp_path, PYTHONHASHSEED="2", AWS_DEFAULT_REGION="us-gov-west-1",
                           AWS_REGION="eu-central-1", AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="y")
    # WHEN both render
    for out, env in ((first, no_aws), (second, configured)):
        result = _run_build(["--output", str(out)], env)
        assert result.returncode == 0, result.stderr
        assert "wrote" in result.stdout
    # THEN the files are byte-identical to each other and to the committed output/
    assert sorted(p.name for p in first.iterdir()) == sorted(RENDERED)
    for name in RENDERED:
        assert (first / name).read_bytes() == (second / name).read_bytes()
        assert (first / name).read_bytes() == (ROOT / "output" / name).read_bytes(), f"output/{name} is stale"


def test_check_passes_on_fresh_output_and_writes_nothing(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "output", tmp_path / "output")
    before = {p.name: p.read_bytes() for p in (tmp_path / "output").iterdir()}
    assert build.main(["--check", "--output", str(tmp_path / "output")]) == 0
    assert {p.name: p.read_bytes() for p in (tmp_path / "output").iterdir()} == before


def test_check_names_each_stale_file_after_a_state_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN fresh output and then a change to one state's setting
    shutil.copytree(ROOT / "output", tmp_path / "output")
    monkeypatch.setattr(workflow.largelane, "BATCH_CONCURRENCY", 7)
    # WHEN checking
    code = build.main(["--check", "--output", str(tmp_path / "output")])
    # THEN it fails and names each file (the ASL, its picture and the template that embeds it)
    assert code == 1
    err = capsys.readouterr().err
    assert "stale: output/statemachine.asl.json" in err
    assert "stale: output/statemachine.md" in err
    assert "stale: output/template.json" in err


def test_check_fails_when_a_rendered_resource_was_edited(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(ROOT / "output", tmp_path / "output")
    template_path = tmp_path / "output" / build.TEMPLATE_FILE
    template = json.loads(template_path.read_text())
    template["Resources"]["OrdersTable"]["Properties"]["BillingMode"] = "PROVISIONED"
    template_path.write_text(build.serialise(template))
    assert build.main(["--check", "--output", str(tmp_path / "output")]) == 1
    err = capsys.readouterr().err
    assert "stale: output/template.json" in err
    assert "statemachine.asl.json" not in err


def test_template_embeds_the_same_definition_as_the_asl_file() -> None:
    asl = json.loads((ROOT / "output" / build.ASL_FILE).read_text())
    template = json.loads((ROOT / "output" / build.TEMPLATE_FILE).read_text())
    machine = template["Resources"][build.STATE_MACHINE_ID]["Properties"]
    assert machine["Definition"] == asl
    assert "DefinitionString" not in machine


@pytest.mark.parametrize("name", RENDERED)
def test_no_account_region_or_partition_literal_in_output(name: str) -> None:
    text = (ROOT / "output" / name).read_text()
    assert build.literal_problems(name, text) == []


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ('{"Account": "123456789012"}', "an account id"),
        ('{"Region": "eu-west-1"}', "a region name"),
        ('{"Arn": "arn:aws:s3:::bucket"}', "an arn:aws: literal"),
        ('{"Arn": "arn:aws-us-gov:s3:::bucket"}', "an arn:aws: literal"),
    ],
)
def test_literal_scan_finds_each_kind(text: str, what: str) -> None:
    assert any(what in p for p in build.literal_problems("x", text))


def test_a_graph_defect_stops_the_build(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real = build.build_definition

    def broken() -> dict[str, object]:
        definition = real()
        definition["States"]["ClaimFile"]["Next"] = "Nowhere"  # type: ignore[index]
        return definition

    monkeypatch.setattr(build, "build_definition", broken)
    assert build.main(["--output", str(tmp_path)]) == 2
    assert not list(tmp_path.iterdir())


def test_each_state_machine_gets_a_picture_with_its_base_name() -> None:
    assert build.picture_name(build.ASL_FILE) == PICTURE_FILE
    assert build.picture_name("express.asl.json") == "express.md"
    with pytest.raises(ValueError, match=r"does not end in \.asl\.json"):
        build.picture_name("template.json")
    assert build.render()[PICTURE_FILE].startswith("# State machine `statemachine.asl.json`\n")


def test_check_prints_what_changed_in_each_stale_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN fresh output and then a change to one state's setting
    shutil.copytree(ROOT / "output", tmp_path / "output")
    monkeypatch.setattr(workflow.largelane, "BATCH_CONCURRENCY", 7)
    # WHEN checking
    code = build.main(["--check", "--output", str(tmp_path / "output")])
    # THEN each stale file is followed by its unified diff, old (on disk) to new (rendered)
    assert code == 1
    diffs = _per_file(capsys.readouterr().err)
    # (the small-file machine has no Distributed Map: its files are unchanged; the worst-case table shows
    # the change's effect: 5,000 batches of 200 now run in ceil(5000 / 7) waves, not 12)
    assert list(diffs) == [build.ASL_FILE, PICTURE_FILE, build.TEMPLATE_FILE, "worstcase.md"]
    assert "+Worst path of the largest file: " in diffs["worstcase.md"]
    assert "ProcessBatches[715 waves of 5000 x " in diffs["worstcase.md"]
    for name, diff in diffs.items():
        assert diff.startswith(f"--- output/{name} (on disk)\n+++ output/{name} (rendered)\n@@ ")
    assert '\n-      "MaxConcurrency": 12,\n+      "MaxConcurrency": 7,\n' in diffs[build.ASL_FILE]
    assert '\n-' + 14 * " " + '"MaxConcurrency": 12,\n+' + 14 * " " + '"MaxConcurrency": 7,\n' in diffs[
        build.TEMPLATE_FILE
    ]
    # and the picture's diff is the one changed line (plus its context), not a rewrite of the file
    changed = [line for line in diffs[PICTURE_FILE].splitlines()[2:] if line[:1] in "+-"]
    assert [line[:21] for line in changed] == ["-  s_ProcessBatches[[", "+  s_ProcessBatches[["]
    assert "max 12 at once" in changed[0] and "max 7 at once" in changed[1]


def _per_file(err: str) -> dict[str, str]:
    """`stale: output/<name> (...)` lines followed by that file's diff -> {name: diff}."""
    parts = re.split(r"^stale: output/(\S+) \(run `python build.py`\)\n", err, flags=re.M)
    assert parts[0] == "", parts[0]
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_check_cuts_a_long_diff_and_says_how_much_was_cut(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN output/ without its template (a 62 KB file: thousands of diff lines)
    shutil.copytree(ROOT / "output", tmp_path / "output")
    (tmp_path / "output" / build.TEMPLATE_FILE).unlink()
    rendered = build.render()[build.TEMPLATE_FILE]
    # WHEN checking
    assert build.main(["--check", "--output", str(tmp_path / "output")]) == 1
    # THEN the diff shows the first MAX_DIFF_LINES lines and one line saying how many were left out
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "stale: output/template.json (run `python build.py`)"
    assert err[1:3] == ["--- output/template.json (missing)", "+++ output/template.json (rendered)"]
    total = 3 + len(rendered.splitlines())  # the two file lines, one hunk header, every line added
    assert len(err) == 1 + build.MAX_DIFF_LINES + 1
    assert err[-1] == f"... {total - build.MAX_DIFF_LINES} more diff lines of output/template.json not shown"


def test_check_diffs_a_hand_edited_picture_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(ROOT / "output", tmp_path / "output")
    picture = tmp_path / "output" / PICTURE_FILE
    picture.write_text(picture.read_text().replace("s_ClaimFile -->", "s_ClaimFile -.->"))
    assert build.main(["--check", "--output", str(tmp_path / "output")]) == 1
    err = capsys.readouterr().err
    assert "stale: output/statemachine.md" in err
    assert "\n-  s_ClaimFile -.-> s_ValidateFile\n+  s_ClaimFile --> s_ValidateFile\n" in err
    assert "stale: output/statemachine.asl.json" not in err and "stale: output/template.json" not in err
