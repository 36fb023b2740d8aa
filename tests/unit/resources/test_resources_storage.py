"""IngestBucket, its policy and the two tables, by their properties and references."""

from __future__ import annotations

import json
from typing import Any

from cfn_helpers import arn_of, inline_statements, props, ref, statements

from handlers.seams.settings import CLAIMS_PREFIX, KEY_ATTRIBUTE, WORK_PREFIX
from resources.queues import RETENTION_SECONDS


def _lifecycle_rules(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    rules = props(resources, "IngestBucket")["LifecycleConfiguration"]["Rules"]
    return {rule["Id"]: rule for rule in rules}


def test_bucket_sends_events_to_eventbridge_and_blocks_public_access(resources: dict[str, Any]) -> None:
    # GIVEN the built template
    # WHEN reading the bucket
    bucket = props(resources, "IngestBucket")
    # THEN EventBridge notifications are on and every public access switch is set
    assert bucket["NotificationConfiguration"] == {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"] == [
        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    ]
    assert "BucketName" not in bucket


def test_lifecycle_expires_the_working_prefixes_after_their_parameters(resources: dict[str, Any]) -> None:
    # GIVEN the bucket's lifecycle rules
    rules = _lifecycle_rules(resources)
    # THEN work and claims objects (and their noncurrent versions) expire after their own parameters
    work, claims = rules["ExpirePipelineWork"], rules["ExpirePipelineClaims"]
    assert (work["Prefix"], work["ExpirationInDays"]) == (WORK_PREFIX, ref("WorkRetentionDays"))
    assert (claims["Prefix"], claims["ExpirationInDays"]) == (CLAIMS_PREFIX, ref("ClaimRetentionDays"))
    for rule in (work, claims):
        assert rule["Status"] == "Enabled"
        assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] >= 1
    # AND incomplete multipart uploads are aborted bucket-wide
    abort = rules["AbortIncompleteMultipartUploads"]
    assert "Prefix" not in abort
    assert abort["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] >= 1


def test_claims_outlive_the_review_messages_that_point_at_them(rendered: dict[str, Any]) -> None:
    # GIVEN the ClaimRetentionDays parameter and the review queue's retention
    claim_days = rendered["Parameters"]["ClaimRetentionDays"]
    review_retention_days = RETENTION_SECONDS // 86400
    # THEN no allowed value expires a claim before its review message
    assert claim_days["MinValue"] >= review_retention_days
    assert int(claim_days["Default"]) >= claim_days["MinValue"]


def test_bucket_policy_denies_every_request_without_tls(resources: dict[str, Any]) -> None:
    # GIVEN the bucket policy
    policy = props(resources, "IngestBucketPolicy")
    # THEN it applies to IngestBucket and denies insecure transport on the bucket and its objects
    assert policy["Bucket"] == ref("IngestBucket")
    statement = statements(policy["PolicyDocument"])["DenyInsecureTransport"]
    assert statement["Effect"] == "Deny"
    assert statement["Principal"] == "*"
    assert statement["Action"] == ["s3:*"]
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert statement["Resource"] == [
        arn_of("IngestBucket"),
        {"Fn::Sub": ["${Bucket}/*", {"Bucket": arn_of("IngestBucket")}]},
    ]


def test_only_the_validator_may_write_under_the_working_prefix(resources: dict[str, Any]) -> None:
    # GIVEN the bucket policy's three statements (the third: test below)
    policy = props(resources, "IngestBucketPolicy")["PolicyDocument"]
    assert sorted(statements(policy)) == [
        "DenyInsecureTransport",
        "DenyReplayPrefixWritesExceptReplayWriters",
        "DenyWorkingPrefixWritesExceptValidator",
    ]
    statement = statements(policy)["DenyWorkingPrefixWritesExceptValidator"]
    # THEN every principal but ValidatorRole is denied every write, delete or re-label of an object
    # (version) under _pipeline/: an uploader cannot replace a manifest or a claim pack
    assert statement["Effect"] == "Deny"
    assert statement["Principal"] == "*"
    assert statement["Resource"] == [
        {"Fn::Sub": ["${Bucket}/_pipeline/*", {"Bucket": arn_of("IngestBucket")}]}
    ]
    assert statement["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": [arn_of("ValidatorRole")]}}
    assert set(statement["Action"]) >= {
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
        "s3:AbortMultipartUpload",
        "s3:PutObjectAcl",
        "s3:PutObjectVersionAcl",
        "s3:PutObjectTagging",
        "s3:PutObjectVersionTagging",
        "s3:DeleteObjectTagging",
        "s3:DeleteObjectVersionTagging",
    }
    assert "Allow" not in {s["Effect"] for s in policy["Statement"]}


