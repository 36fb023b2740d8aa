"""Gap (moto 5.2.5): SQS accepts any character in a message; AWS refuses those outside its set.

AWS allows only #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF in a message body and in
message attribute values, and refuses anything else with `InvalidMessageContents` (HTTP 400); in
SendMessageBatch that entry alone fails (`Failed`, SenderFault), the others are sent. moto 5.2.5
stores U+0001, U+FFFE, U+FFFF as given, and a lone surrogate is stored too, after which every
ReceiveMessage on the queue fails with HTTP 500 (moto cannot UTF-8 encode it).

Patched at the backend, which every path goes through (the SQS API, and Step Functions'
sqs:sendMessage, whose client calls this server): `SQSBackend.send_message` refuses before storing
anything; `SQSBackend.send_message_batch` reports the refused entries as failed and hands the rest
to moto (whose batch-level checks then see only those).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from moto.sqs.exceptions import SQSException
from moto.sqs.models import SQSBackend

PROVEN_BY = "tests/unit/emulator/test_emulator_sqs_characters.py"

_REFUSED = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ALLOWED = "#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"


class InvalidMessageContents(SQSException):
    """AWS's error for a character outside SQS's set (HTTP 400, the shape in botocore's model)."""

    CODE = "InvalidMessageContents"

    def __init__(self, message: str) -> None:
        super().__init__(self.CODE, message)


def install() -> None:
    SQSBackend.send_message = _send_message(SQSBackend.send_message)  # type: ignore[method-assign]
    SQSBackend.send_message_batch = _send_message_batch(SQSBackend.send_message_batch)  # type: ignore[method-assign]


def refusal(body: Any, attributes: Any) -> str | None:
    """AWS's message for the first character SQS refuses in the body or an attribute value, or None."""
    found = _REFUSED.search(body) if isinstance(body, str) else None
    if found:
        return _message(found[0], "the message body")
    for name, attribute in (attributes or {}).items():
        value = attribute.get("StringValue") if isinstance(attribute, dict) else None
        found = _REFUSED.search(value) if isinstance(value, str) else None
        if found:
            return _message(found[0], f"the value of message attribute '{name}'")
    return None


def _message(character: str, where: str) -> str:
    return (
        f"Invalid binary character '#x{ord(character):X}' was found in {where}, "
        f"the set of allowed characters is {_ALLOWED}"
    )


def _send_message(original: Any) -> Any:
    @functools.wraps(original)
    def send_message(self: SQSBackend, queue_name: str, message_body: str, *args: Any, **kwargs: Any) -> Any:
        attributes = kwargs.get("message_attributes", args[0] if args else None)
        refused = refusal(message_body, attributes)
        if refused:
            raise InvalidMessageContents(refused)
        return original(self, queue_name, message_body, *args, **kwargs)

    return send_message


def _send_message_batch(original: Any) -> Any:
    @functools.wraps(original)
    def send_message_batch(
        self: SQSBackend, queue_name: str, entries: dict[str, dict[str, Any]]
    ) -> tuple[list[Any], list[dict[str, Any]]]:
        refused = {
            key: reason
            for key, entry in entries.items()
            if (reason := refusal(entry.get("MessageBody"), entry.get("MessageAttributes")))
        }
        if not refused:
            return original(self, queue_name, entries)  # type: ignore[no-any-return]
        code = InvalidMessageContents.CODE
        failed = [
            {"Id": entries[key]["Id"], "SenderFault": True, "Code": code, "Message": why}
            for key, why in refused.items()
        ]
        rest = {key: entry for key, entry in entries.items() if key not in refused}
        sent, failed_by_moto = original(self, queue_name, rest) if rest else ([], [])
        return sent, [*failed, *failed_by_moto]

    return send_message_batch
