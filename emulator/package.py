"""What `aws cloudformation package` does for Lambda code: zip a local `Code` folder, point at S3."""

from __future__ import annotations

import copy
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SKIPPED_PARTS = {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Artifact:
    """A zipped code folder and the S3 key it is uploaded under (content-addressed)."""

    folder: Path
    body: bytes

    @property
    def key(self) -> str:
        return f"lambda/{hashlib.sha256(self.body).hexdigest()}.zip"


def zip_folder(folder: Path) -> bytes:
    """The folder's files at the zip root, in a byte-stable order (no caches or bytecode)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if path.is_dir() or _SKIPPED_PARTS & set(relative.parts) or path.suffix == ".pyc":
                continue
            info = zipfile.ZipInfo(relative.as_posix(), date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def package_template(
    template: dict[str, Any], template_dir: Path, bucket: str
) -> tuple[dict[str, Any], list[Artifact]]:
    """A copy of `template` whose local Lambda `Code` paths name S3 objects in `bucket`, and the zips.

    A `Code` string is a folder relative to the template's own folder, as for the AWS CLI.
    """
    packaged = copy.deepcopy(template)
    artifacts: dict[Path, Artifact] = {}
    for resource in packaged.get("Resources", {}).values():
        code = resource.get("Properties", {}).get("Code")
        if resource.get("Type") != "AWS::Lambda::Function" or not isinstance(code, str):
            continue
        folder = (template_dir / code).resolve()
        if not folder.is_dir():
            raise FileNotFoundError(
                f"Lambda Code path {code!r} is not a folder next to the template: {folder}"
            )
        artifact = artifacts.setdefault(folder, Artifact(folder, zip_folder(folder)))
        resource["Properties"]["Code"] = {"S3Bucket": bucket, "S3Key": artifact.key}
    return packaged, list(artifacts.values())
