"""The watchdog's pure decisions (handlers/flows/watchdog_rules.py): failure classes F1 (an EXPRESS run
stopped
at 5 minutes leaves its file IN_PROGRESS forever) and F11 (a HANDED_OFF file stranded when the STANDARD
run fails before claiming it). Every test here fails before the watchdog change: the module did not exist
and nothing ever moved a file out of IN_PROGRESS or HANDED_OFF."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest

from handlers.flows.watchdog_rules import (
    CAUSE_HANDOFF_NOT_CLAIMED,
    CAUSE_LANE_DEADLINE,
    NOTHING,
    Decision,
    OpenFile,
    Settings,
    decide,
    decide_ended,
    file_id_of,
    format_time,
    parse_time,
    redrive_event,
    redrive_name,
    redrives_done,
)

NOW = datetime(2026, 12, 6, 6, 0, 0, tzinfo=UTC)
SETTINGS = Settings(max_redrives=3)
S3_OBJECT = {"bucket": "b", "key": "in/a.json", "version_id": "v1", "etag": None, "file_id": "b/in/a.json#v1"}
EXPRESS_ARN = "arn:aws:states:r:1:express:SmallFileStateMachine-x:ev:11111111-2222"
STANDARD_ARN = "arn:aws:states:r:1:execution:StateMachine-x:abc"


def _file(status: str, *, lane: str = "express", age: timedelta, **changes: object) -> OpenFile:
    fields: dict[str, object] = {
        "file_id": "b/in/a.json#v1",
        "status": status,
        "lane": lane,
        "execution_arn": EXPRESS_ARN if lane == "express" else STANDARD_ARN,
        "open_since": NOW - age,
        "redrives": 0,
        "s3_object": S3_OBJECT,
    }
    return OpenFile(**{**fields, **changes})  # type: ignore[arg-type]


def test_an_express_claim_past_5_minutes_and_the_margin_is_marked_failed_and_redriven() -> None:
    """F1: an EXPRESS run stopped at 5 minutes (no Catch) left its claim; fails before: no watchdog."""
    # GIVEN an EXPRESS run's claim: within its 6-minute deadline it is left alone
    assert decide(_file("IN_PROGRESS", age=timedelta(seconds=359)), now=NOW, settings=SETTINGS) == NOTHING
    # WHEN it is older (the run was stopped at 5 minutes without its Catch: F1)
    found = decide(_file("IN_PROGRESS", age=timedelta(seconds=361)), now=NOW, settings=SETTINGS)
    # THEN it is marked FAILED with the cause and re-driven (first attempt)
    assert found == Decision(mark_failed=True, cause=CAUSE_LANE_DEADLINE, redrive=1)


def test_a_standard_claim_is_checked_with_step_functions_not_timed_out() -> None:
    """F1 (STANDARD lane): an ended run's claim is found, a long-running one is not failed by age;
    fails before: no watchdog."""
    # GIVEN a STANDARD run's claim: it has no fixed limit (thousands of batch waves are legitimate)
    young = _file("IN_PROGRESS", lane="standard", age=timedelta(minutes=29))
    old = _file("IN_PROGRESS", lane="standard", age=timedelta(hours=30))
    # THEN a young one is left alone, an old one is checked (DescribeExecution), never failed blindly
    assert decide(young, now=NOW, settings=SETTINGS) == NOTHING
    assert decide(old, now=NOW, settings=SETTINGS) == Decision(check_execution=True)
    # AND what Step Functions says decides: running is fine, anything that ended is stuck
    assert decide_ended(old, execution_arn=STANDARD_ARN, status="RUNNING", settings=SETTINGS) == NOTHING
    for status, cause in (
        ("SUCCEEDED", "ExecutionEndedUnmarked"),
        ("NOT_FOUND", "ExecutionNotFound"),
        ("FAILED", "ExecutionFailed"),
    ):
        found = decide_ended(old, execution_arn=STANDARD_ARN, status=status, settings=SETTINGS)
        assert found == Decision(mark_failed=True, cause=cause, redrive=1), status


def test_a_hand_off_never_claimed_is_stranded_no_longer() -> None:
    """F11: HANDED_OFF older than the deadline: the STANDARD run never claimed it."""
    found = decide(_file("HANDED_OFF", age=timedelta(minutes=7)), now=NOW, settings=SETTINGS)
    assert found == Decision(mark_failed=True, cause=CAUSE_HANDOFF_NOT_CLAIMED, redrive=1)
    assert decide(_file("HANDED_OFF", age=timedelta(minutes=5)), now=NOW, settings=SETTINGS) == NOTHING


@pytest.mark.parametrize(("done", "wait_minutes"), [(0, 5), (1, 10), (2, 20)])
def test_a_failed_file_is_redriven_after_a_doubling_backoff(done: int, wait_minutes: int) -> None:
    """F1/F11: a FAILED file is re-driven automatically (5, 10, 20 min);
    fails before: FAILED waited for a manual re-delivery."""
    before = _file("FAILED", age=timedelta(minutes=wait_minutes) - timedelta(seconds=1), redrives=done)
    after = _file("FAILED", age=timedelta(minutes=wait_minutes), redrives=done)
    assert decide(before, now=NOW, settings=SETTINGS) == NOTHING
    assert decide(after, now=NOW, settings=SETTINGS) == Decision(redrive=done + 1)


def test_re_drives_are_bounded_then_given_up_on() -> None:
    """F1/F11: re-drives are bounded (MaxRedrives), then alarmed; fails before: no watchdog."""
    # GIVEN a file re-driven MaxRedrives times whose last run failed
    failed = _file("FAILED", age=timedelta(days=1), redrives=3)
    # THEN it is given up on (alarm), not re-driven again; a stuck one is marked FAILED and given up on
    assert decide(failed, now=NOW, settings=SETTINGS) == Decision(give_up=True)
    stuck = _file("IN_PROGRESS", age=timedelta(hours=1), redrives=3)
    assert decide(stuck, now=NOW, settings=SETTINGS) == Decision(
        mark_failed=True, cause=CAUSE_LANE_DEADLINE, give_up=True
    )
    # AND MaxRedrives 0 marks and alarms only
    assert decide(_file("FAILED", age=timedelta(days=1)), now=NOW, settings=Settings(max_redrives=0)).give_up


def test_the_counter_survives_the_redriven_runs_claim_through_its_execution_name() -> None:
    """F1/F11: the bound holds although a re-driven run's claim replaces the item;
    fails before: no watchdog."""
    # GIVEN the ledger item after the second re-drive's run claimed it (the claim replaced the item)
    name = redrive_name(_file("FAILED", age=timedelta(0)), 2)
    item = _file(
        "IN_PROGRESS", lane="standard", age=timedelta(hours=30), execution_arn=f"{STANDARD_ARN[:-3]}{name}"
    )
    # THEN the attempt is read from the execution's name: the next is the third
    assert redrives_done(item) == 2
    arn = item.execution_arn or ""
    assert decide_ended(item, execution_arn=arn, status="ABORTED", settings=SETTINGS).redrive == 3


def test_a_file_without_its_object_identity_is_given_up_on_not_guessed() -> None:
    """F1: a claim without s3_object (written before this change) is marked and alarmed, never guessed."""
    item = _file("IN_PROGRESS", age=timedelta(hours=1), s3_object=None)
    assert decide(item, now=NOW, settings=SETTINGS) == Decision(
        mark_failed=True, cause=CAUSE_LANE_DEADLINE, give_up=True
    )


@pytest.mark.parametrize(
    ("status", "cause"), [("TIMED_OUT", "States.Timeout"), ("ABORTED", "ExecutionAborted")]
)
def test_an_ended_standard_execution_that_still_holds_the_file_is_stuck(status: str, cause: str) -> None:
    """F1 (STANDARD lane): TIMED_OUT / ABORTED runs run no Catch;
    fails before: the claim stayed IN_PROGRESS."""
    item = _file("IN_PROGRESS", lane="standard", age=timedelta(minutes=1))
    found = decide_ended(item, execution_arn=STANDARD_ARN, status=status, settings=SETTINGS)
    assert found == Decision(mark_failed=True, cause=cause, redrive=1)


def test_an_ended_execution_leaves_other_claims_alone() -> None:
    """F11: only the ended run's claim (or a still HANDED_OFF file) is ended; fails before: no watchdog."""
    # GIVEN the file claimed by another execution, DONE, or FAILED by the run itself
    other = _file("IN_PROGRESS", lane="standard", age=timedelta(minutes=1), execution_arn=STANDARD_ARN + "2")
    done = _file("DONE", lane="standard", age=timedelta(minutes=1))
    failed = _file("FAILED", lane="standard", age=timedelta(minutes=1))
    for item in (other, done, failed):
        assert decide_ended(item, execution_arn=STANDARD_ARN, status="FAILED", settings=SETTINGS) == NOTHING
    # AND a still-HANDED_OFF file is stuck: the run the hand-off started ended before claiming it (F11)
    handed = _file("HANDED_OFF", age=timedelta(minutes=1))
    found = decide_ended(handed, execution_arn=STANDARD_ARN, status="FAILED", settings=SETTINGS)
    assert found == Decision(mark_failed=True, cause=CAUSE_HANDOFF_NOT_CLAIMED, redrive=1)
    assert decide_ended(handed, execution_arn=STANDARD_ARN, status="SUCCEEDED", settings=SETTINGS) == NOTHING


