"""The files a command is given: each file as named, a directory as the files directly inside it.

Shared by `check` (quality/cli.py) and `simulate` (simulate.py); pure, imports no contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from handlers.seams.settings import ACCEPTED_SUFFIXES


class InputError(Exception):
    """A file argument the command cannot use (one line)."""


def expand(arguments: Sequence[str], *, verb: str, ignored_by: str) -> list[tuple[str, Path]]:
    """(name as given, path) per file; a directory stands for the files directly inside it (hidden
    files left out). A missing path, no file at all, or a name whose suffix `ignored_by` ignores
    (the bucket's rule ignores case) is an InputError naming it."""
    files: list[tuple[str, Path]] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            files += [
                (str(p), p) for p in sorted(path.iterdir()) if p.is_file() and not p.name.startswith(".")
            ]
        elif path.is_file():
            files.append((argument, path))
        else:
            raise InputError(f"no such file or directory: {argument}")
    if not files:
        raise InputError(f"no files to {verb}")
    for given, path in files:
        if not path.name.lower().endswith(ACCEPTED_SUFFIXES):
            accepted = " ".join(ACCEPTED_SUFFIXES)
            raise InputError(f"{given}: {ignored_by} ignores this name; accepted suffixes: {accepted}")
    return files
