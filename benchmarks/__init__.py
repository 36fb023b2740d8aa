"""Benchmarks (run with `python -m benchmarks.validator`)."""
