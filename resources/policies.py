"""Resource-policy statements shared by the bucket and the queues."""

from __future__ import annotations

from awacs.aws import Action, Condition, Deny, Principal, Statement
from awacs.aws import Bool as BoolCondition


def deny_insecure_transport(service: str, resources: list[object]) -> Statement:
    """Deny every request to `resources` that does not use TLS."""
    return Statement(
        Sid="DenyInsecureTransport",
        Effect=Deny,
        Principal=Principal("*"),
        # A Deny: the one place a wildcard action narrows access instead of granting it.
        Action=[Action(service, "*")],
        Resource=resources,
        Condition=Condition(BoolCondition("aws:SecureTransport", "false")),
    )
