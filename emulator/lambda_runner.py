"""Runs a Lambda handler in-process from its deployment zip (stands in for moto's Docker runner).

The invocation keeps Lambda's limits, checked at every AWS call the handler makes (botocore's
`Endpoint._send`, each attempt) and when it returns, and ends it the way Lambda does:
- timeout: in emulated time (emulator/clock.py: real time plus the SDK's retry waits, which are
  skipped, not slept), past the function's Timeout: `Sandbox.Timedout`;
- memory: the peak of Python's heap during the invocation (`tracemalloc`, reset at its start) plus
  RUNTIME_BASELINE_MB, past the function's MemorySize: `Runtime.OutOfMemory`. tracemalloc, not the
  RSS, because it is exact and repeatable for one input (RSS depends on what the allocator kept from
  earlier invocations of this long-lived process) and every large object a handler builds (str,
  bytes, list, dict, Decimal) lives on that heap. It counts the whole process, so the in-process
  moto server's copies of what the handler sends during the call count too (at most the bytes sent);
- a crash part-way (emulator/faults.py `lambda.crash`): killed before its n-th AWS call (the
  earlier writes done, the rest never made), or after its last one with the result lost:
  `Runtime.ExitError`.
The kill is a BaseException raised in the handler's thread, so `except Exception` cannot swallow
it (a `finally` block still runs: on Lambda the process would just stop).

Over 300 lines: the in-process stand-in for Lambda's runtime (the zip, the context, the time and memory
limits, the log format) is one place by design (emulator/README.md).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import io
import json
import logging
import os
import sys
import tempfile
import threading
import time
import traceback
import tracemalloc
import uuid
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import botocore.endpoint

from emulator import clock, faults

# One invocation at a time: os.environ, sys.path and sys.modules are process-wide. A handler must not
# invoke another Lambda synchronously (ours never do); moto serialises nothing else behind this lock.
_LOCK = threading.Lock()
_CODE_ROOT = Path(tempfile.mkdtemp(prefix="emulator-lambda-"))
# Modules imported from each code directory, swapped into sys.modules only while that code runs.
_MODULES: dict[str, dict[str, ModuleType]] = {}
# The repository checkout: its packages (handlers/, workflow/, ...) are not on a Lambda's path.
_CHECKOUT = Path(__file__).resolve().parent.parent
_EMULATOR_PACKAGES = {"emulator"}
# What Lambda's Python runtime itself holds (interpreter, runtime client, boto3 imported) before a
# handler allocates anything: Lambda reports about 70-90 MB "Max Memory Used" for a handler that
# imports boto3 and returns at once. The handler's own peak is measured on top of this.
RUNTIME_BASELINE_MB = 80
# A crash part-way is placed before one of the first CRASH_CALLS AWS calls (or at the return).
CRASH_CALLS = 8


@dataclass(frozen=True)
class Invocation:
    """What moto's `_invoke_lambda` returns: (payload JSON text, errored, log text)."""

    payload: str
    errored: bool
    logs: str


@dataclass
class LambdaContext:
    """The attributes of the Python runtime's context object that handlers commonly read."""

    function_name: str
    function_version: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    timeout_seconds: float
    log_group_name: str
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_stream_name: str = "emulator"
    emulated_clock: clock.EmulatedClock | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.emulated_clock is None:
            self.emulated_clock = clock.EmulatedClock(limit=self.timeout_seconds)

    def get_remaining_time_in_millis(self) -> int:
        """Emulated time left before the configured timeout (which the runner enforces)."""
        assert self.emulated_clock is not None
        here = clock.position()
        skipped = here.now() if here is not None and here.clock is self.emulated_clock else 0.0
        return max(0, int((self.timeout_seconds - self.emulated_clock.real_elapsed() - skipped) * 1000))


def code_directory(code: bytes, code_sha: str) -> Path:
    """Extract a deployment zip once per code hash and return its directory (call under _LOCK)."""
    target = _CODE_ROOT / (code_sha.replace("/", "_").replace("+", "-") or "empty")
    if not target.exists():
        staging = Path(tempfile.mkdtemp(dir=_CODE_ROOT))
        with zipfile.ZipFile(io.BytesIO(code)) as archive:
            archive.extractall(staging)
        staging.rename(target)
    return target


