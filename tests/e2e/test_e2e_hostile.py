"""Hostile input end to end (numbers no decimal holds, DynamoDB's number range, characters SQS refuses,
the manifest race, review floods, loss that hides): the real handlers in moto's Step Functions,
deployed from the real template. No uploaded byte and no bucket writer can fail a file, lose a record
or forge an order; where the pipeline does fail, the failure is loud and the loss is named.

Each test says what happened on the code before the pipeline was hardened against hostile input
("Before the hardening"). Staging (a queue size, a write between the validator and the map) uses only
what an AWS user or an uploader could do, except that retry waits are shortened (`quick_retries`: same
errors, same attempts, same order, shorter sleeps).
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl

from emulator import lambda_runner
from emulator.reconcile import ranges
from handlers.flows.inline import SMALL_FILE_MAX_BYTES
from tests.builders import CONTACT_INFO, order_without, valid_order
from workflow.reviewstates import MINIMAL_MESSAGE

from .conftest import Pipeline, as_decimals, assert_no_loss, plain, record_of

pytestmark = pytest.mark.e2e

# SQS's smallest allowed MaximumMessageSize (bytes); the review queue's own is restored after each use.
SMALLEST_QUEUE_BYTES = 1024
VALIDATOR_HANDLER = "validator.handler"


# Hostile numbers travel in a member of this file's own that no contract names, so a rule the shipped
# contract gains on a real member (e.g. quantity >= 1) cannot change these outcomes.
PROBE = "x-probe"


def _order(order_id: str, **info: object) -> dict[str, Any]:
    return valid_order(order_id, info={PROBE: 1, **info}, contact={"name": "Ana", "email": "ana@example.com"})


def _text(value: object) -> str:
    """Compact JSON, non-ASCII characters as themselves (as an uploader's tool may write them)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _claimed(pipeline: Pipeline, pointer: dict[str, Any]) -> bytes:
    """The bytes a claim-check pointer names: its byte range of the exact pack version."""
    assert set(pointer) == {"bucket", "key", "version_id", "offset", "length"}, pointer
    start, length = int(pointer["offset"]), int(pointer["length"])
    body: bytes = pipeline.stack.clients.s3.get_object(
        Bucket=pointer["bucket"],
        Key=pointer["key"],
        VersionId=pointer["version_id"],
        Range=f"bytes={start}-{start + length - 1}",
    )["Body"].read()
    return body


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto's ASL interpreter sleeps each Retry interval for real, and names every failed SQS call
    `SQS.SdkClientException`, which the definition retries 6 times (up to ~50 s per refused send).
    Shorten only the sleeps: the errors, the attempts and the Catch that follows are unchanged."""
    monkeypatch.setattr(
        retrier_decl, "time", SimpleNamespace(sleep=lambda seconds: time.sleep(min(seconds, 0.05)))
    )


@contextmanager
def _review_queue_limit(pipeline: Pipeline, max_bytes: int) -> Iterator[None]:
    """The review queue refuses bodies over `max_bytes` while inside; its own limit is restored after."""
    sqs, url = pipeline.stack.clients.sqs, pipeline.stack.output("ReviewQueueUrl")
    before = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["MaximumMessageSize"])["Attributes"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"MaximumMessageSize": str(max_bytes)})
    try:
        yield
    finally:
        sqs.set_queue_attributes(QueueUrl=url, Attributes=before)


AfterValidator = Callable[[str, Callable[[dict[str, Any]], None]], list[dict[str, Any]]]


@pytest.fixture
def after_validator(monkeypatch: pytest.MonkeyPatch) -> AfterValidator:
    """`after_validator(key, act)`: once the validator has returned its result for the upload `key`,
    `act(result)` runs before the state machine goes on (so between the validator's writes and the
    map's reads, the window an uploader with the normal bucket grant could write in). Returns the
    list of results `act` was called with, so a test can show the staging happened."""
    real = lambda_runner.invoke
    hooks: dict[str, tuple[Callable[[dict[str, Any]], None], list[dict[str, Any]]]] = {}

    def invoke(**kwargs: Any) -> lambda_runner.Invocation:
        result = real(**kwargs)
        event = kwargs["event"]
        hook = hooks.get(str(event.get("key"))) if isinstance(event, dict) else None
        if kwargs["handler"] == VALIDATOR_HANDLER and hook and not result.errored:
            act, seen = hook
            payload = json.loads(result.payload)
            act(payload)
            seen.append(payload)
        return result

    monkeypatch.setattr(lambda_runner, "invoke", invoke)

    def register(key: str, act: Callable[[dict[str, Any]], None]) -> list[dict[str, Any]]:
        seen: list[dict[str, Any]] = []
        hooks[key] = (act, seen)
        return seen

    return register


# ---------------------------------------------------------------- a number no decimal holds


def test_a_number_no_decimal_can_hold_is_one_invalid_value_review(pipeline: Pipeline, uid: str) -> None:
    # Before the hardening: decimal.InvalidOperation escaped the parser, the validator crashed, the file
    # ended FAILED with nothing stored and no review (and every re-delivery failed the same way).
    # GIVEN a valid record and one whose number has an exponent beyond ±999999999999999999
    valid = _text(_order(f"huge-{uid}-0"))
    huge = _text(_order(f"huge-{uid}-1")).replace(f'"{PROBE}":1', f'"{PROBE}":1e99999999999999999999')
    # WHEN the file is uploaded
    target, result = pipeline.run(f"huge-{uid}.json", f"[{valid},\n{huge}]".encode())
    # THEN the valid one is stored and the other is one invalid_value review pointing at its raw text
    assert_no_loss(result, records=2)
    ledger = pipeline.ledger(target)
    assert ledger is not None and ledger["records"] == 2
    [review] = result.reviews
    assert (review["reason"], review["record_index"], review["order_id"]) == (
        "invalid_value",
        1,
        f"huge-{uid}-1",
    )
    assert review["record"] is None
    assert _claimed(pipeline, review["record_pointer"]) == huge.encode()
    assert pipeline.item(f"huge-{uid}-0") is not None and pipeline.item(f"huge-{uid}-1") is None


# ---------------------------------------------------------------- DynamoDB's number range

STORABLE = ("9.9999999999999999999999999999999999999E+125", "1E-130")
REFUSED = ("1E+126", "-1E+126", "1E-131")


def test_numbers_at_dynamodbs_edges_are_stored_or_reviewed_never_lost(pipeline: Pipeline, uid: str) -> None:
    # Before the hardening: the validator's range check let 1E+126 and 1E-131 through (its context allowed
    # subnormals), the putItem was refused (ValidationException, caught by nothing): on AWS the child
    # failed and the file ended FAILED; in the emulator the records silently disappeared.
    # GIVEN one record per number, each written as that literal text
    numbers = STORABLE + REFUSED
    texts = [
        _text(_order(f"edge-{uid}-{i}")).replace(f'"{PROBE}":1', f'"{PROBE}":{number}')
        for i, number in enumerate(numbers)
    ]
    # WHEN the file is uploaded
    _, result = pipeline.run(f"edges-{uid}.json", ("[" + ",".join(texts) + "]").encode())
    # THEN the numbers DynamoDB holds are stored exactly, the others are invalid_value reviews
    assert_no_loss(result, records=len(numbers))
    for i, number in enumerate(STORABLE):
        item = pipeline.item(f"edge-{uid}-{i}")
        assert item is not None and Decimal(item["order-info"]["M"][PROBE]["N"]) == Decimal(number)
    reviews = {r["record_index"]: r for r in result.reviews}
    assert sorted(reviews) == [2, 3, 4]
    for index, review in reviews.items():
        assert review["reason"] == "invalid_value" and review["record"] is None
        assert _claimed(pipeline, review["record_pointer"]) == texts[index].encode()
        assert pipeline.item(f"edge-{uid}-{index}") is None


# ---------------------------------------------------------------- characters SQS refuses


def test_rejected_records_holding_characters_sqs_refuses_are_reviewed_by_pointer(
    pipeline: Pipeline, uid: str
) -> None:
    # Before the hardening: the review carried the record (and its order id) inline; SQS refuses U+FFFF, a
    # lone surrogate and U+0001, so the sendMessage failed after its retries, the child failed and
    # with it the whole file (the emulator let such bodies through, hiding it).
    # GIVEN JSON Lines: a valid record; three without contact-info, each holding a refused character
    # (U+FFFF itself in the order id, a lone-surrogate escape, a U+0001 escape); and an unparseable
    # line holding a raw control character
    lines = [
        _text(_order(f"cs-{uid}-0")),
        _text({"order-info": {"order_id": f"cs-{uid}-\uffff"}}),
        '{"order-info":{"order_id":"cs-UID-2","note":"\\ud800"}}'.replace("UID", uid),
        '{"order-info":{"order_id":"cs-UID-3","note":"a\\u0001b"}}'.replace("UID", uid),
        '{"order-info":{"order_id":"cs-UID-4"}, "note":"a\x01b"}'.replace("UID", uid),
    ]
    # WHEN the file is uploaded
    _, result = pipeline.run(f"unsafe-{uid}.jsonl", ("\n".join(lines) + "\n").encode())
    # THEN every review arrives: no record content inline, the raw text behind a pointer, and no
    # order id that holds a refused character
    assert_no_loss(result, records=5)
    reviews = {r["record_index"]: r for r in result.reviews}
    expected = {
        1: ("missing_contact_info", None),
        2: ("missing_contact_info", f"cs-{uid}-2"),
        3: ("missing_contact_info", f"cs-{uid}-3"),
        4: ("unparseable_line", None),
    }
    assert {i: (r["reason"], r["order_id"]) for i, r in reviews.items()} == expected
    for index, review in reviews.items():
        assert review["record"] is None and review["line"] == index + 1
        assert _claimed(pipeline, review["record_pointer"]) == lines[index].encode()


def test_a_conflict_holding_a_character_sqs_refuses_is_reviewed_by_pointer(
    pipeline: Pipeline, uid: str
) -> None:
    # Before the hardening: the conflict review carried the conflicting item, U+FFFF included; SQS refused
    # it, the child failed and the file ended FAILED.
    # GIVEN an order already stored
    stored = _order(f"cfx-{uid}")
    _, first = pipeline.run(f"cfx-a-{uid}.json", json.dumps(stored).encode())
    assert_no_loss(first, records=1)
    # WHEN another file has the same order id, a different content and a U+FFFF in it
    text = _text(_order(f"cfx-{uid}", item="Desk\uffff"))
    _, result = pipeline.run(f"cfx-b-{uid}.json", text.encode())
    # THEN one conflict review arrives with a pointer to the record, not the item; the order is untouched
    assert_no_loss(result, records=1)
    [review] = result.reviews
    assert (review["reason"], review["record_index"], review["order_id"]) == ("conflict", 0, f"cfx-{uid}")
    assert review["record"] is None and review["record_item"] is None
    assert _claimed(pipeline, review["record_pointer"]) == text.encode()
    item = pipeline.item(f"cfx-{uid}")
    assert item is not None and record_of(item) == as_decimals(stored)


def test_an_s3_key_holding_a_character_sqs_refuses_is_json_escaped_in_reviews(
    pipeline: Pipeline, uid: str
) -> None:
    # Before the hardening: every review carried the key as it is; SQS refused it, so one rejected record
    # failed the whole file.
    # GIVEN a file whose key holds U+FFFF, with a valid record and a rejected one
    key = f"odd-\uffff-{uid}.json"
    records = [_order(f"key-{uid}-0"), order_without(CONTACT_INFO, f"key-{uid}-1")]
    # WHEN it is uploaded
    target, result = pipeline.run(key, json.dumps(records).encode())
    # THEN the review carries the key as ASCII JSON-escaped text, and says so
    assert_no_loss(result, records=2)
    [review] = result.reviews
    assert review["reason"] == "missing_contact_info" and review["record_index"] == 1
    assert review["source"]["key"] == f"odd-\\uffff-{uid}.json"
    assert review["source"]["key_encoding"] == "json-escaped"
    # AND the stored item keeps the exact key as its provenance
    [item] = result.items
    source = plain(item)["_pipeline_source"]
    assert (source["key"], source["version_id"]) == (key, target.version_id)


def test_an_unsendable_review_falls_back_to_a_minimal_review(
    pipeline: Pipeline, uid: str, quick_retries: None
) -> None:
    # Before the hardening: a review SQS refused (here: over the queue's size limit) failed the child after
    # its retries, and the whole file ended FAILED; there was no minimal review.
    # GIVEN a rejected record whose review is over 1,024 bytes (its 900-character order id), beside a
    # valid one, while the review queue takes at most 1,024 bytes
    order_id = f"min-{uid}-" + "o" * 900
    huge = _text(_order(order_id)).replace(f'"{PROBE}":1', f'"{PROBE}":1e400')
    records = [_text(_order(f"min-{uid}-0")), huge]
    with _review_queue_limit(pipeline, SMALLEST_QUEUE_BYTES):
        # WHEN the file is uploaded
        target, result = pipeline.run(f"minimal-{uid}.jsonl", ("\n".join(records) + "\n").encode())
    # THEN the file is DONE with nothing lost: a minimal review stands for the full one
    assert_no_loss(result, records=2)
    ledger = pipeline.ledger(target)
    assert ledger is not None and (ledger["status"], ledger["records"]) == ("DONE", 2)
    [review] = result.reviews
    assert review["minimal"] is True and review["message"] == MINIMAL_MESSAGE
    assert (review["reason"], review["record_index"], review["line"]) == ("invalid_value", 1, 2)
    # the caught error's name (moto names every failed SQS call SQS.SdkClientException)
    assert review["send_error"].startswith("SQS.")
    assert review["source"]["key"] == target.key and review["source"]["version_id"] == target.version_id
    assert "order_id" not in review and "record" not in review
    # AND its pointer still leads to the record
    assert _claimed(pipeline, review["record_pointer"]) == huge.encode()


# ---------------------------------------------------------------- the manifest race


def _get(pipeline: Pipeline, bucket: str, key: str, version_id: str | None = None) -> bytes:
    request = {"Bucket": bucket, "Key": key, **({"VersionId": version_id} if version_id else {})}
    body: bytes = pipeline.stack.clients.s3.get_object(**request)["Body"].read()
    return body


def _forged_entry(
    index: int, order_id: str, info: dict[str, Any], digest: str, source: Any
) -> dict[str, Any]:
    """A manifest entry as the validator would write it for a valid record (an item it never checked)."""
    item = {
        "order_id": {"S": order_id},
        "order-info": {"M": {name: {"S": str(value)} for name, value in info.items()}},
        "_pipeline_hash": {"S": digest},
        "_pipeline_source": {"M": {name: {"S": str(value)} for name, value in source.items()}},
    }
    return {
        "status": "valid",
        "index": index,
        "line": None,
        "order_id": order_id,
        "hash": digest,
        "item": item,
    }


def test_a_manifest_overwritten_after_validation_is_not_what_the_map_reads(
    pipeline: Pipeline, uid: str, after_validator: AfterValidator
) -> None:
    # Before the hardening: the map read the manifest's latest version, so the forged manifest below stored
    # an order that was never validated (no contact-info) and overwrote an existing order (its entry
    # carries the stored hash, which the put's condition accepts), and the genuine records were
    # never stored.
    # GIVEN an order stored from an earlier file, and its hash (an uploader who knows it can compute it)
    victim = _order(f"victim-{uid}")
    _, first = pipeline.run(f"victim-{uid}.json", json.dumps(victim).encode())
    assert_no_loss(first, records=1)
    stored = pipeline.item(f"victim-{uid}")
    assert stored is not None
    victim_hash = stored["_pipeline_hash"]["S"]

    def forge(validation: dict[str, Any]) -> None:
        # Right after the validator returns, the uploader overwrites its file's manifest.
        location = validation["manifest"]
        [genuine] = json.loads(_get(pipeline, location["bucket"], location["key"]))
        forged = [
            _forged_entry(0, f"forged-{uid}", {"item": "unvalidated"}, "f" * 64, genuine["source"]),
            _forged_entry(1, f"victim-{uid}", {"item": "overwritten"}, victim_hash, genuine["source"]),
        ]
        body = json.dumps([{**genuine, "records": forged}]).encode()
        pipeline.stack.clients.s3.put_object(Bucket=location["bucket"], Key=location["key"], Body=body)

    key = f"race-{uid}.json"
    staged = after_validator(key, forge)
    # WHEN a file of two valid records is uploaded and its manifest is overwritten before the map runs
    records = [_order(f"race-{uid}-0"), _order(f"race-{uid}-1")]
    # (padded past the small-file lane's size, so that it takes the Distributed Map's manifest path)
    body = json.dumps(records).encode() + b" " * (SMALL_FILE_MAX_BYTES + 1)
    _, result = pipeline.run(key, body)
    # THEN the map read the version the validator wrote: the genuine records are stored ...
    assert len(staged) == 1
    assert_no_loss(result, records=2)
    assert sorted(plain(i)["order_id"] for i in result.items) == [f"race-{uid}-0", f"race-{uid}-1"]
    # ... and nothing forged is: no unvalidated order, the existing order untouched
    assert pipeline.item(f"forged-{uid}") is None
    after = pipeline.item(f"victim-{uid}")
    assert after is not None and record_of(after) == as_decimals(victim)


def test_a_claim_pack_overwritten_after_validation_is_not_what_store_large_reads(
    pipeline: Pipeline, uid: str, after_validator: AfterValidator
) -> None:
    # Before the hardening: store-large read the claim's latest version: the forged body below failed the
    # hash check (ClaimMismatch), the child failed and the genuine record was never stored (on AWS
    # the file ended FAILED; the emulator reported SUCCEEDED with the record missing).
    genuine = _order(f"pack-{uid}", notes="n" * 250_000)  # over the inline limit: a claim check
    forged_text = _text(_order(f"pack-{uid}", notes="f" * 250_000))

    def forge(validation: dict[str, Any]) -> None:
        # Right after the validator returns, the uploader rewrites the claim pack its record is in:
        # same length, another record in the pointer's byte range.
        location = validation["manifest"]
        [batch] = json.loads(_get(pipeline, location["bucket"], location["key"], location.get("version_id")))
        [entry] = batch["records"]
        pointer = entry["pointer"]
        pack = bytearray(_get(pipeline, pointer["bucket"], pointer["key"]))
        start, length = int(pointer.get("offset", 0)), int(pointer.get("length", len(pack)))
        assert len(forged_text.encode()) == length
        pack[start : start + length] = forged_text.encode()
        pipeline.stack.clients.s3.put_object(Bucket=pointer["bucket"], Key=pointer["key"], Body=bytes(pack))

    key = f"pack-{uid}.json"
    staged = after_validator(key, forge)
    # WHEN the record's file is uploaded and its claim pack is overwritten before the map runs
    _, result = pipeline.run(key, _text([genuine]).encode())
    # THEN store-large read the pack version the validator wrote: the genuine record is stored
    assert len(staged) == 1
    assert_no_loss(result, records=1)
    [item] = result.items
    assert record_of(item) == as_decimals(genuine)


# ---------------------------------------------------------------- a small file floods review


def test_a_small_gzip_of_too_many_rejections_is_one_summarised_file_review(
    pipeline: Pipeline, uid: str
) -> None:
    # Before the hardening: no per-file tolerance: the two valid records were stored and each of the 1,503
    # rejected records became its own review message (a 3.9 KB gzip made 2 million of them).
    # GIVEN a gzip under 1 KB: two valid records, three non-objects, then 1,500 records without order-info
    lines = [_text(_order(f"flood-{uid}-{i}")) for i in range(2)] + ["42"] * 3 + ["{}"] * 1500
    body = gzip.compress(("\n".join(lines) + "\n").encode())
    assert len(body) < 1024
    # WHEN it is uploaded (the stack's MaxRejectedRecords is its default, 1000)
    target, result = pipeline.run(f"flood-{uid}.jsonl.gz", body)
    # THEN the file is rejected whole: one review with counts and the first examples, nothing stored
    assert_no_loss(result, records=None)
    [review] = result.reviews
    assert (review["reason"], review["file_rejected"]) == ("too_many_rejections", True)
    rejections = review["rejections"]
    assert (rejections["records_read"], rejections["rejected"]) == (1003, 1001)
    assert rejections["counts"] == {"not_an_object": 3, "missing_order_info": 998}
    assert [(e["record_index"], e["line"], e["reason"]) for e in rejections["examples"]] == [
        (2, 3, "not_an_object"),
        (3, 4, "not_an_object"),
        (4, 5, "not_an_object"),
        (5, 6, "missing_order_info"),
        (6, 7, "missing_order_info"),
    ]
    assert all(set(e) == {"record_index", "line", "reason", "message"} for e in rejections["examples"])
    assert pipeline.item(f"flood-{uid}-0") is None and pipeline.item(f"flood-{uid}-1") is None
    ledger = pipeline.ledger(target)
    assert ledger is not None and "records" not in ledger
    assert (ledger["status"], ledger["file_rejected"], ledger["reason"]) == (
        "DONE",
        True,
        "too_many_rejections",
    )


# ---------------------------------------------------------------- loss cannot hide


# The small-file lane's inline Map fails with the failed step's own error; the large-file lane's
# Distributed Map with its tolerance's (ToleratedFailurePercentage 0, which the emulator enforces).
@pytest.mark.parametrize(
    ("pad", "error_name"),
    [(0, "SQS.SdkClientException"), (SMALL_FILE_MAX_BYTES + 1, "States.ExceedToleratedFailureThreshold")],
    ids=["small-file-lane", "large-file-lane"],
)
def test_a_failed_record_step_fails_the_file_and_names_the_lost_record(
    pipeline: Pipeline, uid: str, quick_retries: None, pad: int, error_name: str
) -> None:
    # Before the hardening: the emulator did not enforce ToleratedFailurePercentage, so the failed child
    # left the run SUCCEEDED (exit 0) and the ledger DONE, and `records` was computed as
    # stored + rejected, so the lost record was not even counted.
    # GIVEN a ~900-byte key, so that even the minimal review of a rejected record is over the review
    # queue's limit: both sends of its review fail for real
    key = f"{'k' * 900}-{uid}.json"
    records = [_order(f"lost-{uid}-0"), order_without(CONTACT_INFO, f"lost-{uid}-1")]
    with _review_queue_limit(pipeline, SMALLEST_QUEUE_BYTES):
        # WHEN the file is uploaded
        target, result = pipeline.run(key, json.dumps(records).encode() + b" " * pad)
    # THEN the execution FAILED: no lane tolerates a failed record step
    assert result.status == "FAILED" and result.failure is not None
    assert result.failure.startswith("PipelineFailed")
    ledger = pipeline.ledger(target)
    assert ledger is not None
    assert (ledger["status"], ledger["error_name"]) == ("FAILED", error_name)
    # AND the reconciliation counts the validator's 2 records and names the one in neither table nor review
    assert result.count is not None and (result.count.origin, result.records) == ("validator", 2)
    assert result.reviews == [] and 1 in result.lost
    assert f"lost (neither in the table nor in a review): {ranges(result.lost)}" in result.problems
