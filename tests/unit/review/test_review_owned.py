"""`review export` reads only what the stack owns, and makes a new file's name durable."""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from review import export as export_module
from review.entries import export_line
from review.queue import S3Reader

BUCKET = "stack-bucket"
PACK = "_pipeline/claims/" + "a" * 32 + "/0.claims"


class FakeS3:
    """Records every get_object; serves `objects` by (bucket, key)."""

    def __init__(self, objects: dict[tuple[str, str], bytes]) -> None:
        self.objects = objects
        self.gets: list[tuple[str, str]] = []

    def get_object(self, **request: Any) -> dict[str, Any]:
        self.gets.append((request["Bucket"], request["Key"]))
        body = self.objects[(request["Bucket"], request["Key"])]
        if "Range" in request:
            start, end = (int(n) for n in request["Range"][len("bytes=") :].split("-"))
            body = body[start : end + 1]
        return {"Body": io.BytesIO(body)}


def _pointer(bucket: str, key: str) -> dict[str, Any]:
    return {"bucket": bucket, "key": key, "version_id": "v", "offset": 0, "length": 2}


def _line(reader: S3Reader, body: dict[str, Any]) -> dict[str, Any]:
    return export_line("m", body, fetch=reader.claim, replay_origin=reader.replay_origin)


@pytest.mark.parametrize(
    ("bucket", "key"),
    [
        ("someone-else", PACK),  # another bucket
        (BUCKET, "secrets/payroll.json"),  # the stack's bucket, not a claim pack
        (BUCKET, "_pipeline/work/" + "a" * 32 + "/batches.manifest"),  # the working prefix, not claims
        (BUCKET, "_pipeline/claims/../../secrets.claims"),
    ],
)
def test_a_pointer_outside_the_stacks_claim_packs_is_reported_not_fetched(bucket, key):
    """F13 (fails before this change: the export fetched whatever the pointer named, with the
    operator's credentials, and `replay` would then upload it)."""
    s3 = FakeS3({(bucket, key): b"{}"})
    body = {"reason": "too_large", "source": {"bucket": BUCKET, "key": "f.jsonl"}, "record_index": 0,
            "record_pointer": _pointer(bucket, key)}  # fmt: skip
    line = _line(S3Reader(s3, bucket=BUCKET), body)
    assert s3.gets == []
    assert line["record"] is None and "not fetched" in line["resolve_error"]
    assert line["review"] == body  # the message itself is kept whole


def test_a_claim_pack_of_the_stack_is_fetched():
    """F13: the stack's own claim packs still resolve."""
    s3 = FakeS3({(BUCKET, PACK): b"{}"})
    body = {"reason": "too_large", "source": {"bucket": BUCKET, "key": "f.jsonl"}, "record_index": 0,
            "record_pointer": _pointer(BUCKET, PACK)}  # fmt: skip
    line = _line(S3Reader(s3, bucket=BUCKET), body)
    assert s3.gets == [(BUCKET, PACK)] and line["record"] == {} and line["resolve_error"] is None


def test_a_replay_source_in_another_bucket_is_reported_not_fetched():
    """F13: a replay file is read only under the stack's replay/ prefix."""
    s3 = FakeS3({})
    body = {"reason": "missing_contact_info", "source": {"bucket": "someone-else", "key": "replay/x.jsonl"},
            "record_index": 0, "line": 1, "record": {"a": 1}}  # fmt: skip
    line = _line(S3Reader(s3, bucket=BUCKET), body)
    assert s3.gets == [] and "not fetched" in line["resolve_error"]
    assert line["origin"]["bucket"] == "someone-else"  # the message's own source, as named


def test_a_bad_origin_in_a_replay_file_is_not_copied_into_the_next_replay():
    """F4 via F13: a replay line whose origin the validator refuses is not the export's origin."""
    bad = {"bucket": BUCKET, "key": "k", "version_id": None, "record_index": 10**39}
    good = {"bucket": BUCKET, "key": "k", "version_id": None, "record_index": 3}
    text = "\n".join(json.dumps({"_pipeline_replay": o, "record": {}}) for o in (bad, good)).encode()
    s3 = FakeS3({(BUCKET, "replay/r.jsonl"): text})
    reader = S3Reader(s3, bucket=BUCKET)
    source = {"bucket": BUCKET, "key": "replay/r.jsonl", "version_id": None}
    assert reader.replay_origin(source, 1) is None
    assert reader.replay_origin(source, 2) == good


def test_a_new_export_files_directory_is_fsynced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """F13 (fails before this change: only the file was fsynced, so a crash could lose its name after
    the messages were deleted)."""
    synced: list[bool] = []
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        synced.append(stat.S_ISDIR(os.fstat(descriptor).st_mode))
        real_fsync(descriptor)

    monkeypatch.setattr(export_module.os, "fsync", fsync)
    with export_module.open_for_append(tmp_path / "new.jsonl") as handle:
        export_module.write_durably(handle, [{"a": 1}])
    assert synced == [True, False]  # the directory when the file is created, then the file's data
    synced.clear()
    with export_module.open_for_append(tmp_path / "new.jsonl"):
        pass
    assert synced == []  # an existing file's name is already durable
