"""`make bench`'s scoreboard: naive vs bare vs validator on the same seeded file, both forms, one run.

    python -m benchmarks.scoreboard [--records N | --gigabyte] [--runs 3] [--seed 7] [--dir DIR]

Writes one seeded file per form and record shape (`--profiles`: realistic orders; a flat shape of
floats, tags, nulls and booleans with five kinds of invalid record, run with the naive and validator
contenders only; every 10th record invalid), runs every contender `--runs` times on it, each run in a
fresh process (a clean peak RSS), and prints one JSON line per shape x contender x form: median
records/s and MB/s (wall clock), median CPU seconds and CPU records/s, peak RSS, and the ratios to the
naive and bare contenders measured in this same run (ratios of CPU time: a contender's own process
time, steady when the 2-core machine runs other work; wall time is shown).
The validator's line carries validator/naive and validator/bare; with the validator-ifs contender,
the validator and validator-example lines carry `contract_cost`: the share of throughput the record
contract costs against the original `if`s, the budget being 0.10 for the default contract and 0.25
for the example (a contract may slow the validator by at most that share); the check line carries
`check/validator`, the local check's rate against the validator core's (the goal: at least 0.8).
Counts must agree between contenders, or the run fails.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from benchmarks import orders
from benchmarks.contenders import CONTENDERS

DEFAULT_RECORDS = 200_000
GIGABYTE = 1 << 30
_MB = 1_000_000


def records_for_bytes(target: int, *, seed: int, profile: str = "realistic") -> int:
    """How many records make a file of about `target` bytes (from the mean size of 2,000 records)."""
    sample = orders.body(2000, seed=seed, profile=profile)
    return max(1, round(target / (len(sample) / 2000)))


def run_once(name: str, form: str, path: Path) -> dict[str, Any]:
    """One contender in a fresh interpreter; its JSON result."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.contenders", name, form, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def summarise(runs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per contender × form from every run: medians, and ratios within the same form."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for run in runs:
        groups.setdefault((run["contender"], run["form"]), []).append(run)
    lines: list[dict[str, Any]] = []
    rates: dict[tuple[str, str], float] = {}
    for (name, form), group in groups.items():
        counts = {(r["records"], r.get("valid"), r.get("invalid")) for r in group}
        if len(counts) != 1:
            raise ValueError(f"{name}/{form}: runs disagree on counts {counts}")
        seconds = statistics.median(r["seconds"] for r in group)
        # Ratios compare CPU time (the process's own, whatever else the machine runs); wall time is shown.
        cpu_seconds = statistics.median(r.get("cpu_seconds", r["seconds"]) for r in group)
        first = group[0]
        rates[name, form] = first["records"] / cpu_seconds
        lines.append(
            {
                "contender": name,
                "form": form,
                "records": first["records"],
                "valid": first.get("valid"),
                "invalid": first.get("invalid"),
                "input_mb": round(first["input_bytes"] / _MB, 1),
                "runs": len(group),
                "median_seconds": round(seconds, 3),
                "records_per_s": round(first["records"] / seconds),
                "median_cpu_seconds": round(cpu_seconds, 3),
                "cpu_records_per_s": round(first["records"] / cpu_seconds),
                "mb_per_s": round(first["input_bytes"] / _MB / seconds, 2),
                "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in group),
            }
        )
    for line in lines:
        form = line["form"]
        for other in ("naive", "bare"):
            if (other, form) in rates:
                line[f"vs_{other}"] = round(rates[line["contender"], form] / rates[other, form], 2)
        if line["contender"] == "validator":
            for other in ("naive", "bare"):
                if f"vs_{other}" in line:
                    line[f"validator/{other}"] = line.pop(f"vs_{other}")
    for line in lines:
        core = rates.get(("validator", line["form"]))
        if core and line["contender"] == "check":
            # the local check against the validator core on the same file (goal >= 0.8)
            line["check/validator"] = round(rates["check", line["form"]] / core, 2)
    for line in lines:
        baseline = rates.get(("validator-ifs", line["form"]))
        if baseline and line["contender"] in ("validator", "validator-example"):
            line["contract_cost"] = round(1 - rates[line["contender"], line["form"]] / baseline, 3)
    agree = {(line["form"], line["records"], line["valid"], line["invalid"]) for line in lines}
    if len({key[0] for key in agree}) != len(agree):
        raise ValueError(f"contenders disagree on counts: {sorted(agree)}")
    order = {name: position for position, name in enumerate(CONTENDERS)}
    return sorted(lines, key=lambda line: (line["form"] != "jsonl", order.get(line["contender"], 99)))


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--records", type=int, default=DEFAULT_RECORDS)
    size.add_argument("--gigabyte", action="store_true", help="a file of about 1 GiB per form")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--forms", nargs="+", choices=sorted(orders.FORMS), default=["jsonl", "array"])
    parser.add_argument("--contenders", nargs="+", choices=CONTENDERS, default=list(CONTENDERS))
    parser.add_argument("--dir", type=Path, help="where the generated files go (default: a temp dir)")
    parser.add_argument("--profiles", nargs="+", choices=orders.PROFILES, default=["realistic", "flat"])
    args = parser.parse_args(argv)
    lines: list[dict[str, Any]] = []
    for profile in args.profiles:
        contenders = (
            args.contenders
            if profile == "realistic"
            else [name for name in args.contenders if name in SHAPE_CONTENDERS]
        )
        found = _profile_lines(args, profile, contenders)
        for line in found:
            print(json.dumps(line), flush=True)
        lines += found
    return lines


# Another record shape than the realistic orders: the validator against the naive baseline.
SHAPE_CONTENDERS = ("naive", "validator")


def _profile_lines(args: argparse.Namespace, profile: str, contenders: list[str]) -> list[dict[str, Any]]:
    count = records_for_bytes(GIGABYTE, seed=args.seed, profile=profile) if args.gigabyte else args.records
    with tempfile.TemporaryDirectory(dir=args.dir) as directory:
        runs = []
        for form in args.forms:
            stats = orders.write_file(Path(directory), form, count, seed=args.seed, profile=profile)
            print(
                f"# {profile} {form}: {stats.records} records ({stats.invalid} invalid), "
                f"{stats.bytes / _MB:.1f} MB",
                file=sys.stderr,
                flush=True,
            )
            for _ in range(args.runs):  # interleaved, so a slow spell of the machine hits every contender
                for name in contenders:
                    runs.append(run_once(name, form, stats.path))
            stats.path.unlink()
    return [{"profile": profile, **line} for line in summarise(runs)]


if __name__ == "__main__":
    main()
