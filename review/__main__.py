"""`python -m review ...`: an alias of `sales-pipeline review ...` (the same entry, so the same one-line
errors and exit statuses, a broken record contract included)."""

from __future__ import annotations

import sys

from sales_pipeline.main import main

sys.exit(main(["review", *sys.argv[1:]]))
