"""S3 sinks for the core: a multipart manifest writer and a claim-pack writer (client passed in)."""

from __future__ import annotations

from typing import Any

PART_BYTES = 8 * 1024 * 1024
MANIFEST_CONTENT_TYPE = "application/json"
CLAIM_CONTENT_TYPE = "application/json; charset=utf-8"


class S3ManifestWriter:
    """ManifestSink: buffered parts of PART_BYTES in one multipart upload, or one put_object when small.

    Nothing is visible under `key` until commit; abort cancels the upload (no parts are left billed).
    """

    def __init__(self, client: Any, bucket: str, key: str, *, part_bytes: int = PART_BYTES) -> None:
        self._client = client
        self._bucket = bucket
        self._key = key
        self._part_bytes = part_bytes
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= self._part_bytes:
            self._upload_part(bytes(self._buffer[: self._part_bytes]))
            del self._buffer[: self._part_bytes]

    def _upload_part(self, body: bytes) -> None:
        if self._upload_id is None:
            created = self._client.create_multipart_upload(
                Bucket=self._bucket, Key=self._key, ContentType=MANIFEST_CONTENT_TYPE
            )
            self._upload_id = created["UploadId"]
        number = len(self._parts) + 1
        uploaded = self._client.upload_part(
            Bucket=self._bucket, Key=self._key, UploadId=self._upload_id, PartNumber=number, Body=body
        )
        self._parts.append({"PartNumber": number, "ETag": uploaded["ETag"]})

    def commit(self) -> str | None:
        """Make the manifest visible; the VersionId S3 gave it (None in an unversioned bucket)."""
        if self._upload_id is None:
            response = self._client.put_object(
                Bucket=self._bucket,
                Key=self._key,
                Body=bytes(self._buffer),
                ContentType=MANIFEST_CONTENT_TYPE,
            )
        else:
            if self._buffer:
                self._upload_part(bytes(self._buffer))
            response = self._client.complete_multipart_upload(
                Bucket=self._bucket,
                Key=self._key,
                UploadId=self._upload_id,
                MultipartUpload={"Parts": self._parts},
            )
        self._buffer.clear()
        return _version(response)

    def abort(self) -> None:
        self._buffer.clear()
        if self._upload_id is not None:
            upload_id, self._upload_id = self._upload_id, None
            self._client.abort_multipart_upload(Bucket=self._bucket, Key=self._key, UploadId=upload_id)


class S3ClaimWriter:
    """ClaimSink: one put_object per claim pack; returns its VersionId (pointers name that version)."""

    def __init__(self, client: Any, bucket: str) -> None:
        self._client = client
        self._bucket = bucket

    def put(self, key: str, body: bytes) -> str | None:
        response = self._client.put_object(
            Bucket=self._bucket, Key=key, Body=body, ContentType=CLAIM_CONTENT_TYPE
        )
        return _version(response)


def _version(response: Any) -> str | None:
    version = response.get("VersionId") if isinstance(response, dict) else None
    return version if isinstance(version, str) and version else None
