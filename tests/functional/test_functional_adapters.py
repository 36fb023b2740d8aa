"""The Lambda adapters against moto's S3 and DynamoDB: validator, store-large and the S3 writers."""

from __future__ import annotations

import gzip
import io
import json
import logging
from unittest.mock import ANY

import boto3
import pytest
from boto3.dynamodb.types import TypeDeserializer
from moto import mock_aws

from handlers import store_large, validator
from handlers.adapters import s3read
from handlers.adapters.s3io import S3ManifestWriter
from handlers.seams.errors import (
    ClaimMismatch,
    ConfigurationError,
    OrderConflict,
    SourceNotFound,
    TransientError,
)
from handlers.seams.settings import HASH_ATTRIBUTE, ORDERS_TABLE_ENV

BUCKET = "uploads"
TABLE = "orders"
SMALL = (
    '{"order-info": {"order_id": "1234", "item": "Laptop"}, "contact-info": {"email": "johndoe@example.com"}}'
)
SECRET = "johndoe@example.com"


@pytest.fixture
def aws(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        dynamodb = boto3.client("dynamodb")
        dynamodb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "order_id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "order_id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        monkeypatch.setenv(ORDERS_TABLE_ENV, TABLE)
        yield s3, dynamodb


def upload(s3, key: str, body: bytes) -> dict:
    put = s3.put_object(Bucket=BUCKET, Key=key, Body=body)
    return {"bucket": BUCKET, "key": key, "version_id": put.get("VersionId"), "etag": put["ETag"].strip('"')}


def read(s3, key: str) -> bytes:
    return s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()


def pipeline_keys(s3) -> list[str]:
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="_pipeline/")
    return sorted(item["Key"] for item in listed.get("Contents", []))


def test_validator_writes_the_manifest_and_returns_counts_only(aws, caplog):
    # GIVEN a gzipped JSON Lines upload with one valid and one invalid record
    s3, _ = aws
    event = upload(s3, "in/orders.jsonl.gz", gzip.compress((SMALL + "\n" + '{"order-info": {}}\n').encode()))
    # WHEN the validator runs
    with caplog.at_level(logging.INFO):
        result = validator.handler(event, None)
    # THEN it returns counts and the manifest location, and the manifest holds both entries
    assert result == {
        "file_rejected": False,
        "records": 2,
        "valid": 1,
        "large": 0,
        "invalid": 1,
        "batches": 1,
        "manifest": {"bucket": BUCKET, "key": result["manifest"]["key"], "version_id": ANY},
        "rejected_by_reason": {"missing_contact_info": 1},
        # the conflict breaker's budget: MAX_REJECTED_RECORDS (default 1000) minus the 1 rejected
        "max_conflicts": 999,
        # LEDGER_RETENTION_DAYS unset: kept forever (a NULL, which DynamoDB TTL ignores)
        "ledger": {
            "expires_at": {"NULL": True},
            "rejected_by_reason": {"M": {"missing_contact_info": {"N": "1"}}},
            # per contract rule (`{"order-info": {}}` breaks two rules: counted under both)
            "rejected_by_rule": {
                "M": {"/contact-info required": {"N": "1"}, "/order-info/order_id required": {"N": "1"}}
            },
        },
    }
    assert result["manifest"]["key"].startswith("_pipeline/work/")
    # AND the version named is the one the validator wrote (the map reads exactly that version)
    head = s3.head_object(Bucket=BUCKET, Key=result["manifest"]["key"])
    assert result["manifest"]["version_id"] == head["VersionId"]
    manifest = json.loads(read(s3, result["manifest"]["key"]))
    assert [e["status"] for e in manifest[0]["records"]] == ["valid", "invalid"]
    assert manifest[0]["source"] == {k: event[k] for k in ("bucket", "key", "version_id", "etag")}
    # AND neither the result nor the logs contain record content
    assert SECRET not in json.dumps(result) and SECRET not in caplog.text and "Laptop" not in caplog.text


