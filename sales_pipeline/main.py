"""`sales-pipeline COMMAND ...`: dispatch to the command's own module; every failure is one line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from sales_pipeline.awserrors import one_line
from sales_pipeline.errors import FAILED, INTERRUPTED, USAGE, CommandError
from sales_pipeline.parsing import OneLineParser
from sales_pipeline.version import version

PROG = "sales-pipeline"
EXIT_STATUSES = """exit status (every command):
  0    done (simulate: every record accounted for; check: every file passes)
  1    the command ran and found a problem or failed (a lost record, an AWS error, a failed deploy)
  2    bad input: arguments, deploy.toml, or a record contract the validator cannot enforce
  130  interrupted"""


def _check(argv: list[str]) -> int:
    try:
        from quality import cli
    except ModuleNotFoundError as error:
        if error.name not in ("quality", "quality.cli"):
            raise
        raise CommandError(
            "not available in this installation (no quality/ package: update the checkout, then `make build`)"
        ) from None
    code: int = cli.main(argv, prog=f"{PROG} check")
    return code


def _simulate(argv: list[str]) -> int:
    _preflight(argv)
    import simulate

    return simulate.main(argv)


def _review(argv: list[str]) -> int:
    from review import cli

    return cli.main(argv, prog=f"{PROG} review")


def _deploy(argv: list[str]) -> int:
    _preflight(argv)
    from sales_pipeline import deploy

    return deploy.main(argv)


def _serve(argv: list[str]) -> int:
    _preflight(argv)
    from sales_pipeline import serve

    return serve.main(argv)


def _preflight(argv: list[str]) -> None:
    """A command that deploys the validator first checks its record contract (not for --help)."""
    if not {"-h", "--help"} & set(argv):
        from sales_pipeline.preflight import check_contract

        check_contract()


COMMANDS: dict[str, tuple[str, Callable[[list[str]], int]]] = {
    "check": ("check record files against the record contract locally (no AWS, no emulator)", _check),
    "simulate": ("deploy output/ into the offline emulator, upload files, see where records went", _simulate),
    "serve": ("run the offline emulator as a server with the stack deployed, for the AWS CLI", _serve),
    "deploy": ("package and deploy the stack to AWS as deploy.toml says (--guided writes it)", _deploy),
    "review": ("inspect, export, fix and replay rejected records (the review queue)", _review),
}


def parser() -> argparse.ArgumentParser:
    commands = "\n".join(f"  {name:<9} {summary}" for name, (summary, _) in COMMANDS.items())
    top = OneLineParser(
        prog=PROG,
        description="The sales-order pipeline's command. `COMMAND --help` describes each.",
        epilog=f"commands:\n{commands}\n\n{EXIT_STATUSES}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--version", action="version", version=f"{PROG} {version()}")
    top.add_argument("command", choices=list(COMMANDS), metavar="COMMAND", help=", ".join(COMMANDS))
    top.add_argument("arguments", nargs=argparse.REMAINDER, metavar="...", help="the command's arguments")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(sys.argv[1:] if argv is None else list(argv))
    _, run = COMMANDS[args.command]
    with _named(f"{PROG} {args.command}"):
        return _guarded(args.command, run, list(args.arguments))


def _guarded(command: str, run: Callable[[list[str]], int], argv: list[str]) -> int:
    """Run a command; what it raises becomes one line on stderr and an exit status, never a traceback."""
    from handlers.recordcontract.compiler import ContractError

    try:
        return run(argv)
    except CommandError as error:
        return _fail(command, str(error), error.status)
    except ContractError as error:
        problems = error.problems or [str(error)]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return _fail(command, f"{problems[0]}{more}", USAGE)
    except KeyboardInterrupt:
        return _fail(command, "interrupted", INTERRUPTED)
    except Exception as error:
        message = one_line(error)
        if message is None:
            raise
        return _fail(command, message, FAILED)


def _fail(command: str, message: str, status: int) -> int:
    print(f"{PROG} {command}: error: {message}", file=sys.stderr)
    return status


@contextmanager
def _named(prog: str) -> Iterator[None]:
    """argparse takes a command's name from sys.argv[0]: a delegated command's usage and errors say
    `sales-pipeline simulate`, not the script's path."""
    saved = sys.argv[0] if sys.argv else ""
    if sys.argv:
        sys.argv[0] = prog
    try:
        yield
    finally:
        if sys.argv:
            sys.argv[0] = saved