def invoke(
    *,
    code: bytes,
    code_sha: str,
    handler: str,
    environment: Mapping[str, str],
    event: Any,
    context: LambdaContext,
) -> Invocation:
    """Import `handler` ("module.function") from the zip and call it, as the Lambda runtime would.

    An exception becomes `{"errorType": <class name>, "errorMessage": str}` with errored=True, so an
    ASL Retry/Catch matches on the exception class name exactly as on AWS.
    """
    module_name, _, function_name = handler.rpartition(".")
    buffer = io.StringIO()
    with _LOCK, _environment(environment), _code_on_path(code_directory(code, code_sha)), _captured(buffer):
        limits = _Limits.start(context, crash_key=f"{context.function_name}:{_digest(event)}")
        try:
            module = _import_handler_module(module_name.replace("/", "."))
            function = getattr(module, function_name, None)
            if not callable(function):
                raise _RuntimeError(
                    "Runtime.HandlerNotFound", f"Handler {function_name!r} missing on module {module_name!r}"
                )
            result = function(event, context)
            limits.check(returning=True)
            payload = json.dumps(result)
        except _Killed as killed:
            print(f"RequestId: {context.aws_request_id} Error: {killed}", file=buffer)
            message = f"RequestId: {context.aws_request_id} Error: {killed}"
            killed_failure = {"errorType": killed.error_type, "errorMessage": message}
            return Invocation(json.dumps(killed_failure), True, buffer.getvalue())
        except Exception as error:
            traceback.print_exc(file=buffer)
            error_type = error.error_type if isinstance(error, _RuntimeError) else type(error).__name__
            if isinstance(error, TypeError) and "JSON serializable" in str(error):
                error_type = "Runtime.MarshalError"
            failure = {
                "errorType": error_type,
                "errorMessage": str(error),
                "requestId": context.aws_request_id,
                "stackTrace": traceback.format_tb(error.__traceback__),
            }
            return Invocation(json.dumps(failure), True, buffer.getvalue())
        finally:
            limits.stop()
    return Invocation(payload, False, buffer.getvalue())


class _Killed(BaseException):
    """Lambda ended the invocation (a BaseException: a handler's `except Exception` cannot catch it)."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


_active = threading.local()


@dataclass
class _Limits:
    """One invocation's limits, checked at each AWS call the handler makes and when it returns."""

    context: LambdaContext
    crash_before_call: int | None
    traced_here: bool
    heap_at_start: int
    calls: int = 0
    # The calling thread's clock position before the invocation's (restored when it ends).
    previous: Any = None

    @classmethod
    def start(cls, context: LambdaContext, *, crash_key: str) -> _Limits:
        assert context.emulated_clock is not None
        crash = None
        if faults.roll(faults.LAMBDA_CRASH, crash_key):
            crash = 1 + int(faults.uniform(faults.LAMBDA_CRASH, crash_key, 0, CRASH_CALLS))
        traced_here = not tracemalloc.is_tracing()
        if traced_here:
            tracemalloc.start(1)
        tracemalloc.reset_peak()
        limits = cls(context, crash, traced_here, tracemalloc.get_traced_memory()[0])
        # The invocation starts now, not when it was queued behind another one (the runner's lock).
        context.emulated_clock.started = time.monotonic()
        limits.previous = clock.position()
        clock.start(context.emulated_clock)
        _active.limits = limits
        return limits

    def stop(self) -> None:
        _active.limits = None
        clock.stop(self.previous)
        if self.traced_here:
            tracemalloc.stop()

    def peak_mb(self) -> float:
        return RUNTIME_BASELINE_MB + (tracemalloc.get_traced_memory()[1] - self.heap_at_start) / 2**20

    def check(self, *, returning: bool = False) -> None:
        """Raise _Killed when Lambda would have ended the invocation by now."""
        if not returning:
            self.calls += 1
        if self.crash_before_call is not None and (returning or self.calls >= self.crash_before_call):
            self.crash_before_call = None
            raise _Killed("Runtime.ExitError", "Runtime exited with error: signal: killed (emulated crash)")
        peak = self.peak_mb()
        if peak > self.context.memory_limit_in_mb:
            faults.count_limit(faults.LAMBDA_OUT_OF_MEMORY)
            raise _Killed(
                "Runtime.OutOfMemory",
                f"Runtime exited with error: signal: killed (peak {peak:.0f} MB > MemorySize "
                f"{self.context.memory_limit_in_mb} MB)",
            )
        elapsed = clock.elapsed()
        if elapsed is not None and elapsed > self.context.timeout_seconds:
            faults.count_limit(faults.LAMBDA_TIMED_OUT)
            raise _Killed(
                "Sandbox.Timedout", f"Task timed out after {self.context.timeout_seconds:.2f} seconds"
            )


