"""The ingest bucket, its policy (TLS only; the working prefix written only by the validator), the tables."""

from __future__ import annotations

from awacs import s3
from awacs.aws import ArnNotEquals as ArnNotEqualsCondition
from awacs.aws import Condition, Deny, PolicyDocument, Principal, Statement
from troposphere import GetAtt, If, Parameter, Ref, Sub
from troposphere.dynamodb import (
    AttributeDefinition,
    GlobalSecondaryIndex,
    KeySchema,
    PointInTimeRecoverySpecification,
    Projection,
    SSESpecification,
    Table,
    TimeToLiveSpecification,
)
from troposphere.iam import Role
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

from handlers.seams.ledgeritem import LEDGER_OPEN_INDEX, LEDGER_OPEN_SINCE, LEDGER_REDRIVES, LEDGER_S3_OBJECT
from handlers.seams.settings import CLAIMS_PREFIX, KEY_ATTRIBUTE, REPLAY_PREFIX, WORK_PREFIX, WORKING_PREFIX
from resources import ids
from resources.policies import deny_insecure_transport
from resources.skips import checkov_skips

FILE_LEDGER_KEY = "file_id"
FILE_LEDGER_TTL_ATTRIBUTE = "expires_at"
# An overwritten or expired working object survives as a noncurrent version this long.
NONCURRENT_WORKING_DAYS = 1
ABORT_MULTIPART_DAYS = 7
# Every request that creates, replaces, deletes or re-labels an object (version) under the working
# prefix. s3:PutObject also covers CopyObject and the multipart-upload calls.
WORKING_PREFIX_WRITES = (
    s3.PutObject,
    s3.DeleteObject,
    s3.DeleteObjectVersion,
    s3.AbortMultipartUpload,
    s3.PutObjectAcl,
    s3.PutObjectVersionAcl,
    s3.PutObjectTagging,
    s3.PutObjectVersionTagging,
    s3.DeleteObjectTagging,
    s3.DeleteObjectVersionTagging,
    s3.PutObjectRetention,
    s3.PutObjectLegalHold,
    s3.RestoreObject,
    s3.ReplicateObject,
    s3.ReplicateDelete,
    s3.ReplicateTags,
)


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


def ingest_bucket_policy(
    *, bucket: Bucket, validator_role: Role, replay_writer_arns: Parameter
) -> BucketPolicy:
    """Deny every request without TLS; deny writes under the working prefix to all but the validator,
    and under `replay/` to all but the ReplayWriterArns principals (the account root when none is named).

    The manifests and claim packs under `_pipeline/` are what the Distributed Map and the store-large
    function trust: an uploader who may put objects in the bucket must not be able to replace them.
    (The map and store-large also read the exact versions the validator wrote.) Lifecycle expiry is
    done by S3 itself and is not subject to the policy.
    """
    objects = Sub("${Bucket}/*", Bucket=GetAtt(bucket, "Arn"))
    # A replay line names the origin kept in a stored item (handlers/core/replay.py): only operators write it.
    account_root = Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")
    replay_writers = If(ids.HAS_REPLAY_WRITERS, Ref(replay_writer_arns), [account_root])
    return BucketPolicy(
        ids.INGEST_BUCKET_POLICY,
        Bucket=Ref(bucket),
        PolicyDocument=PolicyDocument(
            Version="2012-10-17",
            Statement=[
                deny_insecure_transport("s3", [GetAtt(bucket, "Arn"), objects]),
                Statement(
                    Sid="DenyWorkingPrefixWritesExceptValidator",
                    Effect=Deny,
                    Principal=Principal("*"),
                    Action=list(WORKING_PREFIX_WRITES),
                    Resource=[Sub("${Bucket}/" + WORKING_PREFIX + "*", Bucket=GetAtt(bucket, "Arn"))],
                    # A role session's aws:PrincipalArn is the role's ARN.
                    Condition=Condition(
                        ArnNotEqualsCondition("aws:PrincipalArn", [GetAtt(validator_role, "Arn")])
                    ),
                ),
                Statement(
                    Sid="DenyReplayPrefixWritesExceptReplayWriters",
                    Effect=Deny,
                    Principal=Principal("*"),
                    Action=list(WORKING_PREFIX_WRITES),
                    Resource=[Sub("${Bucket}/" + REPLAY_PREFIX + "*", Bucket=GetAtt(bucket, "Arn"))],
                    Condition=Condition(ArnNotEqualsCondition("aws:PrincipalArn", replay_writers)),
                ),
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
    """One item per processed file version (duplicate-delivery guard and per-file reconciliation).
    A DONE item's `expires_at` is validation time + LedgerRetentionDays (a DynamoDB NULL, which TTL
    ignores, when the parameter is 0); an expired entry lets a re-delivery of that event be processed
    again, so a retention shorter than the longest re-delivery (a rule DLQ redriven days later) is unsafe."""
    return Table(
        ids.FILE_LEDGER_TABLE,
        # Derived state (which file versions were processed): nothing to keep once the stack is gone.
        DeletionPolicy="Delete",
        UpdateReplacePolicy="Delete",
        Metadata=checkov_skips("CKV_AWS_119"),
        TimeToLiveSpecification=TimeToLiveSpecification(
            AttributeName=FILE_LEDGER_TTL_ATTRIBUTE, Enabled=True
        ),
        GlobalSecondaryIndexes=[open_files_index()],
        **_on_demand_table(
            key=FILE_LEDGER_KEY,
            indexed=[
                AttributeDefinition(AttributeName="status", AttributeType="S"),
                AttributeDefinition(AttributeName=LEDGER_OPEN_SINCE, AttributeType="S"),
            ],
        ),
    )


def open_files_index() -> GlobalSecondaryIndex:
    """The ledger's open files (IN_PROGRESS, HANDED_OFF, FAILED not given up on) by status and since
    when: sparse, as only open items carry `open_since`, so the watchdog queries what may be stuck
    instead of scanning every file ever processed. One partition per status: its write rate (~1,000
    per second per partition) bounds the claims per second, far above the validator's concurrency."""
    return GlobalSecondaryIndex(
        IndexName=LEDGER_OPEN_INDEX,
        KeySchema=[
            KeySchema(AttributeName="status", KeyType="HASH"),
            KeySchema(AttributeName=LEDGER_OPEN_SINCE, KeyType="RANGE"),
        ],
        # What the watchdog decides on; the key attributes (file_id included) come with any projection.
        Projection=Projection(
            ProjectionType="INCLUDE",
            NonKeyAttributes=["lane", "execution_arn", LEDGER_REDRIVES, LEDGER_S3_OBJECT],
        ),
    )


def _on_demand_table(*, key: str, indexed: list[AttributeDefinition] | None = None) -> dict[str, object]:
    return {
        "AttributeDefinitions": [AttributeDefinition(AttributeName=key, AttributeType="S"), *(indexed or [])],
        "KeySchema": [KeySchema(AttributeName=key, KeyType="HASH")],
        "BillingMode": "PAY_PER_REQUEST",
        "PointInTimeRecoverySpecification": PointInTimeRecoverySpecification(PointInTimeRecoveryEnabled=True),
        # SSEType KMS with the AWS managed key (aws/dynamodb): key use is logged in CloudTrail.
        "SSESpecification": SSESpecification(SSEEnabled=True, SSEType="KMS"),
    }
