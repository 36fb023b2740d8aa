"""boto3 clients bound to the emulator's endpoint with dummy credentials."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

# In the User-Agent of the emulator's own clients: emulator/patches/service_faults.py never faults them.
HARNESS_AGENT = "emulator-harness"

REGION = "us-east-1"


@dataclass(frozen=True)
class Clients:
    """One client per service the emulator and its users touch."""

    s3: Any
    dynamodb: Any
    sqs: Any
    stepfunctions: Any
    events: Any
    cloudformation: Any
    logs: Any

    @classmethod
    def for_endpoint(cls, endpoint_url: str, region: str = REGION) -> Clients:
        session = boto3.session.Session(
            aws_access_key_id="emulator", aws_secret_access_key="emulator", region_name=region
        )
        # Marked so the emulator never injects a fault into its own calls (patches/service_faults.py).
        config = Config(
            retries={"max_attempts": 2, "mode": "standard"},
            read_timeout=300,
            user_agent_extra=HARNESS_AGENT,
        )

        def client(service: str) -> Any:
            return session.client(service, endpoint_url=endpoint_url, config=config)

        return cls(
            s3=client("s3"),
            dynamodb=client("dynamodb"),
            sqs=client("sqs"),
            stepfunctions=client("stepfunctions"),
            events=client("events"),
            cloudformation=client("cloudformation"),
            logs=client("logs"),
        )
