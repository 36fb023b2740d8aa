"""deploy.toml: the settings the user keeps for `sales-pipeline deploy` (read, checked, written).

    stack_name = "sales-pipeline"
    region = "eu-west-1"                    # optional: else the AWS configuration's
    profile = "prod"                        # optional: else the default credential chain
    artifacts_bucket = "my-artifacts-bucket"

    [parameters]                            # optional: the template's parameters to override
    LogRetentionDays = 30

Every problem is one line naming the file (and the line and column of a TOML syntax error).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sales_pipeline.errors import UsageError

DEFAULT_PATH = Path("deploy.toml")
REQUIRED = ("stack_name", "artifacts_bucket")
SETTINGS = ("stack_name", "region", "profile", "artifacts_bucket")
# CloudFormation's stack name; S3's bucket name (no IP form, no `..`); an AWS region code; a template
# parameter's logical name.
STACK_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,127}")
BUCKET = re.compile(r"(?!\d+\.\d+\.\d+\.\d+$)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")
PARAMETER = re.compile(r"[A-Za-z0-9]{1,255}")


@dataclass(frozen=True)
class DeployConfig:
    stack_name: str
    artifacts_bucket: str
    region: str | None = None
    profile: str | None = None
    parameters: Mapping[str, str] = field(default_factory=dict)


def load(path: Path) -> DeployConfig:
    """The checked settings of `path`; UsageError (one line) when it is missing or wrong."""
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path} not found: `sales-pipeline deploy --guided` writes it") from None
    except OSError as error:
        raise UsageError(f"{path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    return parse(text, name=str(path))


def parse(text: str, *, name: str = str(DEFAULT_PATH)) -> DeployConfig:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{name}: not TOML: {error}") from None
    return from_document(document, name=name)


def from_document(document: Mapping[str, Any], *, name: str) -> DeployConfig:
    unknown = sorted(set(document) - {*SETTINGS, "parameters"})
    if unknown:
        known = ", ".join((*SETTINGS, "[parameters]"))
        raise UsageError(f"{name}: unknown setting {unknown[0]!r} (known: {known})")
    missing = [key for key in REQUIRED if key not in document]
    if missing:
        raise UsageError(f"{name}: {missing[0]} is missing")
    values = {key: _string(document, key, name) for key in SETTINGS if key in document}
    _check(values, name)
    return DeployConfig(
        stack_name=values["stack_name"],
        artifacts_bucket=values["artifacts_bucket"],
        region=values.get("region"),
        profile=values.get("profile"),
        parameters=_parameters(document.get("parameters", {}), name),
    )


def _string(document: Mapping[str, Any], key: str, name: str) -> str:
    value = document[key]
    if not isinstance(value, str):
        raise UsageError(f"{name}: {key} must be a string (in quotes), not {_kind(value)}")
    return value


def _check(values: Mapping[str, str], name: str) -> None:
    rules = (
        ("stack_name", STACK_NAME, "a letter, then letters, digits or '-', at most 128"),
        (
            "artifacts_bucket",
            BUCKET,
            "an S3 bucket name: 3-63 of a-z 0-9 . -, starting and ending alphanumeric",
        ),
        ("region", REGION, "an AWS region code such as eu-west-1"),
    )
    for key, pattern, expected in rules:
        if key in values and not pattern.fullmatch(values[key]):
            raise UsageError(f"{name}: {key} {values[key]!r} is not {expected}")
    profile = values.get("profile")
    if profile is not None and (not profile or not profile.isprintable() or profile != profile.strip()):
        raise UsageError(f"{name}: profile {profile!r} is not a profile name")


def command_line(*, region: str | None, profile: str | None) -> dict[str, str]:
    """`--region` and `--profile` as given (None: not given), checked as deploy.toml's settings are."""
    given = {key: value for key, value in (("region", region), ("profile", profile)) if value is not None}
    for key, value in given.items():
        _check({key: value}, f"--{key}")
    return given


def override(config: DeployConfig, given: Mapping[str, str]) -> DeployConfig:
    """`config` with the command line's region and profile (command_line's result) in place of the file's."""
    return replace(
        config, region=given.get("region", config.region), profile=given.get("profile", config.profile)
    )


def _parameters(table: Any, name: str) -> dict[str, str]:
    if not isinstance(table, dict):
        raise UsageError(f"{name}: parameters must be a table ([parameters]), not {_kind(table)}")
    found: dict[str, str] = {}
    for key, value in table.items():
        if not PARAMETER.fullmatch(key):
            raise UsageError(f"{name}: [parameters] {key!r} is not a parameter name (letters and digits)")
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise UsageError(f"{name}: [parameters] {key} must be a string or a number, not {_kind(value)}")
        text = str(value)
        if not text.isprintable():
            raise UsageError(f"{name}: [parameters] {key} holds a control character")
        found[key] = text
    return found


def _kind(value: Any) -> str:
    kinds = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "an array"}
    return kinds.get(type(value), "a table" if isinstance(value, dict) else "a date or time")


def check_parameters(config: DeployConfig, declared: Mapping[str, Any], *, name: str) -> None:
    """Each overridden parameter must be one the template declares (a typo is caught before AWS)."""
    for key in config.parameters:
        if key not in declared:
            known = ", ".join(sorted(declared))
            raise UsageError(f"{name}: [parameters] {key} is not a parameter of the template (has: {known})")


def dumps(config: DeployConfig) -> str:
    """deploy.toml's text for `config` (what `--guided` writes); `parse(dumps(c)) == c`."""
    lines = ["# sales-pipeline deploy settings (`sales-pipeline deploy --guided` writes this file)"]
    for key in SETTINGS:
        value = getattr(config, key)
        if value is not None:
            lines.append(f"{key} = {toml_string(value)}")
    if config.parameters:
        lines += ["", "[parameters]"]
        lines += [f"{key} = {toml_string(value)}" for key, value in sorted(config.parameters.items())]
    return "\n".join(lines) + "\n"


def toml_string(text: str) -> str:
    """A TOML basic string: `"` and `\\` escaped, every control character as \\uXXXX."""
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04X}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'