def _digest(event: Any) -> str:
    import hashlib

    text = json.dumps(event, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:24]


class _SdkTime:
    """Stands in for `time` in botocore.endpoint: in an invocation, the SDK's retry waits advance
    the invocation's emulated clock instead of sleeping."""

    def sleep(self, seconds: float) -> None:
        clock.sleep(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


def install_sdk_checkpoints() -> None:
    """Check the invocation's limits before every request the handler's botocore sends."""
    endpoint: Any = botocore.endpoint
    if isinstance(endpoint.time, _SdkTime):
        return
    endpoint.time = _SdkTime()
    original = endpoint.Endpoint._send

    def _send(self: Any, request: Any) -> Any:
        limits: _Limits | None = getattr(_active, "limits", None)
        if limits is not None:
            limits.check()
        return original(self, request)

    endpoint.Endpoint._send = _send


class _RuntimeError(Exception):
    """An error the Lambda runtime itself reports (its errorType is not a class name)."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


def _import_handler_module(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise _RuntimeError(
            "Runtime.ImportModuleError", f"Unable to import module {name!r}: {error}"
        ) from error
    except SyntaxError as error:
        raise _RuntimeError(
            "Runtime.UserCodeSyntaxError", f"Syntax error in module {name!r}: {error}"
        ) from error


@contextlib.contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _top_level_names(directory: Path) -> set[str]:
    names = {path.stem for path in directory.glob("*.py")}
    names |= {path.name for path in directory.iterdir() if (path / "__init__.py").is_file()}
    return names


class _HideFromThread(importlib.abc.MetaPathFinder):
    """Makes the checkout's own packages unimportable from the handler's thread, as on Lambda, where
    only the zip, the runtime's stdlib and its boto3 exist (`import handlers` there fails)."""

    def __init__(self, names: set[str], code: Path) -> None:
        self._names = names
        self._code = str(code)
        self._thread = threading.get_ident()

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> None:
        if threading.get_ident() != self._thread or fullname.split(".")[0] not in self._names:
            return None
        # A submodule of a package the zip itself registered (handlers/_package.py) is the zip's own.
        if path is not None and any(str(entry).startswith(self._code) for entry in path):
            return None
        raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)


@contextlib.contextmanager
def _code_on_path(directory: Path) -> Iterator[None]:
    """Make the zip's modules importable under their own names, and nothing else of the checkout."""
    key = str(directory)
    owned = _MODULES.setdefault(key, {})
    hidden = (_top_level_names(_CHECKOUT) - _EMULATOR_PACKAGES) | _top_level_names(directory)
    shadowed = {name: sys.modules.pop(name) for name in list(sys.modules) if name.split(".")[0] in hidden}
    sys.modules.update(owned)
    finder = _HideFromThread(hidden - _top_level_names(directory), directory)
    sys.meta_path.insert(0, finder)
    sys.path.insert(0, key)
    try:
        yield
    finally:
        sys.path.remove(key)
        sys.meta_path.remove(finder)
        for name, module in list(sys.modules.items()):
            if (getattr(module, "__file__", None) or "").startswith(key + os.sep):
                owned[name] = sys.modules.pop(name)
        sys.modules.update(shadowed)


class _ThreadFilter(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self._thread = threading.get_ident()

    def filter(self, record: logging.LogRecord) -> bool:
        return record.thread == self._thread


class _ThreadRouted(io.TextIOBase):
    """Stands in for sys.stdout/sys.stderr during a call: the handler's thread writes to the
    invocation's log, every other thread (the caller's progress output, say) to the real stream."""

    def __init__(self, real: Any, buffer: io.StringIO) -> None:
        super().__init__()
        self._real = real
        self._buffer = buffer
        self._thread = threading.get_ident()

    def write(self, text: str) -> int:
        target = self._buffer if threading.get_ident() == self._thread else self._real
        return int(target.write(text))

    def flush(self) -> None:
        if threading.get_ident() != self._thread:
            self._real.flush()


@contextlib.contextmanager
def _captured(buffer: io.StringIO) -> Iterator[None]:
    """Collect the handler's print/logging output (this thread only) as the invocation's log text."""
    log_handler = logging.StreamHandler(buffer)
    log_handler.addFilter(_ThreadFilter())
    log_handler.setFormatter(logging.Formatter("[%(levelname)s] %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(log_handler)
    real_out, real_err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _ThreadRouted(real_out, buffer), _ThreadRouted(real_err, buffer)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = real_out, real_err
        root.removeHandler(log_handler)
