"""Render a report page in headless Chromium and save a PNG: `python -m quality.screenshot PAGE.html OUT.png`.

Needs Debian's `chromium` (apt-get install chromium). The page loads nothing from the network, and
Chromium runs with its network features off, in a throw-away profile.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--hide-scrollbars",
)


def browser() -> str | None:
    """The first Chromium on PATH, or None."""
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def screenshot(page: Path, out: Path, *, width: int = 1100, height: int = 1400, timeout: float = 120) -> None:
    """Save `page` as a PNG of `width` x `height` CSS pixels (RuntimeError when Chromium fails)."""
    if not page.is_file():
        raise RuntimeError(f"{page}: no such file (a report page, .html)")
    if out.is_dir() or not out.parent.is_dir():
        raise RuntimeError(f"cannot write {out}: name a .png file in an existing directory")
    found = browser()
    if found is None:
        raise RuntimeError("no Chromium on PATH (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile:
        command = [
            found,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--screenshot={out.resolve()}",
            f"--window-size={width},{height}",
            page.resolve().as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0 or not out.is_file():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"chromium failed ({done.returncode}): {last}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None,
        epilog="exit status: 0 the PNG is written; 1 it is not (one line on stderr)",
    )
    parser.add_argument("page", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--width", type=int, default=1100)
    parser.add_argument("--height", type=int, default=1400)
    args = parser.parse_args(argv)
    try:
        screenshot(args.page, args.out, width=args.width, height=args.height)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as error:
        print(f"screenshot: error: {error}", file=sys.stderr)
        return 1
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
