"""The one error the command reports as a single line (everything expected: a bad file, a missing stack)."""

from __future__ import annotations


class ReviewError(Exception):
    """A problem the operator can fix; printed as `review: error: <message>` with exit status 1."""
