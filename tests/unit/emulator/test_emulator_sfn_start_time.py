"""`$$.Execution.StartTime` is the ISO 8601 string AWS gives (emulator/patches/sfn_start_time.py).

Without the patch moto 5.2.5 holds a datetime there: a Pass state renders it with Python's
isoformat (`...+00:00`, microseconds) and a service integration cannot serialise it at all.
"""

from __future__ import annotations

import re

from .machines import Machines

STAMP = {
    "StartAt": "Stamp",
    "States": {"Stamp": {"Type": "Pass", "Parameters": {"started.$": "$$.Execution.StartTime"}, "End": True}},
}


def test_start_time_is_the_aws_iso_string(machines: Machines) -> None:
    started = machines.output(STAMP, {})["started"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", started), started
