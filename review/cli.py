"""`python -m review SUBCOMMAND`: argument parsing, the stack lookup and one-line errors."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from review import exportfile, status, summary
from review.errors import ReviewError
from review.export import export
from review.stack import Aws, Stack, find_stack

DEFAULT_STACK = "sales-pipeline"
REPLAY_KEY = "replay/{stamp}.jsonl"


def _aws_options() -> argparse.ArgumentParser:
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--stack", default=DEFAULT_STACK, help=f"the pipeline's stack name (default {DEFAULT_STACK})"
    )
    options.add_argument("--region", help="AWS region (default: the normal AWS configuration)")
    options.add_argument(
        "--endpoint-url", help="send every AWS request here (an emulator); AWS_ENDPOINT_URL works too"
    )
    return options


def parser() -> argparse.ArgumentParser:
    aws = _aws_options()
    top = argparse.ArgumentParser(
        prog="review",
        description="Inspect, export, fix and replay the pipeline's rejected records (the review queue).",
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "summary",
        parents=[aws],
        help="count waiting messages by reason and by file, without consuming them",
        description="Count the review queue's messages by reason and by source file. Messages are received "
        f"with a {summary.SCAN_VISIBILITY_SECONDS}-second visibility timeout and made visible again when the "
        "scan ends (an interrupted scan: they return after that timeout); nothing is deleted.",
    ).add_argument("--wait-seconds", type=int, default=1, help="long-poll time per receive (default 1)")

    exporting = commands.add_parser(
        "export",
        parents=[aws],
        help="move review messages into a JSON Lines file",
        description="Receive review messages, append them to FILE (one JSON line each, claim checks fetched) "
        "and delete each batch only after the file is flushed and fsynced: an interrupt never loses a "
        "message (a re-run may append it twice; `replay` replays it once). The file is never truncated.",
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

    commands.add_parser(
        "show",
        help="print an export file as a table",
        description="A table of an export file: reason, "
        "file, record index, order_id and the pipeline's message.",
    ).add_argument("file", type=Path, metavar="FILE.jsonl")

    replaying = commands.add_parser(
        "replay",
        parents=[aws],
        help="upload the corrected records of an export file for the pipeline to process again",
        description="Turn each export line's `record` into a replay line carrying its origin and upload "
        "them as one file under replay/ in the stack's bucket: the normal pipeline processes it (ledger, "
        "checks, conditional puts); the stored items name their origin in _pipeline_source.replay_of. "
        "Prints the uploaded key. File rejections and lines without a record are skipped (named on stderr).",
    )
    replaying.add_argument("file", type=Path, metavar="FILE.jsonl")
    replaying.add_argument(
        "--dry-run", action="store_true", help="print the replay file instead (no AWS call)"
    )

    statusing = commands.add_parser(
        "status",
        parents=[aws],
        help="print the file ledger's entry for an uploaded file",
        description="Print the file ledger's entry of each version of KEY (newest first). Exit status 0 "
        "when the newest version is DONE, 1 otherwise.",
    )
    statusing.add_argument("key", metavar="KEY", help="the object's key in the stack's bucket")
    statusing.add_argument(
        "--wait", action="store_true", help="wait until the newest version is DONE or FAILED"
    )
    statusing.add_argument("--timeout", type=float, default=300, help="seconds --wait waits (default 300)")
    return top


def _stack(args: argparse.Namespace) -> tuple[Aws, Stack]:
    aws = Aws(region=args.region, endpoint_url=args.endpoint_url)
    return aws, find_stack(aws, args.stack)


def run(args: argparse.Namespace) -> int:
    if args.command == "show":
        print(exportfile.table(args.file))
        return 0
    if args.command == "replay":
        return _replay(args)
    aws, stack = _stack(args)
    if args.command == "summary":
        print(
            summary.render(summary.scan(aws.client("sqs"), stack.queue_url, wait_seconds=args.wait_seconds))
        )
        return 0
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
        )
        return 0
    s3, dynamodb = aws.client("s3"), aws.client("dynamodb")
    if args.wait:
        found = status.wait(s3, dynamodb, stack, args.key, args.timeout)
    else:
        found = status.lookup(s3, dynamodb, stack, args.key)
    print(status.render(found))
    latest = found[0][1]
    return 0 if latest is not None and latest.get("status") == "DONE" else 1


def _replay(args: argparse.Namespace) -> int:
    lines, notes = exportfile.replay_lines(args.file)
    for note in notes:
        print(note, file=sys.stderr)
    if not lines:
        raise ReviewError(f"{args.file}: no record to replay")
    key = REPLAY_KEY.format(stamp=datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ"))
    body = "".join(line + "\n" for line in lines)
    if args.dry_run:
        print(f"would upload {len(lines)} records as <bucket>/{key}:", file=sys.stderr)
        sys.stdout.write(body)
        return 0
    aws, stack = _stack(args)
    put = aws.client("s3").put_object(Bucket=stack.bucket, Key=key, Body=body.encode("ascii"))
    version = put.get("VersionId")
    print(f"uploaded {len(lines)} records to s3://{stack.bucket}/{key} (version {version})", file=sys.stderr)
    print(key)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return run(args)
    except ReviewError as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        return _fail("interrupted (an export keeps every message it has not written: run it again)", 130)
    except Exception as error:  # botocore's errors, said in one line
        return _fail(_aws_message(error))


def _aws_message(error: Exception) -> str:
    from botocore.exceptions import (
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
    )

    if isinstance(error, NoCredentialsError):
        return "no AWS credentials found (configure them as for the AWS CLI: aws configure, AWS_PROFILE, ...)"
    if isinstance(error, NoRegionError):
        return "no AWS region configured (pass --region or set AWS_REGION)"
    if isinstance(error, EndpointConnectionError):
        return f"cannot reach {error.kwargs.get('endpoint_url', 'the AWS endpoint')}"
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        return f"AWS refused {error.operation_name}: {details.get('Code')}: {details.get('Message')}"
    if isinstance(error, OSError):
        return f"{error.filename or 'file'}: {error.strerror or error}"
    raise error


def _fail(message: str, code: int = 1) -> int:
    print(f"review: error: {message}", file=sys.stderr)
    return code
