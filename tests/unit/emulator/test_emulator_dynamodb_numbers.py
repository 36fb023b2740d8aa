"""DynamoDB refuses the Numbers AWS refuses (emulator/patches/dynamodb_numbers.py).

AWS: at most 38 significant digits, magnitude 1E-130 .. 9.9999999999999999999999999999999999999E+125
(or zero), anywhere in the item. moto 5.2.5 compares as a float (1E+126 passes), never counts
digits and never looks inside lists: the refusing cases fail without the patch.
"""

from __future__ import annotations

import uuid
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


def _put(stack: DeployedStack, attribute: dict[str, Any]) -> None:
    stack.clients.dynamodb.put_item(
        TableName=stack.output("TableName"),
        Item={"order_id": {"S": f"n-{uuid.uuid4().hex[:8]}"}, "value": attribute},
    )


@pytest.mark.parametrize("number", ACCEPTED)
def test_numbers_in_range_are_stored(fixture_stack: DeployedStack, number: str) -> None:
    _put(fixture_stack, {"N": number})


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
