"""`python -m quality [check] FILE...` (quality/cli.py; the word `check` is optional here)."""

from __future__ import annotations

import sys
from pathlib import Path

from quality.cli import main

arguments = sys.argv[1:]
if arguments[:1] == ["check"] and not Path("check").exists():
    arguments = arguments[1:]
sys.exit(main(arguments))
