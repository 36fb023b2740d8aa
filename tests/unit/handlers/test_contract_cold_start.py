"""The validator's cold start runs the committed generated module: it never imports the code generator
(no `exec` of contract-made source in the Lambda) nor the build-time check (`jsonschema` is not in the
Lambda), and it binds every schema of the shipped contract to its generated function.

Failure class: contract source generated and exec'd at cold start (before d1b095e,
handlers/schema_fast.py did exactly that), a build-time dependency reaching the Lambda, a generated
module silently not used (the hot path falling back to the slower checks)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]

_PROBE = """
import sys
import handlers.validator
from handlers.rules import RULES
from handlers.recordcontract.generated import record_contract
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("jsonschema", "referencing")
                or m in ("handlers.recordcontract.codegen", "handlers.recordcontract.buildcheck"))
print(loaded)
bound = all(node.fast.__module__ == record_contract.__name__ for node in RULES.contract.nodes.values())
print(bound, RULES.ok.__module__)
"""


def test_the_cold_start_uses_the_committed_module_and_nothing_build_time() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]", "True handlers.recordcontract.generated.record_contract"]
