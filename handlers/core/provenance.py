"""A stored item's provenance, `_pipeline_source`: where the record came from (bucket, key, version,
record index; a replayed record adds `replay_of`). Pure and free of the record contract, so the ASL
builders (workflow/batches.py) can import it without compiling the contract at build time."""

from __future__ import annotations

from typing import Any

from handlers.core.dynamojson import AttributeValue
from handlers.seams.model import Source

# `_pipeline_source.replay_of`: where a replayed record came from (handlers/core/replay.py).
REPLAY_OF = "replay_of"


def source_attribute(source: Source, index: int, origin: dict[str, Any] | None = None) -> AttributeValue:
    """`_pipeline_source`; a replayed record (handlers/core/replay.py) adds `replay_of`, its origin."""
    version = source["version_id"]
    members: dict[str, AttributeValue] = {
        "bucket": {"S": source["bucket"]},
        "key": {"S": source["key"]},
        "version_id": {"NULL": True} if version is None else {"S": version},
        "record_index": {"N": str(index)},
    }
    if origin is not None:
        origin_version = origin["version_id"]
        members[REPLAY_OF] = {
            "M": {
                "bucket": {"S": str(origin["bucket"])},
                "key": {"S": str(origin["key"])},
                "version_id": {"NULL": True} if origin_version is None else {"S": str(origin_version)},
                "record_index": {"N": str(origin["record_index"])},
            }
        }
    return {"M": members}


def source_members(source: Source) -> dict[str, AttributeValue]:
    """`_pipeline_source`'s members shared by every record of a file (all but record_index): what a
    manifest batch carries once (`item_source`), from which the state machine rebuilds each item's."""
    members = source_attribute(source, 0)["M"]
    return {name: value for name, value in members.items() if name != "record_index"}
