"""DynamoDB's item-size rule and its refusal of lone surrogates (emulator/patches/dynamodb_item_size.py).

Failure classes (the emulator's DynamoDB fidelity): moto's own 405,000-byte sizing FAILED a valid 406 KB item
that AWS
stores, stored an item of many list elements that AWS refuses (it counts no per-element bytes), and
answered a lone surrogate with HTTP 500, which the pipeline retries as transient where AWS refuses
it permanently. Each refusing/accepting case below fails without the patch (checked by removing
it from PATCHES: 406 KB refused, 420 KB of list stored, 500 for every surrogate).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import DeployedStack
from emulator.patches.dynamodb_item_size import MAX_ITEM_BYTES, item_size, number_size

# "order_id" (8) + an 8-character id + "v" (1): what each item spends besides its value.
OVERHEAD = 8 + 8 + 1


def _put(stack: DeployedStack, value: dict[str, Any]) -> None:
    stack.clients.dynamodb.put_item(
        TableName=stack.output("TableName"),
        Item={"order_id": {"S": uuid.uuid4().hex[:8]}, "v": value},
    )


def _refused(stack: DeployedStack, value: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(ClientError) as refused:
        _put(stack, value)
    response: dict[str, Any] = refused.value.response
    return response


def test_an_item_of_exactly_400_kb_is_stored_and_one_byte_more_is_refused(
    fixture_stack: DeployedStack,
) -> None:
    """406 KB (over moto's 405,000) is stored, as on AWS; 409,601 bytes is refused."""
    _put(fixture_stack, {"S": "x" * (MAX_ITEM_BYTES - OVERHEAD)})
    response = _refused(fixture_stack, {"S": "x" * (MAX_ITEM_BYTES - OVERHEAD + 1)})
    assert response["Error"]["Code"] == "ValidationException"
    assert "Item size has exceeded" in response["Error"]["Message"]


def test_list_elements_cost_a_byte_each(fixture_stack: DeployedStack) -> None:
    """210,000 one-character strings in a list: 210,000 bytes of text, 420,003 bytes on AWS."""
    elements = [{"S": "x"}] * 210_000
    assert item_size({"v": {"L": elements}}) == 1 + 3 + 2 * 210_000
    assert _refused(fixture_stack, {"L": elements})["Error"]["Code"] == "ValidationException"


def test_multibyte_text_counts_its_utf8_bytes(fixture_stack: DeployedStack) -> None:
    """A 4-byte character counts 4 (moto and AWS agree; pinned so a rewrite cannot count characters)."""
    _put(fixture_stack, {"S": "\U0001f600" * ((MAX_ITEM_BYTES - OVERHEAD) // 4)})
    _refused(fixture_stack, {"S": "\U0001f600" * ((MAX_ITEM_BYTES - OVERHEAD) // 4 + 1)})


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("0", 1),
        ("1", 2),
        ("12", 2),
        ("123", 3),
        ("1200", 2),
        ("0.5", 2),
        ("-1", 3),
        ("1.5", 3),
        ("1E+125", 2),
    ],
)
def test_number_size(text: str, size: int) -> None:
    assert number_size(text) == size


@pytest.mark.parametrize(
    "value",
    [
        {"S": "a\udc80b"},
        {"L": [{"S": "ok"}, {"S": "\ud800"}]},
        {"M": {"name\udfff": {"S": "x"}}},
        {"SS": ["fine", "\ud83d"]},
    ],
    ids=["string", "in-list", "map-name", "set"],
)
def test_a_lone_surrogate_is_a_permanent_validation_error(
    fixture_stack: DeployedStack, value: dict[str, Any]
) -> None:
    """Not HTTP 500 (transient, retried): HTTP 400 ValidationException."""
    response = _refused(fixture_stack, value)
    assert response["Error"]["Code"] == "ValidationException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_a_surrogate_pair_is_a_character_and_is_stored(fixture_stack: DeployedStack) -> None:
    _put(fixture_stack, {"S": "\U0001f600 \U00010000"})


def test_trailing_zeros_are_not_significant_digits(fixture_stack: DeployedStack) -> None:
    """AWS stores 1234567895171680000000000000000000000000 (16 significant digits, 40 characters):
    boto/boto3#4717, aws-powertools/powertools-lambda-python#4845. The emulator's number rule
    (patches/dynamodb_numbers.py) trims trailing zeros as AWS does; 39 significant digits are refused."""
    _put(fixture_stack, {"N": "1234567895171680000000000000000000000000"})
    assert _refused(fixture_stack, {"N": "1" * 39})["Error"]["Code"] == "ValidationException"
