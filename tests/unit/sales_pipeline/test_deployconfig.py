"""deploy.toml: every bad setting is one line naming the file, exit status 2; what --guided writes reads back.

Failure classes: a traceback (or a deploy with a typo'd parameter) instead of a one-line refusal; a
written deploy.toml that does not read back as written (escaping).
"""

from __future__ import annotations

import random
import string
import tomllib
from pathlib import Path

import pytest

from sales_pipeline import deployconfig
from sales_pipeline.deploy import overrides
from sales_pipeline.deployconfig import DeployConfig, dumps, parse
from sales_pipeline.errors import UsageError

GOOD = 'stack_name = "sales-pipeline"\nartifacts_bucket = "my-artifacts"\n'


def _refusal(text: str) -> str:
    with pytest.raises(UsageError) as refused:
        parse(text, name="deploy.toml")
    assert refused.value.status == 2
    message = str(refused.value)
    assert "\n" not in message
    return message


def test_a_full_file_is_read() -> None:
    text = GOOD + 'region = "eu-west-1"\nprofile = "prod"\n[parameters]\nLogRetentionDays = 14\nX = "a,b"\n'
    assert parse(text) == DeployConfig(
        stack_name="sales-pipeline",
        artifacts_bucket="my-artifacts",
        region="eu-west-1",
        profile="prod",
        parameters={"LogRetentionDays": "14", "X": "a,b"},
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('stack_name = "s"\n', "deploy.toml: artifacts_bucket is missing"),
        ('artifacts_bucket = "bucket"\n', "deploy.toml: stack_name is missing"),
        (GOOD + 'stak_name = "x"\n', "deploy.toml: unknown setting 'stak_name' (known: stack_name, region, "
         "profile, artifacts_bucket, [parameters])"),
        (GOOD + "region = 1\n", "deploy.toml: region must be a string (in quotes), not a number"),
        (GOOD + 'region = "Europe"\n',
         "deploy.toml: region 'Europe' is not an AWS region code such as eu-west-1"),
        ('stack_name = "1st"\nartifacts_bucket = "bucket"\n',
         "deploy.toml: stack_name '1st' is not a letter, then letters, digits or '-', at most 128"),
        ('stack_name = "s"\nartifacts_bucket = "My_Bucket"\n', "deploy.toml: artifacts_bucket 'My_Bucket' is "
         "not an S3 bucket name: 3-63 of a-z 0-9 . -, starting and ending alphanumeric"),
        ('stack_name = "s"\nartifacts_bucket = "a..b"\n', "deploy.toml: artifacts_bucket 'a..b' is not an S3 "
         "bucket name: 3-63 of a-z 0-9 . -, starting and ending alphanumeric"),
        (GOOD + 'profile = ""\n', "deploy.toml: profile '' is not a profile name"),
        (GOOD + "parameters = 3\n", "deploy.toml: parameters must be a table ([parameters]), not a number"),
        (GOOD + "[parameters]\nLogRetentionDays = true\n",
         "deploy.toml: [parameters] LogRetentionDays must be a string or a number, not a boolean"),
        (GOOD + '[parameters]\n"Log-Days" = 1\n',
         "deploy.toml: [parameters] 'Log-Days' is not a parameter name (letters and digits)"),
        (GOOD + '[parameters]\nA = "x\\ny"\n', "deploy.toml: [parameters] A holds a control character"),
        ('stack_name = "s\n', "deploy.toml: not TOML: Illegal character '\\n' (at line 1, column 16)"),
        (GOOD + "region =\n", "deploy.toml: not TOML: Invalid value (at line 3, column 9)"),
    ],
)  # fmt: skip
def test_each_bad_setting_is_one_line(text: str, message: str) -> None:
    assert _refusal(text) == message


def test_a_missing_or_unreadable_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(
        UsageError, match=r"deploy.toml not found: `sales-pipeline deploy --guided` writes it$"
    ):
        deployconfig.load(tmp_path / "deploy.toml")
    (tmp_path / "latin1.toml").write_bytes(b'stack_name = "\xe9"\n')
    with pytest.raises(UsageError, match=r"latin1.toml: not UTF-8 text$"):
        deployconfig.load(tmp_path / "latin1.toml")


def test_a_parameter_the_template_lacks_is_refused_before_aws() -> None:
    config = parse(GOOD + "[parameters]\nLogRetentionDay = 14\n")
    with pytest.raises(UsageError) as refused:
        deployconfig.check_parameters(config, {"LogRetentionDays": {}, "X": {}}, name="deploy.toml")
    assert str(refused.value) == (
        "deploy.toml: [parameters] LogRetentionDay is not a parameter of the template "
        "(has: LogRetentionDays, X)"
    )


