"""The record contract's own cost per record: the original three `if`s, a contract's generated hot path
(the committed module build.py writes), and the same contract's compiled checks alone (no generated
code), over the benchmark's seeded orders. The figures behind handlers/recordcontract/codegen.py's
choice; `make bench` measures the whole validator (validator-ifs / validator-example).

    python -m benchmarks.contract_cost [--records N] [--json]

CPU time (process_time), best of 5 passes, in microseconds per record.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks.contenders import EXAMPLE_CONTRACT, check
from benchmarks.orders import encode, records
from handlers.core.rules import CONTRACT_FILE, load_rules

CONTRACTS = {
    "default": (CONTRACT_FILE, "record_contract"),
    "example": (EXAMPLE_CONTRACT, "examples_record_contract"),
}


def per_record_us(test: Callable[[Any], Any], orders: list[Any], passes: int = 5) -> float:
    best = float("inf")
    for _ in range(passes):
        started = time.process_time()
        for order in orders:
            test(order)
        best = min(best, time.process_time() - started)
    return best / len(orders) * 1e6


def measure(count: int) -> dict[str, float]:
    orders = [json.loads(encode(order), parse_float=Decimal) for order in records(count)]
    found = {"ifs": per_record_us(check, orders)}
    for name, (path, module) in CONTRACTS.items():
        found[f"{name}_generated"] = per_record_us(load_rules(Path(path), generated=module).ok, orders)
        found[f"{name}_checks_only"] = per_record_us(load_rules(Path(path)).ok, orders)
    return {name: round(value, 2) for name, value in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    found = measure(args.records)
    if args.json:
        print(json.dumps(found))
        return
    for name, value in found.items():
        print(f"{name:24} {value:8.2f} us/record")


if __name__ == "__main__":
    main()
