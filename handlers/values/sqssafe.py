"""Which text SQS accepts in a message body (a review carrying a record: handlers/core/reviewsafe.py)."""

from __future__ import annotations

import re

# SQS's allowed characters: #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF. Python strings can
# hold lone surrogates (from `\ud800` escapes): they fall outside every allowed range.
_UNSAFE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
KEY_ENCODING = "json-escaped"


def is_sqs_safe(text: str) -> bool:
    """Whether every character of `text` may appear in an SQS message body."""
    return _UNSAFE.search(text) is None


def safe_or_none(text: str | None) -> str | None:
    """`text` when it is SQS-safe, else None (an order id a review cannot carry)."""
    return text if text is None or _UNSAFE.search(text) is None else None
