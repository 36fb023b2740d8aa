"""`python -m sales_pipeline ...`: the same as the installed `sales-pipeline` command."""

from __future__ import annotations

import sys

from sales_pipeline.main import main

sys.exit(main())
