"""`python -m emulator.readmes [--write]`: check (or rewrite) the generated not-emulated
block of emulator/README.md.

Exit 1 when a README's block differs from `emulator.limits.render()` (without --write).
"""

from __future__ import annotations

import argparse
import sys

from emulator.limits import READMES, REPO_ROOT, block_in, render, rewritten


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="rewrite the READMEs' blocks")
    args = parser.parse_args(argv)
    stale = []
    for readme in READMES:
        text = readme.read_text(encoding="utf-8")
        if block_in(text) != render():
            stale.append(readme)
            if args.write:
                readme.write_text(rewritten(text), encoding="utf-8")
    for readme in stale:
        print(f"{'rewrote' if args.write else 'stale'}: {readme.relative_to(REPO_ROOT)}")
    return 0 if args.write or not stale else 1


if __name__ == "__main__":
    sys.exit(main())