@pytest.mark.parametrize("inline", [False, True], ids=["large-lane", "small-lane"])
def test_validator_gives_the_conflict_breaker_the_rejections_left(aws, monkeypatch, inline):
    """The budget of conflicts with other files' records travels with the file
    (MAX_REJECTED_RECORDS minus the records the validator rejected), in both lanes' results."""
    s3, _ = aws
    monkeypatch.setenv("MAX_REJECTED_RECORDS", "5")
    event = upload(s3, "in/budget.jsonl", (SMALL + "\n" + '{"order-info": {}}\n' * 2).encode())
    result = validator.handler({**event, "inline": True} if inline else event, None)
    assert (result["invalid"], result["max_conflicts"]) == (2, 3)


def test_validator_reads_the_version_named_in_the_event(aws):
    # GIVEN an object overwritten after the event for its first version
    s3, _ = aws
    first = upload(s3, "v.json", SMALL.encode())
    upload(s3, "v.json", b"not json at all")
    # WHEN the validator runs for the first version
    result = validator.handler(first, None)
    # THEN it validated the first version's content
    assert result["file_rejected"] is False and result["valid"] == 1


def test_validator_retries_a_url_encoded_key(aws):
    # GIVEN an object whose key has a space, named URL-encoded in the event
    s3, _ = aws
    event = upload(s3, "my orders.json", SMALL.encode())
    event["key"] = "my+orders.json"
    # WHEN the validator runs
    result = validator.handler(event, None)
    # THEN it found the object by its decoded key
    assert result["valid"] == 1
    assert json.loads(read(s3, result["manifest"]["key"]))[0]["source"]["key"] == "my orders.json"


def test_validator_rejected_file_leaves_nothing_in_the_bucket(aws):
    # GIVEN a truncated upload
    s3, _ = aws
    event = upload(s3, "bad.json", b'[{"order-info": {"order_id": "1"}, ')
    # WHEN the validator runs
    result = validator.handler(event, None)
    # THEN it returns one file review message and wrote no manifest
    assert result["file_rejected"] is True and result["records"] is None and result["reason"] == "truncated"
    review = result["review"]
    assert review["file_rejected"] is True and review["reason"] == "truncated"
    assert review["source"]["key"] == "bad.json"
    assert review["record"] is review["record_item"] is review["record_pointer"] is None
    assert pipeline_keys(s3) == []


def test_validator_missing_object_is_a_named_error(aws):
    # GIVEN an event for an object that does not exist
    # WHEN / THEN the validator raises SourceNotFound (a permanent failure the ASL can name)
    with pytest.raises(SourceNotFound):
        validator.handler({"bucket": BUCKET, "key": "gone.json", "version_id": None, "etag": None}, None)


def test_s3_manifest_writer_uses_multipart_for_big_manifests_and_abort_leaves_nothing(aws):
    # GIVEN a writer with 5 MiB parts (S3's minimum) and 12 MiB of data
    s3, _ = aws
    data = bytes(range(256)) * (12 * 4096)
    writer = S3ManifestWriter(s3, BUCKET, "_pipeline/work/x/batches.manifest", part_bytes=5 * 2**20)
    for offset in range(0, len(data), 1_000_000):
        writer.write(data[offset : offset + 1_000_000])
    # WHEN committed
    writer.commit()
    # THEN the object is the data, in three parts
    head = s3.head_object(Bucket=BUCKET, Key="_pipeline/work/x/batches.manifest", PartNumber=1)
    assert head["PartsCount"] == 3
    assert read(s3, "_pipeline/work/x/batches.manifest") == data
    # AND an aborted upload leaves neither an object nor an open upload
    aborted = S3ManifestWriter(s3, BUCKET, "_pipeline/work/y/batches.manifest", part_bytes=5 * 2**20)
    aborted.write(data)
    aborted.abort()
    assert "_pipeline/work/y/batches.manifest" not in pipeline_keys(s3)
    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []


