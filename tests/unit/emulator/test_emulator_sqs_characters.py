"""SQS refuses characters outside its set on every path, as AWS does (InvalidMessageContents, HTTP 400).

Gaps (moto 5.2.5): SQS stores any character (a lone surrogate even breaks ReceiveMessage for the
whole queue: emulator/patches/sqs_message_characters.py), and Step Functions writes JSON text with
ASCII escapes so such a character never reaches SQS (emulator/patches/sfn_json_text.py). The
refusing tests fail without those patches.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import DeployedStack

from .machines import Machines

# SQS's documented set: #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF; each edge, both sides.
ALLOWED = ["\t", "\n", "\r", " ", "\ud7ff", "\ue000", "\ufffd", "\U00010000", "\U0010ffff", "é"]
REFUSED = ["\x00", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\ud800", "\udfff", "\ufffe", "\uffff"]


@pytest.fixture
def queue(fixture_stack: DeployedStack) -> str:
    url: str = fixture_stack.clients.sqs.create_queue(QueueName=f"chars-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    return url


def _received(stack: DeployedStack, queue: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    while messages := stack.clients.sqs.receive_message(
        QueueUrl=queue, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    ).get("Messages"):
        found += messages
    return found


@pytest.mark.parametrize("character", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_send_message_refuses_a_character_outside_the_set(
    fixture_stack: DeployedStack, queue: str, character: str
) -> None:
    with pytest.raises(ClientError) as refused:
        fixture_stack.clients.sqs.send_message(QueueUrl=queue, MessageBody=f"order {character} 1")
    assert refused.value.response["Error"]["Code"] == "InvalidMessageContents"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert f"#x{ord(character):X}" in refused.value.response["Error"]["Message"]
    assert _received(fixture_stack, queue) == []  # nothing stored, and the queue still answers


def test_send_message_keeps_every_allowed_character(fixture_stack: DeployedStack, queue: str) -> None:
    body = "|".join(ALLOWED)
    fixture_stack.clients.sqs.send_message(QueueUrl=queue, MessageBody=body)
    assert [m["Body"] for m in _received(fixture_stack, queue)] == [body]


def test_a_string_attribute_value_is_checked_too(fixture_stack: DeployedStack, queue: str) -> None:
    with pytest.raises(ClientError) as refused:
        fixture_stack.clients.sqs.send_message(
            QueueUrl=queue,
            MessageBody="fine",
            MessageAttributes={"reason": {"DataType": "String", "StringValue": "bad\uffff"}},
        )
    assert refused.value.response["Error"]["Code"] == "InvalidMessageContents"


def test_a_batch_fails_only_the_refused_entry(fixture_stack: DeployedStack, queue: str) -> None:
    response = fixture_stack.clients.sqs.send_message_batch(
        QueueUrl=queue,
        Entries=[
            {"Id": "good", "MessageBody": "fine é"},
            {"Id": "bad", "MessageBody": "not \ufffe fine"},
        ],
    )
    assert [entry["Id"] for entry in response["Successful"]] == ["good"]
    [failed] = response["Failed"]
    assert (failed["Id"], failed["Code"], failed["SenderFault"]) == ("bad", "InvalidMessageContents", True)
    assert [m["Body"] for m in _received(fixture_stack, queue)] == ["fine é"]


def _send(queue: str, body: dict[str, Any]) -> dict[str, Any]:
    """A machine that sends `$.review` (through the given MessageBody form) and reports a caught error."""
    return {
        "StartAt": "Send",
        "States": {
            "Send": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": {"QueueUrl": queue, **body},
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught", "ResultPath": "$.error"}],
                "ResultPath": None,
                "End": True,
            },
            "Caught": {"Type": "Pass", "Parameters": {"error.$": "$.error.Error"}, "End": True},
        },
    }


BODY_FORMS: dict[str, dict[str, Any]] = {
    "JsonToString": {"MessageBody.$": "States.JsonToString($.review)"},
    "object": {"MessageBody": {"review.$": "$.review"}},
}


@pytest.mark.parametrize("form", BODY_FORMS)
@pytest.mark.parametrize("character", ["\uffff", "\ud800"], ids=["U+FFFF", "lone-surrogate"])
def test_step_functions_send_message_fails_on_a_refused_character(
    fixture_stack: DeployedStack, machines: Machines, queue: str, form: str, character: str
) -> None:
    output = machines.output(_send(queue, BODY_FORMS[form]), {"review": {"order_id": f"A{character}1"}})
    assert "error" in output  # the task failed (and was caught): SQS refused the message
    assert _received(fixture_stack, queue) == []


@pytest.mark.parametrize("form", BODY_FORMS)
def test_step_functions_json_text_keeps_the_characters(
    fixture_stack: DeployedStack, machines: Machines, queue: str, form: str
) -> None:
    # A control character is escaped as JSON requires; other characters are written as themselves.
    review = {"order_id": "é\U0001f600\x01"}
    output = machines.output(_send(queue, BODY_FORMS[form]), {"review": review})
    assert "error" not in output
    [message] = _received(fixture_stack, queue)
    assert "é\U0001f600\\u0001" in message["Body"]
    assert json.loads(message["Body"]) in (review, {"review": review})
