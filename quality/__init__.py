"""Data quality of order files: a local check with the validator's own core, and a report per file."""
