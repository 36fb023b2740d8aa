"""`sales-pipeline review SUBCOMMAND` (or `python -m review`): argument parsing, the stack lookup and
one-line errors. Options shared with the AWS CLI come from the helpers `_aws_options` and `_output_option`.

Over 300 lines: the parser of every review subcommand, with the help texts a user reads, in one place.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from handlers.seams.ledgeritem import LEDGER_STATUS, LEDGER_STATUS_DONE
from quality.report import ReportError, render_markdown, report_format, write_report
from review import exportfile, jsonout, replayplan, report, show, status, summary
from review.errors import ReviewError
from review.export import export
from review.stack import Aws, Stack, find_stack
from review.words import count
from sales_pipeline.parsing import OneLineParser

DEFAULT_STACK = "sales-pipeline"
REPLAY_KEY = "replay/{stamp}.jsonl"
EXIT_STATUSES = (
    "exit status: 0 done; 1 an error, said in one line (an AWS error: unknown profile, no credentials, "
    "unreachable endpoint, access denied; a missing stack or file; a replay not confirmed); "
    "2 bad arguments; 130 interrupted"
)


def _aws_options(*, top: bool = False) -> OneLineParser:
    """The AWS CLI's connection options, shared by every subcommand that calls AWS. As with `aws`, they
    may come before the subcommand too (`top`): there they set the defaults, after it they win."""
    options = OneLineParser(add_help=False)
    unset: str | None = None if top else argparse.SUPPRESS
    options.add_argument(
        "--stack",
        default=DEFAULT_STACK if top else argparse.SUPPRESS,
        help=f"the pipeline's stack name (default {DEFAULT_STACK})",
    )
    options.add_argument(
        "--profile", default=unset, help="a named profile of the AWS configuration (as `aws --profile`)"
    )
    options.add_argument("--region", default=unset, help="AWS region (default: the normal AWS configuration)")
    options.add_argument(
        "--endpoint-url",
        default=unset,
        help="send every AWS request here (an emulator); AWS_ENDPOINT_URL works too",
    )
    return options


def _output_option(*, top: bool = False) -> OneLineParser:
    """`--output json|table`, as the AWS CLI's (table: for people; json: one document for scripts)."""
    options = OneLineParser(add_help=False)
    options.add_argument(
        "--output",
        choices=("table", "json"),
        default="table" if top else argparse.SUPPRESS,
        help="table (default) or json",
    )
    return options


