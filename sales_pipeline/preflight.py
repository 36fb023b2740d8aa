"""Before anything is deployed (simulate, serve, deploy): the record contract the validator will load must
be one it can enforce, and its generated module current, else one line per problem naming the file
(`handlers/record_contract.json: ...`), exit 2."""

from __future__ import annotations

from pathlib import Path

from handlers.core.rules import CONTRACT_FILE, CONTRACT_NAME
from handlers.recordcontract.buildcheck import shipping_problems
from handlers.recordcontract.compiler import ContractError


def check_contract(path: Path = CONTRACT_FILE, *, name: str = CONTRACT_NAME) -> None:
    """Raise ContractError listing every problem (none: the contract can ship)."""
    problems = shipping_problems(path, name=name)
    if problems:
        raise ContractError(problems)
