"""`python -m review ...` (see review/cli.py)."""

from __future__ import annotations

import sys

from review.cli import main

sys.exit(main())
