"""The state machine, authored with the Step Functions Data Science SDK (`stepfunctions`)."""

import logging

# sagemaker (a dependency of stepfunctions) logs its config look-up at import time; keep build output clean.
logging.getLogger("sagemaker.config").setLevel(logging.WARNING)