def test_the_redrive_event_has_the_same_file_id_as_the_original() -> None:
    """F1/F11: the re-drive claims the same ledger item; fails before: no re-drive existed."""
    for s3_object, identity in (
        (S3_OBJECT, "v1"),
        ({"bucket": "b", "key": "k#1.json", "version_id": None, "etag": "e-2", "file_id": "x"}, "e-2"),
    ):
        event = redrive_event(s3_object)
        assert file_id_of(json.dumps(event)) == f"b/{s3_object['key']}#{identity}"
        assert set(event["detail"]["object"]) == {"key", "version-id" if identity == "v1" else "etag"}


def test_redrive_names_are_valid_deterministic_and_unique_per_claim() -> None:
    """F1/F11: a retried start is the same execution, a later cycle a new one; fails before: no re-drive."""
    item = _file("FAILED", age=timedelta(0))
    name = redrive_name(item, 1)
    assert name == redrive_name(item, 1) != redrive_name(item, 2)
    assert name != redrive_name(_file("FAILED", age=timedelta(0), execution_arn=EXPRESS_ARN + "x"), 1)
    assert len(name) <= 80 and all(c.isalnum() or c in "-_" for c in name)


def test_file_id_of_refuses_what_names_no_file() -> None:
    """F1/F11: a status-change input that names no file is ignored; fails before: no watchdog."""
    for text in (
        "",
        "not json",
        "[]",
        '{"detail": {}}',
        '{"detail": {"bucket": {"name": "b"}, "object": {"key": "k"}}}',
    ):
        assert file_id_of(text) is None, text


def test_timestamps_round_trip_and_sort_as_text() -> None:
    """The index's range key is text: the watchdog's cutoffs must order like Step Functions' times."""
    rng = random.Random(20)
    moments = [NOW + timedelta(microseconds=rng.randrange(-(10**12), 10**12)) for _ in range(500)]
    texts = [format_time(m) for m in moments]
    assert sorted(texts) == [format_time(m) for m in sorted(moments)]
    for moment, text in zip(moments, texts, strict=True):
        assert parse_time(text) == moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    assert parse_time("2026-12-06T06:00:00.123Z") == parse_time("2026-12-06T06:00:00.123+00:00")
    assert parse_time("garbage") is None and parse_time(None) is None