def large_claim(s3, *, order_id: str = "big-1", text: str = "a") -> dict:
    """Validate an upload holding one record too big to travel inline; the store-large event for it."""
    record = json.dumps({"order-info": {"order_id": order_id}, "contact-info": {}, "blob": text * 250_000})
    event = upload(s3, f"{order_id}-{text}.json", record.encode())
    result = validator.handler(event, None)
    entry = json.loads(read(s3, result["manifest"]["key"]))[0]["records"][0]
    assert result["large"] == 1 and entry["status"] == "large"
    source = {k: event[k] for k in ("bucket", "key", "version_id", "etag")}
    return {"pointer": entry["pointer"], "hash": entry["hash"], "index": entry["index"], "source": source}


def test_store_large_puts_the_item_the_validator_described(aws):
    # GIVEN a claim-checked valid record
    s3, dynamodb = aws
    event = large_claim(s3)
    # WHEN store-large runs, twice (at-least-once delivery)
    assert store_large.handler(event, None) == {"stored": True, "outcome": "stored"}
    # (the second put finds the identical item: the ledger counts it as a duplicate)
    assert store_large.handler(event, None) == {"stored": True, "outcome": "duplicate"}
    # THEN the table holds the record with its hash and source
    item = dynamodb.get_item(TableName=TABLE, Key={"order_id": {"S": "big-1"}})["Item"]
    assert item[HASH_ATTRIBUTE] == {"S": event["hash"]}
    assert TypeDeserializer().deserialize(item["blob"]) == "a" * 250_000
    assert item["_pipeline_source"]["M"]["key"] == {"S": event["source"]["key"]}


def test_store_large_raises_order_conflict_for_a_different_record_with_the_same_id(aws):
    # GIVEN one large record stored, and another with the same order_id but different content
    s3, dynamodb = aws
    store_large.handler(large_claim(s3, text="a"), None)
    other = large_claim(s3, text="b")
    # WHEN store-large runs for the second
    with pytest.raises(OrderConflict):
        store_large.handler(other, None)
    # THEN the stored item is unchanged
    item = dynamodb.get_item(TableName=TABLE, Key={"order_id": {"S": "big-1"}})["Item"]
    assert item["blob"]["S"][0] == "a"


def test_store_large_rejects_a_claim_that_does_not_match_its_hash(aws):
    # GIVEN a store-large event whose hash is not the claim's
    s3, _ = aws
    event = large_claim(s3)
    event["hash"] = "0" * 64
    # WHEN / THEN it raises ClaimMismatch and stores nothing
    with pytest.raises(ClaimMismatch):
        store_large.handler(event, None)


def test_store_large_fails_fast_without_its_table(aws, monkeypatch):
    # GIVEN no ORDERS_TABLE in the environment
    monkeypatch.delenv(ORDERS_TABLE_ENV)
    # WHEN / THEN the handler names the missing variable before touching AWS
    with pytest.raises(ConfigurationError, match=ORDERS_TABLE_ENV):
        store_large.handler({"pointer": {"bucket": BUCKET, "key": "x"}, "hash": "h", "index": 0}, None)


def test_throttling_becomes_transient_error(monkeypatch):
    # GIVEN an S3 client that is throttled
    from botocore.exceptions import ClientError

    class Throttled:
        def get_object(self, **_):
            raise ClientError(
                {"Error": {"Code": "SlowDown"}, "ResponseMetadata": {"HTTPStatusCode": 503}}, "GetObject"
            )

    monkeypatch.setattr(s3read, "s3_client", Throttled)
    # WHEN / THEN the validator raises TransientError (retried by the state machine)
    with pytest.raises(TransientError):
        validator.handler({"bucket": BUCKET, "key": "k.json", "version_id": None, "etag": None}, None)


