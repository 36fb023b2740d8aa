"""Rebuild the item of a claim-checked record from its raw text (the store-large Lambda's pure part)."""

from __future__ import annotations

import json

from handlers.core.classify import Valid
from handlers.core.replay import classify_line
from handlers.core.textbuffer import DECODER
from handlers.seams.errors import ClaimMismatch
from handlers.seams.model import Source


def item_from_claim(body: bytes, *, source: Source, index: int, expected_hash: str) -> Valid:
    """The same Valid the validator built for this record; ClaimMismatch if the body no longer matches."""
    try:
        record = DECODER.decode(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError, RecursionError) as exc:
        raise ClaimMismatch("the claim-check body is not one JSON value") from exc
    _, result = classify_line(record, source=source, index=index)
    if not isinstance(result, Valid):
        raise ClaimMismatch(f"the claim-check body is no longer a valid record ({result.reason})")
    if result.hash != expected_hash:
        raise ClaimMismatch("the claim-check body does not match the hash in its manifest entry")
    return result
