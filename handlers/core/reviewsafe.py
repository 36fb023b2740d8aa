"""What a review message may carry inline: a record whose strings SQS accepts and whose numbers every
JSON reader holds, and the source with an SQS-unsafe key escaped."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from handlers.core.dynamojson import storable
from handlers.seams.model import Source
from handlers.values.sqssafe import KEY_ENCODING, is_sqs_safe


def raw_is_sqs_safe(raw: str, value: Any) -> bool:
    """Whether every string in a parsed record (names and values) is SQS-safe, from its raw JSON text.

    The raw text was decoded as strict UTF-8 (so it holds no surrogate) and parsed as strict JSON (so
    no control character sits inside a string, and outside strings there is only ASCII punctuation and
    JSON whitespace). Without an escape, the only refused characters it can hold are therefore U+FFFE
    and U+FFFF. A record with any backslash is walked: `\\u` escapes, and `\\b` / `\\f`, which are
    refused control characters too. (The hot path: a few substring scans.)
    """
    if "\\" in raw:
        return inline_safe(value)
    return raw.isascii() or ("\uffff" not in raw and "\ufffe" not in raw)


def inline_safe(value: Any) -> bool:
    """Whether a parsed record may travel inline in a review: SQS-safe strings, and only numbers that
    every JSON reader downstream (Step Functions, SQS consumers) holds (DynamoDB's range)."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            if not is_sqs_safe(item):
                return False
        elif kind is dict:
            for name, member in item.items():
                if not is_sqs_safe(name):
                    return False
                stack.append(member)
        elif kind is list:
            stack.extend(item)
        elif kind is int or kind is Decimal:
            if not storable(item):
                return False
        elif item is not None and kind is not bool:
            return False  # a HugeNumber (or anything else no JSON encoder writes exactly)
    return True


def review_source(source: Source) -> dict[str, Any]:
    """The source as a review message carries it: an SQS-unsafe key is replaced by its ASCII
    JSON-escaped text (`json.dumps(key)[1:-1]`) and `"key_encoding": "json-escaped"` is added."""
    if is_sqs_safe(source["key"]):
        return dict(source)
    return {**source, "key": json.dumps(source["key"])[1:-1], "key_encoding": KEY_ENCODING}