def test_validator_streams_the_body_it_is_given(aws, monkeypatch):
    # GIVEN a body that only supports read(amt) and close() (like botocore's StreamingBody)
    s3, _ = aws
    event = upload(s3, "s.json", SMALL.encode())
    reads: list[int] = []

    class Body(io.BytesIO):
        def read(self, amt=-1):
            reads.append(amt)
            return super().read(amt)

    real = s3read.get_object
    monkeypatch.setattr(s3read, "get_object", lambda *a: {**real(*a), "Body": Body(SMALL.encode())})
    # WHEN the validator runs
    validator.handler(event, None)
    # THEN it read in bounded chunks, never the whole body at once
    assert reads and all(0 < amt <= 2**20 for amt in reads)


@pytest.mark.parametrize("module", ["validator", "store_large"])
def test_entry_modules_import_from_the_zip_root_alone(tmp_path, module):
    # GIVEN the handlers folder (code, the record contract, the contract engine's package and its
    # generated module) at the root of a directory, as in the Lambda zip
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    source = Path(validator.__file__).parent
    shutil.copytree(source, tmp_path, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    # WHEN a fresh interpreter imports the entry module by its Lambda handler name, repo not on sys.path
    code = f"import {module}, sys; print({module}.handler.__module__, sys.modules['handlers'].__file__)"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env={})
    # THEN it imports, and its `handlers` package is the zip root, not the checkout
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [module, str(tmp_path / "__init__.py")]


def test_an_encoded_key_answered_with_access_denied_is_retried_decoded():
    # GIVEN S3 without s3:ListBucket, which answers a missing key with AccessDenied
    from botocore.exceptions import ClientError

    class NoListBucket:
        def get_object(self, **request):
            if request["Key"] != "my orders.json":
                raise ClientError({"Error": {"Code": "AccessDenied"}}, "GetObject")
            return {"Body": io.BytesIO(b"{}")}

    # WHEN the object is opened by its URL-encoded key
    key, _ = s3read.open_object(NoListBucket(), BUCKET, "my+orders.json", None)
    # THEN the decoded key was tried and found; a real AccessDenied (no other spelling) is re-raised
    assert key == "my orders.json"
    with pytest.raises(ClientError):
        s3read.open_object(NoListBucket(), BUCKET, "other.json", None)


def test_store_large_rebuilds_each_item_from_its_range_of_one_pack_version(aws):
    # GIVEN an upload with two large records and a small one, claim-checked into one pack
    s3, dynamodb = aws
    records = [
        {"order-info": {"order_id": f"big-{n}"}, "contact-info": {"n": n}, "blob": str(n) * 200_000}
        for n in (1, 2)
    ]
    text = "[" + json.dumps(records[0]) + ",\n" + SMALL + ",\n" + json.dumps(records[1]) + "]"
    event = upload(s3, "two.json", text.encode())
    result = validator.handler(event, None)
    entries = json.loads(read(s3, result["manifest"]["key"]))[0]["records"]
    large = [e for e in entries if e["status"] == "large"]
    assert [e["index"] for e in large] == [0, 2]
    pointers = [e["pointer"] for e in large]
    assert pointers[0]["key"] == pointers[1]["key"] and pointers[1]["offset"] == pointers[0]["length"]
    # AND the pack is overwritten afterwards (a later run, or a hostile writer)
    s3.put_object(Bucket=BUCKET, Key=pointers[0]["key"], Body=b"x" * 1_000_000)
    # WHEN store-large runs for each
    source = {k: event[k] for k in ("bucket", "key", "version_id", "etag")}
    for entry in large:
        assert store_large.handler(
            {"pointer": entry["pointer"], "hash": entry["hash"], "index": entry["index"], "source": source},
            None,
        ) == {"stored": True, "outcome": "stored"}
    # THEN each item is the record, read from its byte range of the version the validator wrote
    for n, entry in zip((1, 2), large, strict=True):
        item = dynamodb.get_item(TableName=TABLE, Key={"order_id": {"S": f"big-{n}"}})["Item"]
        assert item[HASH_ATTRIBUTE] == {"S": entry["hash"]}
        assert TypeDeserializer().deserialize(item["blob"]) == str(n) * 200_000
        assert item["_pipeline_source"]["M"]["record_index"] == {"N": str(entry["index"])}


