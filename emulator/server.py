"""Starts the one moto server of this process (127.0.0.1, free port) with Step Functions execution on."""

from __future__ import annotations

import json
import logging
import os
import threading
import urllib.request
from dataclasses import dataclass

from moto.server import ThreadedMotoServer

from emulator import patches

# Settings every client in (and started from) this process must see: no real profile or credentials
# file is read, and no proxy sits between a client and the local server.
CLIENT_ENVIRONMENT = {
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "AWS_ACCESS_KEY_ID": "emulator",
    "AWS_SECRET_ACCESS_KEY": "emulator",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass(frozen=True)
class MotoServer:
    """A running moto server: `endpoint_url` for boto3, `localhost_url` for the AWS CLI's S3 uploads."""

    server: ThreadedMotoServer
    port: int

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def localhost_url(self) -> str:
        # moto's CloudFormation resolves a TemplateURL only when it contains "localhost".
        return f"http://localhost:{self.port}"

    def stop(self) -> None:
        self.server.stop()


_LOCK = threading.Lock()
_shared: MotoServer | None = None


def shared_server() -> MotoServer:
    """The process's moto server, started on first use.

    moto's backends, its patches and MOTO_PORT (which the Step Functions interpreter's own clients
    read) are process-wide, so one process runs one server; stacks share it under unique names.
    """
    global _shared
    with _LOCK:
        if _shared is None:
            _shared = _start()
        return _shared


def _start() -> MotoServer:
    patches.apply()
    for name, value in CLIENT_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    os.environ["AWS_CONFIG_FILE"] = os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
    no_proxy = [p for p in os.environ.get("NO_PROXY", "").split(",") if p]
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = ",".join([*no_proxy, "127.0.0.1", "localhost"])
    # One line per HTTP request on stderr would drown simulate.py's output and test logs.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    port = server.get_host_and_port()[1]
    os.environ["MOTO_PORT"] = str(port)
    running = MotoServer(server=server, port=port)
    _post_config(running, {"stepfunctions": {"execute_state_machine": True}})
    return running


def _post_config(server: MotoServer, config: dict[str, object]) -> None:
    request = urllib.request.Request(
        f"{server.endpoint_url}/moto-api/config",
        data=json.dumps(config).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status >= 300:
            raise RuntimeError(f"moto refused its config: HTTP {response.status}")
