"""The artifacts bucket `deploy` packages into: created when missing, encrypted, TLS-only, not public."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from sales_pipeline.errors import CommandError

MISSING = frozenset({"404", "NoSuchBucket", "NotFound"})
PUBLIC_ACCESS_BLOCKED = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
ENCRYPTION = {
    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}]
}


def tls_only_policy(bucket: str, partition: str) -> dict[str, Any]:
    """The bucket policy: every request that does not use TLS is denied (the template's own rule)."""
    arn = f"arn:{partition}:s3:::{bucket}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [arn, f"{arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def ensure_bucket(s3: Any, bucket: str, *, region: str, partition: str) -> bool:
    """Create `bucket` (SSE-S3, TLS-only policy, public access blocked) unless it exists; True if created.

    An existing bucket is used as it is (it may be someone else's: S3 then answers 403, said in one line).
    """
    try:
        s3.head_bucket(Bucket=bucket)
        return False
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code"))
        if code in ("403", "AccessDenied", "Forbidden"):
            raise CommandError(
                f"artifacts bucket {bucket!r} exists but this account cannot use it "
                "(bucket names are global: choose another artifacts_bucket in deploy.toml)"
            ) from None
        if code not in MISSING:
            raise
    location = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=bucket, **location)
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=PUBLIC_ACCESS_BLOCKED)
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=ENCRYPTION)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(tls_only_policy(bucket, partition)))
    return True
