"""`make bench` entry point: every benchmark in this folder."""

from __future__ import annotations

from benchmarks import pipeline, validator

if __name__ == "__main__":
    validator.main()
    pipeline.main()
