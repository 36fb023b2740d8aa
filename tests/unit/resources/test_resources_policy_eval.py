"""The policy evaluator behind the permissions proof, and the code scan that finds handlers' AWS calls.

Failure classes: moto's engine taken as is would call every conditioned Deny (TLS-only, working
prefix) a denial of everything and every failed-condition Allow a Deny; an action spelled in another
case would not match; a boto3 call hidden behind a helper or in an imported module would be missed.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest

from resources.handler_calls import aws_calls
from resources.policy_eval import Request, UnsupportedPolicy, conditions_hold, evaluate, statement_effect

ROLE = "arn:aws:iam::111122223333:role/validator"
OTHER = "arn:aws:iam::111122223333:role/uploader"
OBJECT = "arn:aws:s3:::bucket/_pipeline/work/x"
ALLOW_PUT = {
    "Statement": [{"Effect": "Allow", "Action": ["s3:putobject"], "Resource": ["arn:aws:s3:::bucket/*"]}]
}
DENY_OTHERS = {
    "Statement": [
        {
            "Sid": "DenyTls",
            "Effect": "Deny",
            "Principal": "*",
            "Action": ["s3:*"],
            "Resource": ["arn:aws:s3:::bucket/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
        {
            "Sid": "DenyWorking",
            "Effect": "Deny",
            "Principal": "*",
            "Action": ["s3:PutObject"],
            "Resource": ["arn:aws:s3:::bucket/_pipeline/*"],
            "Condition": {"ArnNotEquals": {"aws:PrincipalArn": [ROLE]}},
        },
    ]
}


def _request(principal: str, *, tls: str = "true", action: str = "s3:PutObject") -> Request:
    return Request(
        action,
        OBJECT,
        principal_arn=principal,
        context={"aws:SecureTransport": tls, "aws:PrincipalArn": principal},
    )


def _decide(request: Request, identity: dict[str, Any] = ALLOW_PUT) -> tuple[bool, tuple[str, ...]]:
    decision = evaluate(request, identity=[("id", identity)], resource=[("bucket", DENY_OTHERS)])
    return decision.allowed, decision.denied_by


def test_a_conditioned_deny_applies_only_when_its_condition_holds() -> None:
    assert _decide(_request(ROLE)) == (True, ())
    assert _decide(_request(ROLE, tls="false")) == (False, ("bucket/DenyTls",))
    assert _decide(_request(OTHER)) == (False, ("bucket/DenyWorking",))


def test_actions_match_case_insensitively_and_an_identity_allow_is_required() -> None:
    assert _decide(_request(ROLE, action="S3:PUTOBJECT"))[0] is True
    assert _decide(_request(ROLE, action="s3:GetObject"))[0] is False
    assert _decide(_request(ROLE), identity={"Statement": []})[0] is False


@pytest.mark.parametrize(
    ("condition", "context", "holds"),
    [
        ({"StringEquals": {"aws:SourceAccount": "1"}}, {"aws:SourceAccount": "1"}, True),
        ({"StringEquals": {"aws:SourceAccount": "1"}}, {"aws:SourceAccount": "2"}, False),
        ({"StringEquals": {"aws:SourceAccount": "1"}}, {}, False),  # absent key: positive operator fails
        ({"ArnNotEquals": {"aws:PrincipalArn": [ROLE]}}, {}, True),  # absent key: negated operator holds
        (
            {"ArnLike": {"aws:SourceArn": "arn:aws:events:*:1:rule/*"}},
            {"aws:SourceArn": "arn:aws:events:r:1:rule/x"},
            True,
        ),
        ({"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": "true"}, False),
        ({"Null": {"aws:SourceArn": "true"}}, {}, True),
        ({"Null": {"aws:SourceArn": "true"}}, {"aws:SourceArn": "x"}, False),
    ],
)
def test_condition_operators(condition: dict[str, Any], context: dict[str, str], holds: bool) -> None:
    assert conditions_hold(condition, context) is holds


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Allow", "Action": "s3:*", "NotResource": "x"},
        {"Effect": "Allow", "Action": "s3:Get?bject", "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": "1"}},
        },
    ],
)
def test_what_it_cannot_decide_is_refused_not_guessed(statement: dict[str, Any]) -> None:
    with pytest.raises(UnsupportedPolicy):
        evaluate(_request(ROLE), identity=[("id", {"Statement": [statement]})])


def test_calls_are_found_through_helpers_and_imports_from_the_handler_module(tmp_path: Path) -> None:
    # GIVEN a handler that makes its client in a helper and calls AWS in an imported module
    (tmp_path / "entry.py").write_text(
        "from handlers.io import send\n"
        "def _client(name):\n    import boto3\n    return boto3.client(name)\n"
        "def handler(event, context):\n    sqs = _client('sqs')\n    send(sqs)\n    event.read()\n",
        encoding="utf-8",
    )
    (tmp_path / "io.py").write_text(
        "def send(queue):\n    queue.send_message(QueueUrl='u', MessageBody='b')\n", encoding="utf-8"
    )
    # WHEN scanned / THEN the one SQS call is found where it is (`read` is no SQS operation)
    calls = aws_calls("entry.handler", tmp_path)
    assert [(c.service, c.operation, c.where) for c in calls] == [
        ("sqs", "SendMessage", f"{tmp_path.name}/io.py:2")
    ]


def test_what_the_code_shows_about_a_call_comes_from_code_not_from_its_docstrings(tmp_path: Path) -> None:
    # GIVEN two handlers reading S3: one passes a VersionId and tells NoSuchKey apart, one only says so
    (tmp_path / "coded.py").write_text(
        "import boto3\n"
        "def handler(event, context):\n"
        "    s3 = boto3.client('s3')\n"
        "    try:\n        return s3.get_object(Bucket='b', Key='k', VersionId=event['v'])\n"
        "    except Exception as exc:\n        return 'NoSuchKey' in str(exc)\n",
        encoding="utf-8",
    )
    (tmp_path / "talked.py").write_text(
        '"""Reads by VersionId; a NoSuchKey is an error."""\n'
        "import boto3\n"
        "def handler(event, context):\n"
        '    """Passes no VersionId."""\n'
        "    return boto3.client('s3').get_object(Bucket='b', Key='k')\n",
        encoding="utf-8",
    )
    # THEN only the first needs s3:GetObjectVersion and s3:ListBucket
    [coded] = aws_calls("coded.handler", tmp_path)
    [talked] = aws_calls("talked.handler", tmp_path)
    assert (coded.by_version, coded.tells_not_found) == (True, True)
    assert (talked.by_version, talked.tells_not_found) == (False, False)


ALPHABET = "ab.:/+-*$("


def _reference_match(pattern: str, value: str) -> bool:
    """IAM's wildcard match, independently: `*` is any run of characters, everything else literal."""
    return re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), value, re.S) is not None


def test_resource_patterns_match_like_iam_on_seeded_random_patterns() -> None:
    """Differential (seeded, bounded): the evaluator against an independent wildcard matcher on random
    patterns and values over characters that are special in regular expressions. Fails before the
    patterns were escaped: moto matched `a.b` against `axb` and `a+` against `aa`."""
    generator = random.Random(21)
    for _ in range(3000):
        pattern = "".join(generator.choice(ALPHABET) for _ in range(generator.randint(0, 6)))
        value = "".join(generator.choice(ALPHABET.replace("*", "")) for _ in range(generator.randint(0, 6)))
        if generator.random() < 0.3:
            value = pattern.replace("*", "x")  # a near or exact hit
        statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": pattern}
        request = Request("s3:GetObject", value)
        assert (statement_effect(statement, request) == "Allow") is _reference_match(pattern, value), (
            pattern,
            value,
        )
