"""`sales-pipeline deploy --guided`: ask for each deploy.toml setting (current value as the default)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from sales_pipeline import deployconfig
from sales_pipeline.deployconfig import DeployConfig
from sales_pipeline.errors import UsageError

T = TypeVar("T")
ATTEMPTS = 3
DEFAULT_STACK = "sales-pipeline"


def ask(
    existing: DeployConfig | None,
    *,
    declared: Mapping[str, Any],
    endpoint_url: str | None,
    given: Mapping[str, str] | None = None,
) -> DeployConfig:
    """A checked configuration from the answers on stdin (questions on stderr); UsageError when stdin
    ends or an answer is still wrong after three tries. `given` (--region, --profile) are the defaults of
    their questions."""
    stack = _ask("Stack name", existing.stack_name if existing else DEFAULT_STACK, _setting("stack_name"))
    before = deployconfig.override(existing or DeployConfig(stack, ""), given or {})
    region = _ask("AWS region (blank: the AWS configuration's)", before.region, _optional(_setting("region")))
    profile = _ask(
        "AWS profile (blank: the credential chain)", before.profile, _optional(_setting("profile"))
    )
    suggested = (
        existing.artifacts_bucket if existing else _suggest_bucket(stack, region, profile, endpoint_url)
    )
    bucket = _ask("Artifacts bucket (created if missing)", suggested, _setting("artifacts_bucket"))
    current = " ".join(f"{k}={v}" for k, v in sorted((existing.parameters if existing else {}).items()))
    names = ", ".join(sorted(declared))
    parameters = _ask(
        f"Parameter overrides, Key=Value ... (blank: the template's defaults; parameters: {names})",
        current or None,
        lambda text: _overrides(text or "", declared),
    )
    return DeployConfig(stack, bucket, region, profile, parameters)


def _ask(question: str, default: str | None, accept: Callable[[str | None], T]) -> T:
    for _ in range(ATTEMPTS):
        shown = f" [{default}]" if default else ""
        print(f"{question}{shown}: ", end="", file=sys.stderr, flush=True)
        line = sys.stdin.readline()
        if not line or not sys.stdin.isatty():  # a terminal echoed the answer and its line end
            print(file=sys.stderr)
        if not line:
            raise UsageError(f"--guided: no answer to {question.split(' (')[0]!r} (standard input ended)")
        answer = line.strip() or default
        try:
            return accept(answer)
        except UsageError as error:
            print(f"  {error}", file=sys.stderr)
    raise UsageError(f"--guided: no valid answer to {question.split(' (')[0]!r} after {ATTEMPTS} tries")


def _setting(key: str) -> Callable[[str | None], str]:
    """Accept an answer as deploy.toml would accept the setting (the same checks, the same messages)."""

    def accept(answer: str | None) -> str:
        if not answer:
            raise UsageError(f"{key} is needed")
        document = {"stack_name": "s", "artifacts_bucket": "bucket", key: answer}
        deployconfig.from_document(document, name="answer")
        return answer

    return accept


def _optional(accept: Callable[[str | None], str]) -> Callable[[str | None], str | None]:
    return lambda answer: accept(answer) if answer else None


def _overrides(text: str, declared: Mapping[str, Any]) -> dict[str, str]:
    table: dict[str, str] = {}
    for pair in text.split():
        key, equals, value = pair.partition("=")
        if not equals:
            raise UsageError(f"{pair!r} is not Key=Value")
        table[key] = value
    config = deployconfig.from_document(
        {"stack_name": "s", "artifacts_bucket": "bucket", "parameters": table}, name="answer"
    )
    deployconfig.check_parameters(config, declared, name="answer")
    return dict(config.parameters)


def _suggest_bucket(
    stack: str, region: str | None, profile: str | None, endpoint_url: str | None
) -> str | None:
    """`<stack>-artifacts-<account>-<region>` when the credentials tell the account, else no suggestion."""
    try:
        import boto3

        session = boto3.session.Session(profile_name=profile, region_name=region)
        account = session.client("sts", endpoint_url=endpoint_url).get_caller_identity()["Account"]
        name = f"{stack.lower()}-artifacts-{account}-{session.region_name}"
    except Exception:  # no credentials yet: the user types a name
        return None
    return name if deployconfig.BUCKET.fullmatch(name) else None
