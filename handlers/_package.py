"""Make the deployed folder importable as the `handlers` package.

`aws cloudformation package` zips the *contents* of handlers/, so on Lambda this folder is the zip
root (/var/task) and `validator.handler` is imported as a top-level module. The modules import each
other as `handlers.<module>` (one name in tests, build code and Lambda alike); this registers the zip
root under that name. Imported only by the two entry modules, only when they run as top-level modules.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parent

if "handlers" not in sys.modules:
    _spec = importlib.util.spec_from_file_location(
        "handlers", _ROOT / "__init__.py", submodule_search_locations=[str(_ROOT)]
    )
    assert _spec is not None and _spec.loader is not None
    _module = importlib.util.module_from_spec(_spec)
    sys.modules["handlers"] = _module
    _spec.loader.exec_module(_module)
