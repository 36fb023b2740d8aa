"""`make bench`: the scoreboard (naive vs bare vs validator, both forms), the pipeline's dollars, files past
one validator (10 GB / 100 GB), the memory bound, the soak.

    python -m benchmarks.run [--records N | --gigabyte] [--runs 3]

Every figure printed comes from this one invocation: the scoreboard's ratios from its own runs, the
cost table from its own emulator runs (and the validator core's rate on the same records), the big-file
model (benchmarks/bigfiles.py) from those runs plus a split file's and the core's rates per form, the
soak's figures from 200 files under AWS's faults (benchmarks/soak.py).
"""

from __future__ import annotations

import argparse
import sys

from benchmarks import bigfiles, membound, pipeline, scoreboard, soak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--records", type=int, default=scoreboard.DEFAULT_RECORDS)
    size.add_argument("--gigabyte", action="store_true", help="a file of about 1 GiB per form")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--soak-files", type=int, default=200, help="files in the soak (default 200)")
    args = parser.parse_args()
    board = ["--gigabyte"] if args.gigabyte else ["--records", str(args.records)]
    scoreboard.main([*board, "--runs", str(args.runs)])
    sys.stdout.flush()
    collected = pipeline.collect(list(pipeline.DEFAULT_SIZES))
    pipeline.report(collected)
    sys.stdout.flush()
    bigfiles.main([], collected=collected)
    sys.stdout.flush()
    membound.main([])
    soak.main(["--files", str(args.soak_files)])


if __name__ == "__main__":
    main()
