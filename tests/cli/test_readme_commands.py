"""The user guide's deploy and try commands (docs/user-guide.md), run verbatim with the AWS CLI against the
emulator's server."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from emulator import Clients, shared_server

from .conftest import BLOCKS, REPO_ROOT, command_block, run_block

pytestmark = [pytest.mark.cli, pytest.mark.e2e]

# The document marks each block with an HTML comment right above its ```sh fence.
DEPLOY, TRY = "deploy-commands", "try-commands"


def _block(marker: str) -> str:
    document = BLOCKS[marker]
    block = command_block(document, marker)
    assert block, f"{document.name} has no ```sh block right after a <!-- {marker}: ... --> comment"
    return block


def _documents(text: str) -> list[Any]:
    """Every JSON document the AWS CLI printed, in order."""
    decoder, found, position = json.JSONDecoder(), [], 0
    while (start := text.find("{", position)) != -1:
        document, position = decoder.raw_decode(text, start)
        found.append(document)
    return found


def _checkout_view(tmp_path: Path) -> Path:
    """A directory that looks like the repository root (links to its entries), so the commands'
    relative paths work and what they write (packaged.json) stays out of the checkout."""
    view = tmp_path / "repo"
    view.mkdir()
    for entry in REPO_ROOT.iterdir():
        if not entry.name.startswith("."):
            (view / entry.name).symlink_to(entry)
    return view


def test_deploy_and_try_commands_store_the_sample_order(tmp_path: Path) -> None:
    # GIVEN the emulator's server and the artifacts bucket the user guide asks for
    server = shared_server()
    clients = Clients.for_endpoint(server.endpoint_url)
    variables = {"ARTIFACTS": f"artifacts-{uuid.uuid4().hex[:10]}"}
    clients.s3.create_bucket(Bucket=variables["ARTIFACTS"])
    run = {
        "cwd": _checkout_view(tmp_path),
        "endpoint_url": server.endpoint_url,
        "localhost_url": server.localhost_url,
        "env": variables,
    }

    # WHEN the user guide's deploy block, then its try block, run verbatim
    run_block(_block(DEPLOY), **run)  # type: ignore[arg-type]
    printed = run_block(_block(TRY), **run)  # type: ignore[arg-type]

    # THEN the upload's execution succeeded and `get-item` printed the sample order
    copied = re.search(r"aws s3 cp (\S+) ", _block(TRY))
    assert copied, "the try block uploads a sample with `aws s3 cp FILE ...`"
    sample = json.loads((REPO_ROOT / copied.group(1)).read_text(encoding="utf-8"))
    documents = _documents(printed)
    # The one-record sample takes the small-file lane (EXPRESS: no execution list on AWS), so the block
    # shows the file ledger: the file is DONE, by the express lane.
    ledger = next((d["Items"] for d in documents if "Items" in d), None)
    assert ledger is not None, (
        "the try block shows the file ledger (`aws dynamodb scan` of FileLedgerTableName)"
    )
    assert [(i["status"]["S"], i["lane"]["S"], i["records"]["N"]) for i in ledger] == [
        ("DONE", "express", "1")
    ]
    item = next(d["Item"] for d in documents if "Item" in d)
    assert item["order_id"] == {"S": sample["order-info"]["order_id"]}
    assert item["order-info"]["M"]["item"] == {"S": sample["order-info"]["item"]}
    assert item["contact-info"]["M"]["email"] == {"S": sample["contact-info"]["email"]}
