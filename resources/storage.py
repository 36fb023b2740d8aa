"""The ingest bucket, its TLS-only policy, and the two DynamoDB tables."""

from __future__ import annotations

from awacs.aws import Action, Condition, Deny, PolicyDocument, Principal, Statement
from awacs.aws import Bool as BoolCondition
from troposphere import GetAtt, Parameter, Ref, Sub
from troposphere.dynamodb import (
    AttributeDefinition,
    KeySchema,
    PointInTimeRecoverySpecification,
    SSESpecification,
    Table,
    TimeToLiveSpecification,
)
from troposphere.s3 import (
    AbortIncompleteMultipartUpload,
    Bucket,
    BucketEncryption,
    BucketPolicy,
    EventBridgeConfiguration,
    LifecycleConfiguration,
    LifecycleRule,
    NoncurrentVersionExpiration,
    NotificationConfiguration,
    OwnershipControls,
    OwnershipControlsRule,
    PublicAccessBlockConfiguration,
    ServerSideEncryptionByDefault,
    ServerSideEncryptionRule,
    VersioningConfiguration,
)

from handlers.contract import CLAIMS_PREFIX, KEY_ATTRIBUTE, WORK_PREFIX
from resources import ids
from resources.skips import checkov_skips

FILE_LEDGER_KEY = "file_id"
FILE_LEDGER_TTL_ATTRIBUTE = "expires_at"
# An overwritten or expired working object survives as a noncurrent version this long.
NONCURRENT_WORKING_DAYS = 1
ABORT_MULTIPART_DAYS = 7


def ingest_bucket(*, work_retention_days: Parameter, claim_retention_days: Parameter) -> Bucket:
    """The bucket users upload to; it also holds the pipeline's own objects under the working prefix."""
    return Bucket(
        ids.INGEST_BUCKET,
        # Users' files: kept when the stack is deleted (deleting a non-empty bucket would fail anyway).
        DeletionPolicy="Retain",
        UpdateReplacePolicy="Retain",
        Metadata=checkov_skips("CKV_AWS_18"),
        # S3 sends every object event to EventBridge; ObjectCreatedRule selects the ones to process.
        NotificationConfiguration=NotificationConfiguration(
            EventBridgeConfiguration=EventBridgeConfiguration(EventBridgeEnabled=True)
        ),
        # SSE-S3: uploaders need no KMS permissions.
        BucketEncryption=BucketEncryption(
            ServerSideEncryptionConfiguration=[
                ServerSideEncryptionRule(
                    ServerSideEncryptionByDefault=ServerSideEncryptionByDefault(SSEAlgorithm="AES256")
                )
            ]
        ),
        PublicAccessBlockConfiguration=PublicAccessBlockConfiguration(
            BlockPublicAcls=True,
            BlockPublicPolicy=True,
            IgnorePublicAcls=True,
            RestrictPublicBuckets=True,
        ),
        OwnershipControls=OwnershipControls(
            Rules=[OwnershipControlsRule(ObjectOwnership="BucketOwnerEnforced")]
        ),
        # The version id makes a file's identity (file_id) unambiguous when a key is overwritten.
        VersioningConfiguration=VersioningConfiguration(Status="Enabled"),
        LifecycleConfiguration=LifecycleConfiguration(
            Rules=[
                _expire_prefix(rule_id="ExpirePipelineWork", prefix=WORK_PREFIX, days=work_retention_days),
                _expire_prefix(
                    rule_id="ExpirePipelineClaims", prefix=CLAIMS_PREFIX, days=claim_retention_days
                ),
                LifecycleRule(
                    Id="AbortIncompleteMultipartUploads",
                    Status="Enabled",
                    AbortIncompleteMultipartUpload=AbortIncompleteMultipartUpload(
                        DaysAfterInitiation=ABORT_MULTIPART_DAYS
                    ),
                ),
            ]
        ),
    )


def _expire_prefix(*, rule_id: str, prefix: str, days: Parameter) -> LifecycleRule:
    return LifecycleRule(
        Id=rule_id,
        Status="Enabled",
        Prefix=prefix,
        ExpirationInDays=Ref(days),
        NoncurrentVersionExpiration=NoncurrentVersionExpiration(NoncurrentDays=NONCURRENT_WORKING_DAYS),
    )


def tls_only_bucket_policy(*, bucket: Bucket) -> BucketPolicy:
    """Deny every request to the bucket or its objects that does not use TLS."""
    return BucketPolicy(
        ids.INGEST_BUCKET_POLICY,
        Bucket=Ref(bucket),
        PolicyDocument=PolicyDocument(
            Version="2012-10-17",
            Statement=[
                Statement(
                    Sid="DenyInsecureTransport",
                    Effect=Deny,
                    Principal=Principal("*"),
                    # A Deny: the one place a wildcard action narrows access instead of granting it.
                    Action=[Action("s3", "*")],
                    Resource=[GetAtt(bucket, "Arn"), Sub("${Bucket}/*", Bucket=GetAtt(bucket, "Arn"))],
                    Condition=Condition(BoolCondition("aws:SecureTransport", "false")),
                )
            ],
        ),
    )


def orders_table() -> Table:
    """One item per valid order, keyed by order-info.order_id."""
    return Table(
        ids.ORDERS_TABLE,
        # The business data: kept when the stack is deleted or the table would be replaced.
        DeletionPolicy="Retain",
        UpdateReplacePolicy="Retain",
        Metadata=checkov_skips("CKV_AWS_119"),
        **_on_demand_table(key=KEY_ATTRIBUTE),
    )


def file_ledger_table() -> Table:
    """One item per processed file version (duplicate-delivery guard). The pipeline sets no expiry: the
    TTL attribute is there for operators who want old entries to expire (an expired entry lets a
    re-delivery of that event be processed again)."""
    return Table(
        ids.FILE_LEDGER_TABLE,
        # Derived state (which file versions were processed): nothing to keep once the stack is gone.
        DeletionPolicy="Delete",
        UpdateReplacePolicy="Delete",
        Metadata=checkov_skips("CKV_AWS_119"),
        TimeToLiveSpecification=TimeToLiveSpecification(
            AttributeName=FILE_LEDGER_TTL_ATTRIBUTE, Enabled=True
        ),
        **_on_demand_table(key=FILE_LEDGER_KEY),
    )


def _on_demand_table(*, key: str) -> dict[str, object]:
    return {
        "AttributeDefinitions": [AttributeDefinition(AttributeName=key, AttributeType="S")],
        "KeySchema": [KeySchema(AttributeName=key, KeyType="HASH")],
        "BillingMode": "PAY_PER_REQUEST",
        "PointInTimeRecoverySpecification": PointInTimeRecoverySpecification(PointInTimeRecoveryEnabled=True),
        # SSEType KMS with the AWS managed key (aws/dynamodb): key use is logged in CloudTrail.
        "SSESpecification": SSESpecification(SSEEnabled=True, SSEType="KMS"),
    }
