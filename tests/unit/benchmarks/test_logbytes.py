"""Log bytes as the Lambda runtime would ingest them, from the emulator's captured output."""

from __future__ import annotations

from benchmarks.logbytes import AWS_PREFIX_BYTES, aws_log_bytes


def test_logging_lines_get_the_runtime_prefix_and_printed_lines_stay() -> None:
    # GIVEN one logging line as the emulator formats it and one printed EMF line
    text = '[INFO] handlers.validator: {"message": "x"}\n{"_aws": {}}\n'
    # THEN the logging line's prefix becomes the runtime's (level, time, request id), each line + newline
    assert AWS_PREFIX_BYTES == 69
    assert aws_log_bytes(text) == (69 + len('{"message": "x"}') + 1) + (len('{"_aws": {}}') + 1)
    assert aws_log_bytes("") == 0
    assert aws_log_bytes("é") == 3
