"""Run a generated contract module's source in the test process (the Lambda imports the committed file;
no `exec` ships in the deploy artifact)."""

from __future__ import annotations

import types


def exec_module(source: str, name: str = "generated_contract") -> types.ModuleType:
    """The module `codegen.render_module` wrote, run from its source: tests only."""
    module = types.ModuleType(name)
    exec(compile(source, f"<{name}>", "exec"), module.__dict__)
    return module
