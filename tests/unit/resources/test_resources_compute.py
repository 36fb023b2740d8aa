"""The two Lambda functions and their log groups."""

from __future__ import annotations

from typing import Any

import pytest
from cfn_helpers import arn_of, props, ref

from benchmarks.membound import BOUND_MB
from handlers.seams.settings import (
    DEFAULT_MAX_FILE_BYTES,
    DEFAULT_MAX_REJECTED_RECORDS,
    LEDGER_RETENTION_DAYS_ENV,
    MAX_FILE_BYTES_ENV,
    MAX_REJECTED_RECORDS_ENV,
    ORDERS_TABLE_ENV,
)

FUNCTIONS = [
    ("ValidatorFunction", "validator.handler", "ValidatorRole", "ValidatorLogGroup"),
    ("StoreLargeFunction", "store_large.handler", "StoreLargeRole", "StoreLargeLogGroup"),
]


@pytest.mark.parametrize(("name", "handler", "role", "log_group"), FUNCTIONS)
def test_function_runs_the_handlers_folder_with_its_own_role_and_log_group(
    resources: dict[str, Any], name: str, handler: str, role: str, log_group: str
) -> None:
    # GIVEN a function of the template
    function = props(resources, name)
    # THEN it runs handlers/ on python3.12 arm64 with its own role and log group
    assert function["Handler"] == handler
    assert function["Code"] == "../handlers"
    assert function["Runtime"] == "python3.12"
    assert function["Architectures"] == ["arm64"]
    assert function["Role"] == arn_of(role)
    # AND it logs in the JSON format: application lines at INFO (the printed EMF documents
    # are INFO: a higher level would drop the metrics), Lambda's own at the LambdaSystemLogLevel parameter
    assert function["LoggingConfig"] == {
        "LogGroup": ref(log_group),
        "LogFormat": "JSON",
        "ApplicationLogLevel": "INFO",
        "SystemLogLevel": ref("LambdaSystemLogLevel"),
    }
    assert "FunctionName" not in function
    # AND that log group keeps logs for the LogRetentionDays parameter
    assert props(resources, log_group)["RetentionInDays"] == ref("LogRetentionDays")


def test_lambda_system_log_level_drops_the_per_invocation_lines_by_default(rendered: dict[str, Any]) -> None:
    """Lambda's START/REPORT lines (~330 bytes an invocation) are not sent unless asked for;
    the parameter offers exactly the levels CloudFormation accepts for SystemLogLevel."""
    parameter = rendered["Parameters"]["LambdaSystemLogLevel"]
    assert parameter["Default"] == "WARN"
    assert parameter["AllowedValues"] == ["WARN", "INFO", "DEBUG"]


def test_validator_may_run_fifteen_minutes_with_configurable_memory(resources: dict[str, Any]) -> None:
    # GIVEN the validator
    validator = props(resources, "ValidatorFunction")
    # THEN it has Lambda's maximum timeout and the ValidatorMemorySize parameter's memory
    assert validator["Timeout"] == 900
    assert validator["MemorySize"] == ref("ValidatorMemorySize")


def test_store_large_finds_the_orders_table_through_its_environment(resources: dict[str, Any]) -> None:
    # GIVEN the store-large function
    store_large = props(resources, "StoreLargeFunction")
    # THEN ORDERS_TABLE names OrdersTable
    assert store_large["Environment"] == {"Variables": {ORDERS_TABLE_ENV: ref("OrdersTable")}}


def test_validator_memory_parameter_defaults_to_1024_mb(rendered: dict[str, Any]) -> None:
    """The minimum fits the validator core's memory bound (fails before: MinValue 128)."""
    # GIVEN the parameter
    memory = rendered["Parameters"]["ValidatorMemorySize"]
    # THEN it defaults to 1024, at least the core's 512 MB bound plus boto3 and buffers, within Lambda's max
    assert (memory["Default"], memory["MinValue"], memory["MaxValue"]) == ("1024", 640, 10240)
    assert memory["MinValue"] > BOUND_MB


def test_validator_limits_come_from_the_template_parameters(resources: dict[str, Any]) -> None:
    # GIVEN the validator
    validator = props(resources, "ValidatorFunction")
    # THEN its per-file limits are the MaxRejectedRecords and MaxFileBytes parameters
    assert validator["Environment"] == {
        "Variables": {
            MAX_REJECTED_RECORDS_ENV: ref("MaxRejectedRecords"),
            MAX_FILE_BYTES_ENV: ref("MaxFileBytes"),
            LEDGER_RETENTION_DAYS_ENV: ref("LedgerRetentionDays"),
        }
    }
    # AND at most ValidatorReservedConcurrency validators run at once, across all uploads
    assert validator["ReservedConcurrentExecutions"] == ref("ValidatorReservedConcurrency")


def test_limit_parameters_default_to_the_contracts_values(rendered: dict[str, Any]) -> None:
    # GIVEN the parameters
    parameters = rendered["Parameters"]
    # THEN the defaults are the contract's (1,000 rejected records, 2 GiB inflated, 10 validators)
    bounds = {
        name: (parameters[name]["Default"], parameters[name].get("MinValue"))
        for name in (
            "MaxRejectedRecords",
            "MaxFileBytes",
            "ValidatorReservedConcurrency",
            "LedgerRetentionDays",
        )
    }
    assert bounds == {
        "MaxRejectedRecords": ("1000", 0),  # 0: any rejected record rejects the file
        "MaxFileBytes": ("2147483648", 1),
        "ValidatorReservedConcurrency": ("10", 1),  # 0 would stop the validator altogether
        "LedgerRetentionDays": ("0", 0),  # 0: ledger items are kept (expires_at NULL)
    }
    assert (DEFAULT_MAX_REJECTED_RECORDS, DEFAULT_MAX_FILE_BYTES) == (1000, 2147483648)


def test_only_the_store_large_function_skips_the_concurrency_check(resources: dict[str, Any]) -> None:
    # GIVEN each function's checkov skips
    skips = {
        name: {skip["id"] for skip in resources[name]["Metadata"]["checkov"]["skip"]}
        for name in ("ValidatorFunction", "StoreLargeFunction")
    }
    # THEN the validator, now with reserved concurrency, no longer skips CKV_AWS_115
    assert "CKV_AWS_115" not in skips["ValidatorFunction"]
    assert "CKV_AWS_115" in skips["StoreLargeFunction"]
