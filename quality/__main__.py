"""`python -m quality check FILE...` (quality/cli.py)."""

from __future__ import annotations

import sys

from quality.cli import main

sys.exit(main())
