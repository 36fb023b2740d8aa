"""Counting what the pipeline asks of the emulated AWS: requests by service and operation, states entered."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs


def operation(environ: dict[str, Any]) -> tuple[str, str]:
    """(service, operation) of one request to the emulator."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    authorization = environ.get("HTTP_AUTHORIZATION", "")
    scope = authorization.split("Credential=", 1)[-1].split(",", 1)[0].split("/")
    service = scope[3] if len(scope) > 3 else "unknown"
    if target:
        return service, target.rsplit(".", 1)[-1]
    path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    if service == "lambda" and path.endswith("/invocations"):
        return service, "Invoke"
    if service == "s3":
        if "uploads" in query:
            return service, "CreateMultipartUpload"
        if "uploadId" in query:
            parts = {"PUT": "UploadPart", "POST": "CompleteMultipartUpload"}
            return service, parts.get(method, "AbortMultipartUpload")
        return service, {"GET": "GetObject", "PUT": "PutObject", "HEAD": "HeadObject"}.get(method, method)
    return service, method


@contextmanager
def counting() -> Iterator[tuple[Counter[tuple[str, str]], Counter[str]]]:
    """Count requests reaching the moto server and states entered by any execution, while inside."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication
    from moto.stepfunctions.parser.asl.eval.event.event_manager import EventManager

    requests: Counter[tuple[str, str]] = Counter()
    states: Counter[str] = Counter()
    lock = threading.Lock()
    real_call, real_add = DomainDispatcherApplication.__call__, EventManager.add_event

    def call(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        with lock:
            requests[operation(environ)] += 1
        return real_call(self, environ, start_response)

    def add_event(self: Any, context: Any, event_type: Any, *args: Any, **kwargs: Any) -> int:
        name = getattr(event_type, "value", str(event_type))
        if name.endswith("StateEntered"):
            with lock:
                states["all"] += 1
        return int(real_add(self, context, event_type, *args, **kwargs))

    DomainDispatcherApplication.__call__ = call  # type: ignore[method-assign]
    EventManager.add_event = add_event  # type: ignore[method-assign]
    try:
        yield requests, states
    finally:
        DomainDispatcherApplication.__call__ = real_call  # type: ignore[method-assign]
        EventManager.add_event = real_add  # type: ignore[method-assign]
