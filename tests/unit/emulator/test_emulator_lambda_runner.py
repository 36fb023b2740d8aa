"""The in-process Lambda runner: isolation between zips, the environment, and the error shape."""

from __future__ import annotations

import io
import json
import os
import sys
import threading
import zipfile

from emulator.lambda_runner import LambdaContext, invoke


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _context() -> LambdaContext:
    return LambdaContext(
        function_name="f",
        function_version="$LATEST",
        invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:f",
        memory_limit_in_mb=128,
        timeout_seconds=3,
        log_group_name="/aws/lambda/f",
    )


HANDLER = """
import os
import helper

class OrderConflict(Exception):
    pass

def handler(event, context):
    print("called with", event)
    if event.get("fail"):
        raise OrderConflict("taken: " + event["fail"])
    if event.get("unserialisable"):
        return {"value": object()}
    left = context.get_remaining_time_in_millis()
    return {"version": helper.VERSION, "table": os.environ["TABLE"], "left": left}
"""


def _run(version: str, event: dict[str, object], sha: str | None = None):
    code = _zip({"app.py": HANDLER, "helper.py": f"VERSION = {version!r}\n"})
    return invoke(
        code=code,
        code_sha=sha or f"sha-{version}",
        handler="app.handler",
        environment={"TABLE": f"table-{version}"},
        event=event,
        context=_context(),
    )


def test_two_zips_with_the_same_module_names_stay_apart() -> None:
    first = json.loads(_run("one", {}).payload)
    second = json.loads(_run("two", {}).payload)
    again = json.loads(_run("one", {}).payload)
    assert (first["version"], second["version"], again["version"]) == ("one", "two", "one")
    assert first["table"] == "table-one" and 0 < first["left"] <= 3000
    assert "app" not in sys.modules and "helper" not in sys.modules
    assert "TABLE" not in os.environ


def test_exception_becomes_error_type_and_message_with_its_log() -> None:
    result = _run("one", {"fail": "o-1"})
    assert result.errored
    payload = json.loads(result.payload)
    assert (payload["errorType"], payload["errorMessage"]) == ("OrderConflict", "taken: o-1")
    assert "called with {'fail': 'o-1'}" in result.logs and "Traceback" in result.logs


def test_unserialisable_result_is_a_marshal_error() -> None:
    result = _run("one", {"unserialisable": True})
    assert result.errored and json.loads(result.payload)["errorType"] == "Runtime.MarshalError"


def test_other_threads_output_is_not_captured(capsys) -> None:  # type: ignore[no-untyped-def]
    # GIVEN a handler that blocks until another thread has printed
    printed = threading.Event()
    code = _zip(
        {"waiter.py": "import builtins\ndef handler(event, context):\n    builtins.WAIT()\n    return 1\n"}
    )
    import builtins

    def wait() -> None:
        threading.Thread(target=lambda: (print("from the caller"), printed.set())).start()
        printed.wait(5)

    builtins.WAIT = wait  # type: ignore[attr-defined]
    try:
        result = invoke(
            code=code,
            code_sha="waiter",
            handler="waiter.handler",
            environment={},
            event={},
            context=_context(),
        )
    finally:
        del builtins.WAIT  # type: ignore[attr-defined]
    # THEN the other thread's line reached the real stdout, not the invocation's log
    assert result.payload == "1" and "from the caller" not in result.logs
    assert "from the caller" in capsys.readouterr().out


def test_checkout_packages_are_not_importable_as_on_lambda() -> None:
    # GIVEN a handler that imports a package of this repository that is not in its zip
    code = _zip({"leaky.py": "import handlers.seams.settings\ndef handler(event, context):\n    return 1\n"})
    # WHEN it runs
    result = invoke(
        code=code, code_sha="leaky", handler="leaky.handler", environment={}, event={}, context=_context()
    )
    # THEN it fails as the Lambda runtime would, and the host's own import still works afterwards
    payload = json.loads(result.payload)
    assert result.errored and payload["errorType"] == "Runtime.ImportModuleError"
    assert "No module named 'handlers" in payload["errorMessage"]
    import handlers.seams.settings

    assert handlers.seams.settings.ACCEPTED_SUFFIXES


def test_missing_handler_function_is_reported_by_the_runtime() -> None:
    code = _zip({"empty.py": "X = 1\n"})
    result = invoke(
        code=code, code_sha="empty", handler="empty.handler", environment={}, event={}, context=_context()
    )
    assert json.loads(result.payload)["errorType"] == "Runtime.HandlerNotFound"
