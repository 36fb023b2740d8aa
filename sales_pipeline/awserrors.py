"""Every AWS SDK (botocore) failure said in one line, as an operator reads it."""

from __future__ import annotations


def one_line(error: BaseException) -> str | None:
    """The operator's one-line reading of a botocore error (exit status 1); None for any other error."""
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        ConnectTimeoutError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
        ProfileNotFound,
        ReadTimeoutError,
    )

    if isinstance(error, ProfileNotFound):
        return (
            f"AWS profile {error.kwargs.get('profile')!r} not found in the AWS configuration "
            "(`aws configure list-profiles` lists them)"
        )
    if isinstance(error, NoCredentialsError):
        return "no AWS credentials found (configure them as for the AWS CLI: aws configure, --profile, ...)"
    if isinstance(error, PartialCredentialsError):
        return f"incomplete AWS credentials: {error.kwargs.get('cred_var')} is missing"
    if isinstance(error, NoRegionError):
        return "no AWS region configured (pass --region, or set AWS_REGION or a profile's region)"
    if isinstance(error, (ConnectTimeoutError, ReadTimeoutError)):
        return f"no answer from {error.kwargs.get('endpoint_url', 'the AWS endpoint')} (timed out)"
    if isinstance(error, EndpointConnectionError):
        return f"cannot reach {error.kwargs.get('endpoint_url', 'the AWS endpoint')}"
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        code, message = details.get("Code", "Unknown"), _flat(str(details.get("Message") or ""))
        return f"AWS refused {error.operation_name}: {code}" + (f": {message}" if message else "")
    if isinstance(error, BotoCoreError):
        return _flat(str(error))
    if isinstance(error, ValueError) and "Invalid endpoint" in str(error):
        return f"{_flat(str(error))} (an endpoint URL starts with http:// or https://)"
    return None


def _flat(text: str) -> str:
    return " ".join(text.split())
