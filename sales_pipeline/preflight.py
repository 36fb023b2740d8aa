"""Before anything is deployed (simulate, serve, deploy): the record contract the validator will load must
be one it can enforce, else one line naming the file (`handlers/record_contract.json: ...`), exit 2."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "handlers" / "record_contract.json"


def check_contract(path: Path = CONTRACT) -> None:
    """Raise handlers.schema.ContractError listing every problem (none: the contract can ship)."""
    from handlers.schema import ContractError

    name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
    try:  # handlers/rules.py compiles the default contract when imported: it may be the first to say so
        from contract_build import contract_problems
    except ContractError as error:
        raise ContractError([f"{name}: {problem}" for problem in error.problems]) from None
    except json.JSONDecodeError as error:
        raise ContractError(
            [f"{name}: not JSON at line {error.lineno}, column {error.colno}: {error.msg}"]
        ) from None
    except UnicodeDecodeError:
        raise ContractError([f"{name}: not UTF-8 text"]) from None
    problems = contract_problems(path, name=name)
    if problems:
        raise ContractError(problems)
