"""Shapes shared by the core and the adapters (docs/seams.md): source, pointer, file hash, object keys."""

from __future__ import annotations

import hashlib
from typing import TypedDict

from handlers.seams.settings import CLAIM_SUFFIX, CLAIMS_PREFIX, MANIFEST_NAME, WORK_PREFIX


class Source(TypedDict):
    bucket: str
    key: str
    version_id: str | None
    etag: str | None


class Pointer(TypedDict):
    """A claim check: the byte range of one record's raw UTF-8 text inside a claim pack object version."""

    bucket: str
    key: str
    version_id: str | None
    offset: int
    length: int


def file_hash(source: Source) -> str:
    """First 32 hex characters of sha256(bucket/key#version_id-or-etag)."""
    identity = f"{source['bucket']}/{source['key']}#{source['version_id'] or source['etag'] or ''}"
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]


def manifest_key(digest: str) -> str:
    return f"{WORK_PREFIX}{digest}/{MANIFEST_NAME}"


def claim_key(digest: str, pack_number: int) -> str:
    return f"{CLAIMS_PREFIX}{digest}/{pack_number}{CLAIM_SUFFIX}"