def test_store_large_names_a_missing_pack_version_and_a_range_past_the_pack(aws):
    # GIVEN a claim-checked record's store-large event
    s3, _ = aws
    event = large_claim(s3)
    # WHEN its pointer names a version that does not exist / bytes the pack does not hold
    gone = {**event, "pointer": {**event["pointer"], "version_id": "no-such-version"}}
    past = {**event, "pointer": {**event["pointer"], "offset": 10**9}}
    # THEN store-large raises the permanent, named errors
    with pytest.raises(SourceNotFound):
        store_large.handler(gone, None)
    with pytest.raises(ClaimMismatch):
        store_large.handler(past, None)


def test_validator_rejects_a_file_past_the_tolerance_with_a_summary(aws, monkeypatch):
    # GIVEN a tolerance of 1 rejected record (the template parameter's environment variable)
    s3, _ = aws
    monkeypatch.setenv("MAX_REJECTED_RECORDS", "1")
    event = upload(s3, "bad.jsonl", b'{"order-info": {}}\n{"x": 1}\n' + SMALL.encode() + b"\n")
    # WHEN the validator runs
    result = validator.handler(event, None)
    # THEN the file is rejected whole with the counts, and nothing stays under the manifest key
    assert result["file_rejected"] is True and result["reason"] == "too_many_rejections"
    review = result["review"]
    assert review["rejections"]["counts"] == {"missing_contact_info": 1, "missing_order_info": 1}
    assert review["rejections"]["records_read"] == 2 and review["minimal"] is False
    assert not [key for key in pipeline_keys(s3) if key.startswith("_pipeline/work/")]


def test_validator_applies_the_decoded_size_limit_from_its_environment(aws, monkeypatch):
    # GIVEN a 10-byte limit on the decoded size
    s3, _ = aws
    monkeypatch.setenv("MAX_FILE_BYTES", "10")
    event = upload(s3, "s.json.gz", gzip.compress(SMALL.encode()))
    # WHEN the validator runs
    result = validator.handler(event, None)
    # THEN the file is rejected as file_too_large
    assert result["reason"] == "file_too_large" and result["review"]["rejections"] is None


@pytest.mark.parametrize("value", ["-1", "lots", "1.5"])
def test_validator_refuses_a_bad_limit_in_its_environment(aws, monkeypatch, value):
    # GIVEN a limit that is not a non-negative integer
    monkeypatch.setenv("MAX_REJECTED_RECORDS", value)
    # WHEN / THEN the deployment error is named, before any object is read
    with pytest.raises(ConfigurationError, match="MAX_REJECTED_RECORDS"):
        validator.handler({"bucket": BUCKET, "key": "x.json", "version_id": None, "etag": None}, None)


def test_validator_file_review_carries_the_sqs_safe_source(aws):
    # GIVEN an upload whose key holds a character SQS refuses, and content that is not JSON
    s3, _ = aws
    event = upload(s3, "in/bad\x01.json", b"not json")
    # WHEN the validator runs
    result = validator.handler(event, None)
    # THEN its file review names the key JSON-escaped, with key_encoding
    assert result["review"]["source"]["key"] == "in/bad\\u0001.json"
    assert result["review"]["source"]["key_encoding"] == "json-escaped"


def test_s3_manifest_writer_returns_the_version_it_committed(aws):
    # GIVEN a small manifest (one put) and a big one (multipart)
    s3, _ = aws
    small = S3ManifestWriter(s3, BUCKET, "_pipeline/work/s/batches.manifest")
    small.write(b"[]")
    big = S3ManifestWriter(s3, BUCKET, "_pipeline/work/b/batches.manifest", part_bytes=5 * 2**20)
    big.write(b" " * (6 * 2**20))
    # WHEN committed
    versions = [small.commit(), big.commit()]
    # THEN each returns the object's current VersionId
    for key, version in zip(("s", "b"), versions, strict=True):
        assert (
            version
            == s3.head_object(Bucket=BUCKET, Key=f"_pipeline/work/{key}/batches.manifest")["VersionId"]
        )
