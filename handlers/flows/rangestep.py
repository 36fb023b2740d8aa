"""The validator's steps for a split file (handlers/flows/ranges.py): count a range, validate a range,
combine.

Events (the STANDARD machine's range Maps, workflow/ranges.py), each with the file's identity
{"bucket", "key", "version_id", "etag"}:
  {"range": {"range", "start", "end"}, "count": true}      -> {"range", "records", "newlines"}
  {"range": {...}, "counts": [{"records", "newlines"}, ...]} -> {"range", "version_id"[, "key"]} (its
      part summary's version; the key the object was found under when not the event's)
  {"parts": [{"range", "version_id"}, ...]}                 -> the validator's file result (accepted
      with the joined manifest, or rejected), plus "validations": the ranges validated.
Needs s3:GetObject (ranged) on the upload and on `_pipeline/*`, s3:PutObject on `_pipeline/*`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from handlers.adapters.s3io import CLAIM_CONTENT_TYPE, S3ClaimWriter, S3ManifestWriter
from handlers.core.pipeline import Summary
from handlers.flows.ranges import (
    combine,
    count_range,
    encode_part,
    join_manifests,
    raw_chunks,
    read_from,
    validate_range,
)
from handlers.seams.errors import SourceChanged
from handlers.seams.model import Source, file_hash, manifest_key
from handlers.seams.rangekeys import (
    COUNT,
    COUNTS,
    PARTS,
    RANGE,
    RANGE_END,
    RANGE_START,
    TURNS,
    part_key,
    summary_key,
    turns_manifest_key,
)

# open_object(s3, bucket, key, version_id, byte_range) -> (key, GetObject response)
Opener = Callable[[Any, str, str, "str | None", "str | None"], "tuple[str, dict[str, Any]]"]


def same_object(response: dict[str, Any], source: Source) -> None:
    etag = str(response.get("ETag", "")).strip('"')
    if source["etag"] and not source["version_id"] and etag and etag != source["etag"]:
        raise SourceChanged(f"s3://{source['bucket']}/{json.dumps(source['key'])[1:-1]} changed while split")


def range_step(
    event: dict[str, Any],
    *,
    s3: Any,
    source: Source,
    opener: Opener,
    max_rejected: int,
    remaining_ms: Callable[[], int] | None,
) -> dict[str, Any]:
    """Count or validate one range (see the module docstring)."""
    spec = event[RANGE]
    number, start, end = int(spec[RANGE]), int(spec[RANGE_START]), int(spec[RANGE_END])
    event_key = source["key"]
    key, response = opener(
        s3, source["bucket"], source["key"], source["version_id"], f"bytes={read_from(start)}-"
    )
    source = {**source, "key": key}
    same_object(response, source)
    body = response["Body"]
    try:
        raw = raw_chunks(body)
        if event.get(COUNT) is True:
            return {RANGE: number, **count_range(raw, start=start, end=end)}
        digest = file_hash(source)
        part = validate_range(
            raw,
            number=number,
            start=start,
            end=end,
            counts=list(event[COUNTS]),
            source=source,
            manifest=S3ManifestWriter(s3, source["bucket"], part_key(digest, number)),
            claims=S3ClaimWriter(s3, source["bucket"]),
            max_rejected=max_rejected,
            remaining_ms=remaining_ms,
        )
    finally:
        body.close()
    written = s3.put_object(
        Bucket=source["bucket"],
        Key=summary_key(digest, number),
        Body=encode_part(part),
        ContentType=CLAIM_CONTENT_TYPE,
    )
    version = written.get("VersionId") or None
    result: dict[str, Any] = {RANGE: number, "version_id": version}
    if source["key"] != event_key:
        # Found under the URL-decoded key: the part's names (and the combining step's) follow it.
        result["key"] = source["key"]
    return result


def _get(s3: Any, bucket: str, key: str, version_id: str | None) -> dict[str, Any]:
    request = {"Bucket": bucket, "Key": key}
    if version_id:
        request["VersionId"] = version_id
    response: dict[str, Any] = s3.get_object(**request)
    return response


def _body_chunks(s3: Any, bucket: str, key: str, version_id: str | None) -> Iterator[bytes]:
    body = _get(s3, bucket, key, version_id)["Body"]
    try:
        yield from raw_chunks(body)
    finally:
        body.close()


def found_source(event: dict[str, Any], source: Source) -> Source:
    """The file's source under the key its ranges found the object (URL-decoded when the event's key
    was not: handlers/validator.py open_object), as the unsplit path names it."""
    found = [str(pointer["key"]) for pointer in event[PARTS] if pointer.get("key")]
    return {**source, "key": found[0]} if found else source


def combine_step(
    event: dict[str, Any], *, s3: Any, source: Source, max_rejected: int
) -> tuple[Summary, str | None, str]:
    """The file's summary from its ranges' part summaries (FileRejected as the unsplit run), the joined
    manifest's version and key (named from the key the ranges found the object under). With `turns`
    (a file validated by continuation, handlers/flows/turns.py) the parts are turns: turn 0's manifest is
    the file's manifest key, and the joined one is written beside it (turns_manifest_key)."""
    source = found_source(event, source)
    bucket, digest = source["bucket"], file_hash(source)
    turns = event.get(TURNS) is True

    def part_manifest(number: int) -> str:
        return manifest_key(digest) if turns and number == 0 else part_key(digest, number)

    parts = []
    for pointer in sorted(event[PARTS], key=lambda p: int(p[RANGE])):
        number = int(pointer[RANGE])
        text = b"".join(_body_chunks(s3, bucket, summary_key(digest, number), pointer.get("version_id")))
        parts.append(json.loads(text))
    summary = combine(parts, max_rejected=max_rejected)
    location = turns_manifest_key(digest) if turns else manifest_key(digest)
    writer = S3ManifestWriter(s3, bucket, location)
    try:
        join_manifests(
            (
                _body_chunks(s3, bucket, part_manifest(part[RANGE]), part["manifest_version"])
                for part in parts
                if part["batches"]
            ),
            writer,
        )
    except BaseException:
        writer.abort()
        raise
    return summary, writer.commit(), location
