"""An argparse parser whose usage errors are one line (`PROG: error: ...`), exit status 2."""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

from sales_pipeline.errors import USAGE


class OneLineParser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)  # as the AWS CLI: `--guide` is not `--guided`
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message} (see {self.prog} --help)", file=sys.stderr)
        sys.exit(USAGE)