def test_only_the_replay_writers_may_write_under_replay(
    resources: dict[str, Any], rendered: dict[str, Any]
) -> None:
    """F5 (fails before this change: any uploader could write replay/ and forge `replay_of`)."""
    # GIVEN the bucket policy and the ReplayWriterArns parameter
    policy = props(resources, "IngestBucketPolicy")["PolicyDocument"]
    statement = statements(policy)["DenyReplayPrefixWritesExceptReplayWriters"]
    parameter = rendered["Parameters"]["ReplayWriterArns"]
    working = statements(policy)["DenyWorkingPrefixWritesExceptValidator"]
    # THEN every write under replay/ is denied to all but the named principals, with the same actions
    # as the working prefix's
    assert (statement["Effect"], statement["Principal"]) == ("Deny", "*")
    assert statement["Resource"] == [{"Fn::Sub": ["${Bucket}/replay/*", {"Bucket": arn_of("IngestBucket")}]}]
    assert statement["Action"] == working["Action"]
    root = {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
    writers = {"Fn::If": ["HasReplayWriters", ref("ReplayWriterArns"), [root]]}
    assert statement["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": writers}}
    # AND by default nobody but the account root is named (safe: replay is off until an operator is named)
    assert (parameter["Type"], parameter["Default"]) == ("CommaDelimitedList", "")
    assert rendered["Conditions"]["HasReplayWriters"] == {
        "Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", ref("ReplayWriterArns")]}, ""]}]
    }


def test_every_role_that_may_write_the_working_prefix_is_exempted(resources: dict[str, Any]) -> None:
    # GIVEN the roles whose policies allow a denied write on the bucket's objects
    denied = set(
        statements(props(resources, "IngestBucketPolicy")["PolicyDocument"])[
            "DenyWorkingPrefixWritesExceptValidator"
        ]["Action"]
    )
    writers = {
        name
        for name, resource in resources.items()
        if resource["Type"] == "AWS::IAM::Role"
        for sid, statement in inline_statements(resource["Properties"]).items()
        if statement["Effect"] == "Allow"
        and denied & set(statement["Action"])
        and "IngestBucket" in json.dumps(statement["Resource"])
    }
    # THEN the validator is the only one, and it is the role the policy exempts (else its writes fail)
    assert writers == {"ValidatorRole"}


def test_tables_are_on_demand_recoverable_and_encrypted(resources: dict[str, Any]) -> None:
    # GIVEN both tables and their key attributes
    for name, key in (("OrdersTable", KEY_ATTRIBUTE), ("FileLedgerTable", "file_id")):
        table = props(resources, name)
        # THEN each is keyed by a string attribute, on demand, with PITR and SSE
        assert table["KeySchema"] == [{"AttributeName": key, "KeyType": "HASH"}]
        assert table["AttributeDefinitions"][0] == {"AttributeName": key, "AttributeType": "S"}
        assert table["BillingMode"] == "PAY_PER_REQUEST"
        assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert table["SSESpecification"]["SSEEnabled"] is True
        assert "TableName" not in table


def test_orders_are_retained_and_the_ledger_expires_by_ttl(resources: dict[str, Any]) -> None:
    # GIVEN the two tables
    orders, ledger = resources["OrdersTable"], resources["FileLedgerTable"]
    # THEN deleting or replacing the stack keeps the orders
    assert (orders["DeletionPolicy"], orders["UpdateReplacePolicy"]) == ("Retain", "Retain")
    # AND ledger items expire through the expires_at TTL attribute
    assert ledger["Properties"]["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_the_ledger_has_a_sparse_index_of_open_files_for_the_watchdog(resources: dict[str, Any]) -> None:
    """F11/F1: the watchdog finds stuck files by query, not by scanning every file ever processed.
    Fails before the watchdog change (the ledger had no index)."""
    # GIVEN the ledger table
    table = props(resources, "FileLedgerTable")
    # THEN its one index is keyed by status and open_since (set only while a file is open: sparse)
    [index] = table["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "OpenFiles"
    assert index["KeySchema"] == [
        {"AttributeName": "status", "KeyType": "HASH"},
        {"AttributeName": "open_since", "KeyType": "RANGE"},
    ]
    # AND it carries what the watchdog decides on
    assert index["Projection"] == {
        "ProjectionType": "INCLUDE",
        "NonKeyAttributes": ["lane", "execution_arn", "redrives", "s3_object"],
    }
    assert table["AttributeDefinitions"] == [
        {"AttributeName": "file_id", "AttributeType": "S"},
        {"AttributeName": "status", "AttributeType": "S"},
        {"AttributeName": "open_since", "AttributeType": "S"},
    ]