def test_every_template_parameter_is_passed_so_the_stack_is_what_the_file_says() -> None:
    declared = {"A": {"Default": "1"}, "B": {"Default": ""}, "C": {"Default": "3"}}
    config = parse(GOOD + "[parameters]\nC = 30\n")
    assert overrides(config, declared) == ["A=1", "B=", "C=30"]
    with pytest.raises(UsageError, match="the template's parameter D has no default: set it in"):
        overrides(config, {**declared, "D": {"Type": "String"}})


def _text(rng: random.Random, alphabet: str, size: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, size)))


def test_what_guided_writes_reads_back_the_same_seeded() -> None:
    """Seeded, bounded: 500 configurations with quotes, backslashes, unicode and TOML-looking values."""
    rng = random.Random(15)
    awkward = string.ascii_letters + string.digits + " \"\\'#=[]{},.-_é€😀\t"
    for _ in range(500):
        config = DeployConfig(
            stack_name="s" + _text(rng, string.ascii_letters + string.digits + "-", 20),
            artifacts_bucket="b" + _text(rng, string.ascii_lowercase + string.digits + "-", 20) + "1",
            region=rng.choice([None, "eu-west-1", "us-gov-west-1", "cn-north-1"]),
            profile=rng.choice([None, "x" + _text(rng, awkward.replace("\t", ""), 12) + "y"]),
            parameters={_text(rng, string.ascii_letters, 8): _text(rng, awkward.replace("\t", ""), 16)
                        for _ in range(rng.randint(0, 4))},
        )  # fmt: skip
        assert parse(dumps(config)) == config


def test_random_text_is_a_configuration_or_one_line_seeded() -> None:
    """Seeded, bounded fuzz of the reader: mutated deploy.toml text never raises anything but UsageError."""
    rng = random.Random(1515)
    base = GOOD + 'region = "eu-west-1"\n[parameters]\nLogRetentionDays = 14\n'
    pieces = ['"', "'", "=", "[", "]", "\n", "\\", "\x00", "é", "#", "{", "}", "1", ".", " "]
    for _ in range(2000):
        chars = list(base)
        for _ in range(rng.randint(1, 4)):
            position = rng.randrange(len(chars) + 1)
            if rng.random() < 0.5 and chars:
                del chars[min(position, len(chars) - 1)]
            else:
                chars.insert(position, rng.choice(pieces))
        text = "".join(chars)
        try:
            parsed = parse(text)
        except UsageError as error:
            assert "\n" not in str(error) and str(error).startswith("deploy.toml: ")
            continue
        assert parsed == parse(dumps(parsed))
        assert tomllib.loads(dumps(parsed))  # what it would write back is TOML too


def test_region_and_profile_options_override_the_file() -> None:
    """`deploy --region/--profile` win over deploy.toml's; the rest of the file stays.
    Failure class: an option that is parsed and then ignored (the file's region or profile used)."""
    config = parse(GOOD + 'region = "eu-west-1"\nprofile = "prod"\n[parameters]\nLogRetentionDays = 14\n')
    given = deployconfig.command_line(region="us-east-2", profile="staging")
    assert deployconfig.override(config, given) == DeployConfig(
        "sales-pipeline", "my-artifacts", "us-east-2", "staging", {"LogRetentionDays": "14"}
    )
    only_region = deployconfig.command_line(region="ap-south-1", profile=None)
    assert deployconfig.override(config, only_region).profile == "prod"
    assert deployconfig.override(config, deployconfig.command_line(region=None, profile=None)) == config


@pytest.mark.parametrize(
    ("region", "profile", "message"),
    [
        ("nowhere", None, "--region: region 'nowhere' is not an AWS region code such as eu-west-1"),
        (None, " prod", "--profile: profile ' prod' is not a profile name"),
        (None, "", "--profile: profile '' is not a profile name"),
    ],
)
def test_a_bad_region_or_profile_option_is_one_line(
    region: str | None, profile: str | None, message: str
) -> None:
    with pytest.raises(UsageError) as refused:
        deployconfig.command_line(region=region, profile=profile)
    assert (str(refused.value), refused.value.status) == (message, 2)


def test_random_region_and_profile_options_are_accepted_as_the_file_accepts_them_seeded() -> None:
    """Seeded, bounded differential: an option is accepted exactly when the same value in deploy.toml is."""
    rng = random.Random(615)
    alphabet = string.ascii_lowercase + string.digits + "-_ \t\n\x00é" + string.ascii_uppercase[:3]
    for _ in range(1000):
        key = rng.choice(["region", "profile"])
        value = rng.choice(["eu-west-1", "us-gov-west-1", "prod", ""]) + _text(
            rng, alphabet, 12
        ) * rng.randint(0, 1)
        try:
            parse(GOOD + f"{key} = {deployconfig.toml_string(value)}\n")
            in_file = True
        except UsageError:
            in_file = False
        try:
            given = deployconfig.command_line(**{"region": None, "profile": None, key: value})
        except UsageError as error:
            assert not in_file and "\n" not in str(error) and str(error).startswith(f"--{key}: ")
        else:
            assert in_file and given == {key: value}
