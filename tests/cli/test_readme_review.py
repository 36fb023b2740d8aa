"""The review round trip of docs/operations.md (`<!-- review-commands -->` block), run verbatim against the
emulator."""

from __future__ import annotations

import json
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator import Clients, shared_server

from .conftest import BLOCKS, REPO_ROOT, command_block, run_block
from .test_readme_commands import DEPLOY, _block, _documents

pytestmark = [pytest.mark.cli, pytest.mark.e2e]

MARKER = "review-commands"
STACK = "sales-pipeline"  # the documents' stack name
# The block's text, from docs/operations.md (a candidate text elsewhere: REVIEW_COMMANDS_DOCUMENT=path).
DOCUMENT = Path(os.environ.get("REVIEW_COMMANDS_DOCUMENT") or BLOCKS[MARKER])


def _review_block() -> str:
    """The block's text; a missing block fails (a skip would let the document lose it unnoticed)."""
    block = command_block(DOCUMENT, MARKER)
    assert block, f"{DOCUMENT.name} has no ```sh block right after a <!-- {MARKER}: ... --> comment"
    return block


def _checkout_view(tmp_path: Path) -> Path:
    """The repository root's entries (and its .venv, which the block calls) linked into a scratch directory,
    so what the commands write (bad-orders.jsonl, review.jsonl) stays out of the checkout."""
    view = tmp_path / "repo"
    view.mkdir()
    for entry in REPO_ROOT.iterdir():
        if not entry.name.startswith(".") or entry.name == ".venv":
            (view / entry.name).symlink_to(entry)
    return view


@pytest.fixture
def readme_stack(tmp_path: Path) -> Iterator[dict[str, object]]:
    """The documents' stack in the shared server: the deploy block's, deployed here (and removed after)
    unless an earlier test deployed it."""
    _review_block()  # fail before deploying anything
    server = shared_server()
    clients = Clients.for_endpoint(server.endpoint_url)
    run: dict[str, object] = {
        "cwd": _checkout_view(tmp_path),
        "endpoint_url": server.endpoint_url,
        "localhost_url": server.localhost_url,
        "env": {"AWS_ENDPOINT_URL": server.endpoint_url},
    }
    existing = {s["StackName"] for s in clients.cloudformation.describe_stacks()["Stacks"]}
    created = STACK not in existing
    if created:
        artifacts = f"artifacts-{uuid.uuid4().hex[:10]}"
        clients.s3.create_bucket(Bucket=artifacts)
        deploy = _block(DEPLOY)
        run_block(deploy, **{**run, "env": {**run["env"], "ARTIFACTS": artifacts}})  # type: ignore[arg-type, dict-item]
    yield run
    if created:
        clients.cloudformation.delete_stack(StackName=STACK)


def test_review_round_trip_commands_store_the_fixed_order(readme_stack: dict[str, object]) -> None:
    # WHEN the review block runs verbatim: upload a bad file, export, fix, replay
    printed = run_block(_review_block(), **readme_stack)  # type: ignore[arg-type]

    # THEN both files were reconciled in the ledger and the fixed order is stored with its origin
    assert printed.count("status: DONE") == 2
    assert "missing_contact_info" in printed and "replay/" in printed
    item = next(d["Item"] for d in _documents(printed) if "Item" in d)
    assert item["contact-info"]["M"]["email"] == {"S": "buyer@example.com"}
    origin = item["_pipeline_source"]["M"]["replay_of"]["M"]
    assert origin["key"] == {"S": "bad-orders.jsonl"} and origin["record_index"] == {"N": "0"}
    assert json.loads(json.dumps(item))  # the whole get-item answer was one JSON document
    # AND the report of the bad file reconciles it and names the rule its record broke
    report = (Path(str(readme_stack["cwd"])) / "bad-orders.html").read_text()
    assert "records 1 = stored 0 + duplicates 0 + rejected 1" in report and "/contact-info" in report


def test_a_missing_review_block_fails_instead_of_skipping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failure class: the document loses its review block and the round trip stops being tested, silently
    (before this test the helper called pytest.skip, so the suite stayed green)."""
    # GIVEN a document without the block
    document = tmp_path / "operations.md"
    document.write_text("# sales-pipeline\n\n<!-- review-commands -->\nno block here\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "DOCUMENT", document)
    # WHEN the block is read / THEN the test fails, naming the marker
    with pytest.raises(AssertionError, match="review-commands"):
        _review_block()