def parser(prog: str = "review") -> argparse.ArgumentParser:
    aws, output = _aws_options(), _output_option()
    top = OneLineParser(
        prog=prog,
        description="Inspect, export, fix and replay the pipeline's rejected records (the review queue).",
        epilog=EXIT_STATUSES,
        parents=[_aws_options(top=True), _output_option(top=True)],
    )
    commands = top.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=OneLineParser
    )
    commands.add_parser(
        "summary",
        parents=[aws, output],
        epilog=EXIT_STATUSES,
        help="count waiting messages by reason and by file, without consuming them",
        description="Count the review queue's messages by reason and by source file. Messages are received "
        f"with a {summary.SCAN_VISIBILITY_SECONDS}-second visibility timeout and made visible again when the "
        "scan ends (an interrupted scan: they return after that timeout); nothing is deleted.",
    ).add_argument("--wait-seconds", type=int, default=1, help="long-poll time per receive (default 1)")

    exporting = commands.add_parser(
        "export",
        parents=[aws],
        epilog=EXIT_STATUSES,
        help="move review messages into a JSON Lines file",
        description="Receive review messages, append them to FILE (one JSON line each, claim checks fetched) "
        "and delete each batch only after the file is flushed and fsynced: an interrupt never loses a "
        "message (a re-run may append it twice; `replay` replays it once). The file is never truncated. "
        "--keep exports without deleting (the messages are visible again when the export ends).",
    )
    exporting.add_argument(
        "--keep", action="store_true", help="leave every message in the queue (a copy, not a move)"
    )
    exporting.add_argument("--out", required=True, type=Path, metavar="FILE.jsonl", help="file to append to")
    exporting.add_argument(
        "--max", type=int, dest="limit", help="stop after the batch that reaches this many"
    )
    exporting.add_argument(
        "--visibility-timeout", type=int, default=300, help="seconds a received message stays hidden (300)"
    )
    exporting.add_argument(
        "--wait-seconds", type=int, default=1, help="long-poll time per receive (default 1)"
    )

    showing = commands.add_parser(
        "show",
        parents=[output],
        epilog=EXIT_STATUSES,
        help="print an export file as a table",
        description="A table of an export file, sorted by file and record index: reason, file, record "
        "index, line, order_id, the pipeline's message and the contract rules the record breaks "
        "(their keys, `/order-info/lines/*/quantity minimum`). Exit status 0; 1 when FILE cannot be "
        "read or is not an export (one line on "
        "stderr).",
    )
    showing.add_argument("file", type=Path, metavar="FILE.jsonl")
    showing.add_argument("--reason", help="only the lines of this reason code")
    showing.add_argument(
        "--file", dest="source", metavar="KEY", help="only the records of this file (key or name)"
    )

    reporting = commands.add_parser(
        "report",
        parents=[aws],
        epilog=EXIT_STATUSES,
        help="a data-quality report of an uploaded file (Markdown, or HTML with --out PAGE.html)",
        description="The data-quality report of KEY's newest version, from its file ledger entry and the "
        "review messages waiting for it (looked at, not consumed): the reconciliation, rejected records "
        "per reason and per contract rule, the share failing each rule, the first records breaking each "
        "(index, line, path, rule; no record content). Exit status 0 when the report is written; 1 when "
        "KEY is not a processed file of the stack or PATH cannot be written (one line on stderr).",
    )
    reporting.add_argument("key", metavar="KEY", help="the object's key in the stack's bucket")
    reporting.add_argument(
        "--out", type=Path, metavar="PATH", help="write PATH (.html: one self-contained page, .md: Markdown)"
    )
    reporting.add_argument(
        "--wait-seconds", type=int, default=1, help="long-poll time per receive (default 1)"
    )

    replaying = commands.add_parser(
        "replay",
        parents=[aws],
        epilog=EXIT_STATUSES,
        help="upload the corrected records of an export file for the pipeline to process again",
        description="Turn each export line's `record` into a replay line carrying its origin and upload "
        "them as one file under replay/ in the stack's bucket: the normal pipeline processes it (ledger, "
        "checks, conditional puts); the stored items name their origin in _pipeline_source.replay_of. "
        "Shows what it will upload (and how many records are unchanged since the export) and asks before "
        "uploading, unless --yes. Prints the uploaded key. File rejections and lines without a record are "
        "skipped (named on stderr).",
    )
    replaying.add_argument("file", type=Path, metavar="FILE.jsonl")
    replaying.add_argument(
        "--dry-run", action="store_true", help="print the replay file instead (no AWS call)"
    )
    replaying.add_argument("--yes", action="store_true", help="upload without asking")

    statusing = commands.add_parser(
        "status",
        parents=[aws, output],
        help="print the file ledger's entry for an uploaded file",
        description="Print the file ledger's entry of each version of KEY (newest first).",
        epilog="exit status: 0 the newest version is DONE; 1 it is not (or an error, said in one line); "
        "2 bad arguments; 130 interrupted",
    )
    statusing.add_argument("key", metavar="KEY", help="the object's key in the stack's bucket")
    statusing.add_argument(
        "--wait",
        action="store_true",
        help="wait until the newest version is DONE or FAILED, printing each state change on stderr",
    )
    statusing.add_argument("--timeout", type=float, default=300, help="seconds --wait waits (default 300)")
    return top


def _stack(args: argparse.Namespace) -> tuple[Aws, Stack]:
    aws = Aws(region=args.region, endpoint_url=args.endpoint_url, profile=args.profile)
    return aws, find_stack(aws, args.stack)


def _json(args: argparse.Namespace) -> bool:
    return getattr(args, "output", "table") == "json"


