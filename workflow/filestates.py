"""The file states both lanes share: from the S3 event to the claimed file, and the file's ends.

CheckObject -> Describe(Un)versionedFile -> IdentifyFile -> the lane's ClaimFile; MarkFileDone,
SendFileRejection (with its minimal-review fallback) -> MarkFileRejected, MarkFileConflicted and
MarkFileFailed -> PipelineFailed. The large lane (workflow/largelane.py) and the small lane
(workflow/express.py) build their own graphs between the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stepfunctions.steps.choice_rule import ChoiceRule

from handlers.seams.settings import WORKING_PREFIX
from workflow import names
from workflow.breaker import ERROR_NAME, ERROR_TOO_MANY_CONFLICTS, TOO_MANY_CONFLICTS_CAUSE
from workflow.ledgerwrites import (
    LEDGER_ATTEMPTS,
    STATUS_DONE,
    STATUS_FAILED,
    accepted_counts,
    ledger_update,
    rejected_file,
)
from workflow.reviewstates import ERROR_PATH, describe_minimal_file_review, send_review
from workflow.sdk import Catch, Choice, Fail, Pass, Succeed, Task

_OBJECT = "$.detail.object"
# A member name with punctuation other than `_` needs bracket notation in a Step Functions path
# (the paths documentation); dot notation would rely on a lenient parser.
_VERSION_ID = f"{_OBJECT}['version-id']"
MINIMAL_FILE_REVIEW = "$.minimal_review"


def file_entry(claim: Task) -> Choice:
    """CheckObject -> Describe(Un)versionedFile -> IdentifyFile -> `claim`: shared by both lanes."""
    identify_file = _identify_file()
    identify_file.next(claim)
    describe_versioned = _describe_file(names.DESCRIBE_VERSIONED_FILE, versioned=True)
    describe_versioned.next(identify_file)
    describe_unversioned = _describe_file(names.DESCRIBE_UNVERSIONED_FILE, versioned=False)
    describe_unversioned.next(identify_file)

    ignore_own = Succeed(names.IGNORE_PIPELINE_OBJECT, comment="The pipeline's own working object")
    not_recognized = Fail(
        names.EVENT_NOT_RECOGNIZED,
        error="EventNotRecognized",
        cause="The input is not an S3 Object Created event with a version id or an etag",
    )
    check_object = Choice(names.CHECK_OBJECT)
    check_object.add_choice(
        ChoiceRule.And(
            [
                ChoiceRule.IsPresent(f"{_OBJECT}.key", True),
                ChoiceRule.StringMatches(f"{_OBJECT}.key", WORKING_PREFIX + "*"),
            ]
        ),
        ignore_own,
    )
    check_object.add_choice(ChoiceRule.IsPresent(_VERSION_ID, True), describe_versioned)
    check_object.add_choice(ChoiceRule.IsPresent(f"{_OBJECT}.etag", True), describe_unversioned)
    check_object.default_choice(not_recognized)
    return check_object


def _describe_file(state_id: str, *, versioned: bool) -> Pass:
    """Pick the object's identity from the S3 event: its version id, or its etag when unversioned.

    Plain paths only: the hyphenated key (`version-id`) is not used inside an intrinsic function.
    """
    identity = _VERSION_ID if versioned else f"{_OBJECT}.etag"
    source: dict[str, Any] = {
        "bucket.$": "$.detail.bucket.name",
        "key.$": f"{_OBJECT}.key",
        "identity.$": identity,
    }
    if versioned:
        source["version_id.$"] = identity
        source["etag"] = None
    else:
        source["version_id"] = None
        source["etag.$"] = identity
    return Pass(state_id, parameters={"object": source})


def _identify_file() -> Pass:
    """Reduce the state to `{"file": {bucket, key, version_id, etag, file_id}}` (the ledger key)."""
    return Pass(
        names.IDENTIFY_FILE,
        parameters={
            "file": {
                "bucket.$": "$.object.bucket",
                "key.$": "$.object.key",
                "version_id.$": "$.object.version_id",
                "etag.$": "$.object.etag",
                "file_id.$": "States.Format('{}/{}#{}', $.object.bucket, $.object.key, $.object.identity)",
            }
        },
    )


@dataclass(frozen=True)
class FileEnds:
    """The states every lane ends a file with: marked DONE (accepted or rejected) or FAILED."""

    catch_all_to_fail: Catch
    catch_all_to_mark_failed: Catch
    mark_failed: Task
    mark_done: Task
    send_file_rejection: Task
    # The conflict breaker tripped: FAILED with the counts, out of the watchdog's index -> TooManyConflicts.
    mark_conflicted: Task


def file_ends(
    *,
    ledger_attempts: int = LEDGER_ATTEMPTS,
    counted_inline: bool = False,
    review_attempts: int = LEDGER_ATTEMPTS,
) -> FileEnds:
    """MarkFileDone, MarkFileRejected (after SendFileRejection, with its minimal-review fallback),
    MarkFileFailed -> PipelineFailed: one definition for both lanes. `ledger_attempts`: retries of
    the ledger writes (the small lane keeps them short: an EXPRESS execution has 5 minutes);
    `counted_inline`: MarkFileDone also writes the outcome counts at OUTCOMES (small lane);
    `review_attempts`: retries of the file review sends (the small lane's budget too)."""
    pipeline_failed = Fail(
        names.PIPELINE_FAILED,
        error="PipelineFailed",
        cause="A step failed permanently after its retries; the file ledger marks the file FAILED "
        "and a new delivery of the same event processes it again",
    )
    catch_all_to_fail = Catch(error_equals=["States.ALL"], next_step=pipeline_failed, result_path="$.error")

    # Never over a conflict breaker's mark (a child's TripConflictBreaker): that file stays out of the
    # watchdog's index, FAILED with TooManyConflicts; the execution still fails (PipelineFailed).
    mark_failed = ledger_update(
        names.MARK_FILE_FAILED,
        status=STATUS_FAILED,
        error_path="$.error.Error",
        max_attempts=ledger_attempts,
        unless_error=ERROR_TOO_MANY_CONFLICTS,
    )
    mark_failed.add_catch(catch_all_to_fail)
    mark_failed.next(pipeline_failed)
    catch_all_to_mark_failed = Catch(
        error_equals=["States.ALL"], next_step=mark_failed, result_path="$.error"
    )

    too_many_conflicts = Fail(
        names.TOO_MANY_CONFLICTS, error=ERROR_TOO_MANY_CONFLICTS, cause=TOO_MANY_CONFLICTS_CAUSE
    )
    mark_conflicted = ledger_update(
        names.MARK_FILE_CONFLICTED,
        status=STATUS_FAILED,
        attributes={
            **accepted_counts(counted_inline=counted_inline),
            ERROR_NAME: {"S": ERROR_TOO_MANY_CONFLICTS},
        },
        max_attempts=ledger_attempts,
        watched=False,
    )
    mark_conflicted.add_catch(catch_all_to_fail)
    mark_conflicted.next(too_many_conflicts)

    file_processed = Succeed(names.FILE_PROCESSED)
    mark_done = ledger_update(
        names.MARK_FILE_DONE,
        status=STATUS_DONE,
        attributes=accepted_counts(counted_inline=counted_inline),
        max_attempts=ledger_attempts,
    )
    mark_done.add_catch(catch_all_to_fail)
    mark_done.next(file_processed)
    mark_rejected = ledger_update(
        names.MARK_FILE_REJECTED,
        status=STATUS_DONE,
        attributes=rejected_file(),
        max_attempts=ledger_attempts,
    )
    mark_rejected.add_catch(catch_all_to_fail)
    mark_rejected.next(file_processed)

    # A file review that cannot be sent after its retries becomes a minimal review; if that cannot
    # be sent either, the file is marked FAILED, as before.
    send_minimal_file_review = send_review(
        names.SEND_MINIMAL_FILE_REVIEW,
        review_path=MINIMAL_FILE_REVIEW,
        output_path=None,
        max_attempts=review_attempts,
    )
    send_minimal_file_review.add_catch(catch_all_to_mark_failed)
    send_minimal_file_review.next(mark_rejected)
    describe_minimal_file = describe_minimal_file_review(
        review_path="$.validation.review", result_path=MINIMAL_FILE_REVIEW
    )
    describe_minimal_file.next(send_minimal_file_review)

    send_file_rejection = send_review(
        names.SEND_FILE_REJECTION,
        review_path="$.validation.review",
        output_path=None,
        max_attempts=review_attempts,
    )
    send_file_rejection.add_catch(
        Catch(error_equals=["States.ALL"], next_step=describe_minimal_file, result_path=ERROR_PATH)
    )
    send_file_rejection.next(mark_rejected)
    return FileEnds(
        catch_all_to_fail=catch_all_to_fail,
        catch_all_to_mark_failed=catch_all_to_mark_failed,
        mark_failed=mark_failed,
        mark_done=mark_done,
        send_file_rejection=send_file_rejection,
        mark_conflicted=mark_conflicted,
    )
