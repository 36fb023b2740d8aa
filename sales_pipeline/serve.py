"""`sales-pipeline serve`: the offline emulator as a server, the stack deployed, until interrupted.

Prints the shell lines that point the AWS CLI (and boto3, and `sales-pipeline review`/`deploy`) at it:
its endpoint, S3 on `localhost` (moto's CloudFormation fetches a packaged template only from a
localhost URL), dummy credentials with no profile or config file read, the region, no proxy for the
local address, and an `aws` shell function adding `--endpoint-url` (the AWS CLI v1 ignores
AWS_ENDPOINT_URL for sqs).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import warnings
from collections.abc import Sequence
from types import FrameType

from resources.outputs import BUCKET_NAME
from sales_pipeline.parsing import OneLineParser

DEFAULT_STACK = "sales-pipeline"
READY = "# ready: "
EXIT_STATUSES = (
    "exit status: 0 stopped by Ctrl-C (SIGINT) or SIGTERM; 1 the stack could not be deployed into the "
    "emulator; 2 bad arguments"
)


def parser() -> argparse.ArgumentParser:
    command = OneLineParser(
        prog="sales-pipeline serve",
        description="Start the offline emulator (moto, patched) as a local server, deploy "
        "output/template.json into it as STACK, print the `export` lines for another shell, and run "
        "until interrupted. The AWS CLI blocks of docs/user-guide.md and docs/operations.md, and "
        "`sales-pipeline deploy`, then run against it.",
        epilog=EXIT_STATUSES,
    )
    command.add_argument(
        "--stack-name", default=DEFAULT_STACK, help=f"the deployed stack's name (default {DEFAULT_STACK})"
    )
    return command


def environment(endpoint_url: str, localhost_url: str, region: str) -> list[str]:
    """The shell lines another shell runs (copy-paste) to use the emulator."""
    return [
        f"export AWS_ENDPOINT_URL={endpoint_url}",
        f"export AWS_ENDPOINT_URL_S3={localhost_url}",
        "export AWS_ACCESS_KEY_ID=emulator AWS_SECRET_ACCESS_KEY=emulator",
        f"export AWS_DEFAULT_REGION={region} AWS_REGION={region}",
        "export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null",
        "export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost",
        "unset AWS_PROFILE AWS_SESSION_TOKEN",
        # The AWS CLI v1 sends sqs commands to queue.amazonaws.com unless --endpoint-url is given
        # (its customization overrides AWS_ENDPOINT_URL), so `aws` gets the flag.
        f'aws() {{ command aws --endpoint-url {endpoint_url} "$@"; }}',
    ]


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    stop = threading.Event()

    def stopping(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {s: signal.signal(s, stopping) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        return _serve(args.stack_name, stop)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _serve(stack_name: str, stop: threading.Event) -> int:
    # moto warns about every template resource it skips and every unenforced ASL field.
    logging.getLogger("moto").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    import emulator
    from emulator.clients import REGION
    from emulator.deploy import DeployError

    print("starting the emulator and deploying output/template.json ...", file=sys.stderr, flush=True)
    server = emulator.shared_server()
    try:
        stack = emulator.deploy(emulator.Clients.for_endpoint(server.endpoint_url), stack_name=stack_name)
    except DeployError as error:
        server.stop()
        print(f"sales-pipeline serve: error: {error}", file=sys.stderr)
        return 1
    skipped = ", ".join(logical_id for logical_id, _ in emulator.not_emulated())
    print(
        "# Run these lines in another shell to use the emulator (the AWS CLI, sales-pipeline review/deploy):"
    )
    print("\n".join(environment(server.endpoint_url, server.localhost_url, REGION)))
    print(
        f"{READY}stack {stack.name} deployed (bucket {stack.output(BUCKET_NAME)}); "
        f"not emulated: {skipped or 'nothing'}; Ctrl-C stops the emulator",
        flush=True,
    )
    while not stop.wait(0.5):
        pass
    server.stop()
    print("emulator stopped", file=sys.stderr)
    return 0