def run(args: argparse.Namespace) -> int:
    if args.command == "show":
        if _json(args):
            print(jsonout.show(args.file, reason=args.reason, file=args.source))
        else:
            print(show.table(args.file, reason=args.reason, file=args.source))
        return 0
    if args.command == "replay":
        return _replay(args)
    if args.command == "report" and args.out is not None:
        try:
            report_format(args.out)  # before any AWS call
        except ReportError as error:
            raise ReviewError(str(error)) from error
    aws, stack = _stack(args)
    if args.command == "summary":
        found = summary.scan(aws.client("sqs"), stack.queue_url, wait_seconds=args.wait_seconds)
        print(jsonout.summary(found) if _json(args) else summary.render(found))
        return 0
    if args.command == "report":
        return _report(args, aws, stack)
    if args.command == "export":
        export(
            sqs=aws.client("sqs"),
            s3=aws.client("s3"),
            queue_url=stack.queue_url,
            bucket=stack.bucket,
            out=args.out,
            visibility_timeout=args.visibility_timeout,
            wait_seconds=args.wait_seconds,
            limit=args.limit,
            keep=args.keep,
        )
        return 0
    s3, dynamodb = aws.client("s3"), aws.client("dynamodb")
    if args.wait:
        found_versions = status.wait(
            s3, dynamodb, stack, args.key, args.timeout, on_change=lambda state: print(state, file=sys.stderr)
        )
    else:
        found_versions = status.lookup(s3, dynamodb, stack, args.key)
    print(jsonout.status(found_versions) if _json(args) else status.render(found_versions))
    latest = found_versions[0][1]
    return 0 if latest is not None and latest.get(LEDGER_STATUS) == LEDGER_STATUS_DONE else 1


def _report(args: argparse.Namespace, aws: Aws, stack: Stack) -> int:
    found = report.gather(
        aws.client("s3"),
        aws.client("dynamodb"),
        aws.client("sqs"),
        stack,
        args.key,
        wait_seconds=args.wait_seconds,
    )
    title = f"Data-quality report: {found.name}"
    if args.out is None:
        print(render_markdown([found], title=title))
        return 0
    try:
        write_report(args.out, [found], title=title)
    except ReportError as error:
        raise ReviewError(str(error)) from error
    print(f"report written to {args.out}", file=sys.stderr)
    return 0


def _replay(args: argparse.Namespace) -> int:
    lines, notes = exportfile.replay_lines(args.file)
    for note in notes:
        print(note, file=sys.stderr)
    if not lines:
        raise ReviewError(f"{args.file}: no record to replay")
    key = REPLAY_KEY.format(stamp=datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ"))
    body = "".join(line + "\n" for line in lines)
    found = replayplan.plan(args.file, lines)
    if args.dry_run:
        for said in replayplan.describe(found, f"<bucket>/{key} (dry run: printed, not uploaded)"):
            print(said, file=sys.stderr)
        sys.stdout.write(body)
        return 0
    aws, stack = _stack(args)
    for said in replayplan.describe(found, f"s3://{stack.bucket}/{key}"):
        print(said, file=sys.stderr)
    if not args.yes:
        _confirm(f"upload {count(len(lines), 'record')} to s3://{stack.bucket}/{key}?")
    put = aws.client("s3").put_object(Bucket=stack.bucket, Key=key, Body=body.encode("ascii"))
    version = put.get("VersionId")
    print(
        f"uploaded {count(len(lines), 'record')} to s3://{stack.bucket}/{key} (version {version})",
        file=sys.stderr,
    )
    print(key)
    return 0


def _confirm(question: str) -> None:
    """Ask on stderr, read the answer from stdin; anything but y/yes (or no answer) uploads nothing."""
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    try:
        answer = sys.stdin.readline() if sys.stdin is not None else ""
    except (OSError, ValueError):  # no readable standard input: no answer
        answer = ""
    if not answer or not sys.stdin.isatty():  # a terminal echoed the answer and its line end
        print(file=sys.stderr)
    if answer.strip().lower() not in ("y", "yes"):
        raise ReviewError("not confirmed: nothing uploaded (answer y, or pass --yes)")


def main(argv: Sequence[str] | None = None, *, prog: str = "review") -> int:
    args = parser(prog).parse_args(argv)
    try:
        return run(args)
    except ReviewError as error:
        return _fail(prog, str(error))
    except KeyboardInterrupt:
        return _fail(prog, "interrupted (an export keeps every message not yet written: run it again)", 130)
    except Exception as error:  # botocore's errors and unreadable files, said in one line
        return _fail(prog, _one_line(error))


def _one_line(error: Exception) -> str:
    from sales_pipeline.awserrors import one_line

    said = one_line(error)
    if said is not None:
        return said
    if isinstance(error, OSError):
        return f"{error.filename or 'file'}: {error.strerror or error}"
    raise error


def _fail(prog: str, message: str, code: int = 1) -> int:
    print(f"{prog}: error: {message}", file=sys.stderr)
    return code
