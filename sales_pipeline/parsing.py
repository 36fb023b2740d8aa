"""An argparse parser whose usage errors are one line (`PROG: error: ...`), exit status 2."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from sales_pipeline.errors import USAGE


class OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message} (see {self.prog} --help)", file=sys.stderr)
        sys.exit(USAGE)
