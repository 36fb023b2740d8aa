"""The record contract's compiler, under its historical name (the engine is handlers/recordcontract/)."""

from __future__ import annotations

from handlers.recordcontract.compiler import (
    Contract,
    ContractError,
    compile_contract,
    load_contract_document,
    pointer,
)

__all__ = ["Contract", "ContractError", "compile_contract", "load_contract_document", "pointer"]
