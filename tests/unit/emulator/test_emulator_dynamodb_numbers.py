"""DynamoDB refuses the Numbers AWS refuses (emulator/patches/dynamodb_numbers.py).

AWS: at most 38 significant digits, magnitude 1E-130 .. 9.9999999999999999999999999999999999999E+125
(or zero), anywhere in the item. moto 5.2.5 compares as a float (1E+126 passes), never counts
digits and never looks inside lists: the refusing cases fail without the patch.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import DeployedStack

LARGEST = "9.9999999999999999999999999999999999999E+125"
ACCEPTED = [LARGEST, "-" + LARGEST, "1E-130", "-1E-130", "0", "0.000", "1" * 38, "1" * 38 + "000"]
REFUSED = {
    "1E+126": "overflow",
    "-1E+126": "overflow",
    "9.99E+126": "overflow",
    "9.9E-131": "underflow",
    "1E-131": "underflow",
    "1" * 39: "38 significant digits",
    "1.000000000000000000000000000000000000001": "38 significant digits",
}


def _put(stack: DeployedStack, attribute: dict[str, Any]) -> str:
    """Puts an item holding `attribute` under a fresh key, and returns the key."""
    key = f"n-{uuid.uuid4().hex[:8]}"
    stack.clients.dynamodb.put_item(
        TableName=stack.output("TableName"), Item={"order_id": {"S": key}, "value": attribute}
    )
    return key


@pytest.mark.parametrize("number", ACCEPTED)
def test_numbers_in_range_are_stored(fixture_stack: DeployedStack, number: str) -> None:
    # GIVEN a number AWS accepts, WHEN it is put (top level and inside a list)
    key = _put(fixture_stack, {"N": number})
    nested = _put(fixture_stack, {"L": [{"N": number}]})
    # THEN the item reads back with that number's value (AWS returns its own canonical text: compared as
    # a decimal), so a patch that accepted the put but dropped or rounded the value would fail here
    table = fixture_stack.output("TableName")
    read = fixture_stack.clients.dynamodb.get_item(
        TableName=table, Key={"order_id": {"S": key}}, ConsistentRead=True
    )
    assert Decimal(read["Item"]["value"]["N"]) == Decimal(number)
    read = fixture_stack.clients.dynamodb.get_item(
        TableName=table, Key={"order_id": {"S": nested}}, ConsistentRead=True
    )
    assert Decimal(read["Item"]["value"]["L"][0]["N"]) == Decimal(number)


@pytest.mark.parametrize(("number", "reason"), REFUSED.items(), ids=list(REFUSED))
@pytest.mark.parametrize(
    "where",
    [
        lambda n: {"N": n},
        lambda n: {"M": {"inner": {"N": n}}},
        lambda n: {"L": [{"S": "x"}, {"N": n}]},
        lambda n: {"NS": ["1", n]},
    ],
    ids=["top", "map", "list", "set"],
)
def test_numbers_aws_refuses_are_refused_wherever_they_are(
    fixture_stack: DeployedStack, number: str, reason: str, where: Any
) -> None:
    with pytest.raises(ClientError) as refused:
        _put(fixture_stack, where(number))
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert reason in refused.value.response["Error"]["Message"]
