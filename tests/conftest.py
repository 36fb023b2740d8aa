"""Shared test settings."""

import os

# sagemaker 2.x (pulled in by stepfunctions) warns about v3 on import; the warning is not ours to fix.
os.environ.setdefault("SAGEMAKER_SUPPRESS_V2_WARNING", "1")
