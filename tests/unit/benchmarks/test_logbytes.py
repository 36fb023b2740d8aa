"""Log bytes as the Lambda runtime would ingest them, from the emulator's captured output."""

from __future__ import annotations

import json

from benchmarks.logbytes import AWS_PREFIX_BYTES, JSON, TEXT, aws_log_bytes, system_log_bytes


def test_logging_lines_get_the_runtime_prefix_and_printed_lines_stay() -> None:
    # GIVEN one logging line as the emulator formats it and one printed EMF line
    text = '[INFO] handlers.validator: {"message": "x"}\n{"_aws": {}}\n'
    # THEN (Text format) the logging line's prefix becomes the runtime's (level, time, request id)
    assert AWS_PREFIX_BYTES == 69
    expected = (69 + len('{"message": "x"}') + 1) + (len('{"_aws": {}}') + 1)
    assert aws_log_bytes(text, log_format=TEXT) == expected
    assert aws_log_bytes("", log_format=TEXT) == 0
    assert aws_log_bytes("é") == 3


def test_json_format_wraps_a_logging_record_and_passes_a_printed_json_line_as_it_is() -> None:
    """Failure class: the model pricing the JSON log format's logging lines at the Text prefix (they
    grow: the message is a JSON string inside the runtime's object) or re-encoding printed EMF."""
    # GIVEN the same two lines
    text = '[INFO] handlers.validator: {"message": "x"}\n{"_aws": {}}\n'
    record = {
        "timestamp": "2026-12-06T05:30:00.123Z",
        "level": "INFO",
        "message": '{"message": "x"}',
        "logger": "handlers.validator",
        "requestId": "8f5e1c52-3f0b-4f5e-9a3c-2d9d6b1e7a10",
    }
    # THEN the logging record is awslambdaric's JsonFormatter object; the EMF line is unchanged
    assert aws_log_bytes(text, log_format=JSON) == len(json.dumps(record)) + 1 + len('{"_aws": {}}') + 1


def test_lambda_system_lines_by_format_and_level() -> None:
    """Failure class: dropping Lambda's own lines from the model, or pricing WARN as if they were sent."""
    assert system_log_bytes(log_format=TEXT, level="WARN") == (330, 90)  # Text cannot filter
    assert system_log_bytes(log_format=JSON, level="WARN") == (0, 0)
    info, info_cold = system_log_bytes(log_format=JSON, level="INFO")
    debug, debug_cold = system_log_bytes(log_format=JSON, level="DEBUG")
    assert 300 < info < debug and info_cold == debug_cold > 0
