"""The README and docs/: every relative link resolves (file and heading), the README leads to every
document, and no document points at an issue tracker outside the repository.

Failure class: a fact moved to another document (the README's sections moved into docs/) leaves a
link to a file or a heading that no longer exists, a document nobody can reach from the README, or an
"issue N" reference a reader of the repository cannot follow.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(document: Path) -> set[str]:
    text = FENCE.sub("", document.read_text(encoding="utf-8"))
    return {_slug(h) for h in re.findall(r"^#+ (.+)$", text, re.M)}


def _links(document: Path) -> list[str]:
    text = FENCE.sub("", document.read_text(encoding="utf-8"))
    return [t for t in LINK.findall(text) if not re.match(r"[a-z]+:", t)]


def test_the_slug_is_githubs() -> None:
    assert (
        _slug("Review message (SQS body, JSON; `reason` (String))")
        == "review-message-sqs-body-json-reason-string"
    )
    assert _slug("`output/`: every change is a reviewed diff") == "output-every-change-is-a-reviewed-diff"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_every_relative_link_resolves(document: Path) -> None:
    broken = []
    for target in _links(document):
        path, _, anchor = target.partition("#")
        resolved = (document.parent / path).resolve() if path else document
        if not resolved.exists():
            broken.append(f"{target}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
            broken.append(f"{target}: no such heading")
    assert not broken, f"{document.relative_to(REPO_ROOT)}: {broken}"


def test_the_readme_leads_to_every_document() -> None:
    """Every document under docs/ is reached from the README by following links."""
    seen, todo = set(), [(REPO_ROOT / "README.md").resolve()]
    while todo:
        document = todo.pop()
        if document in seen or document.suffix != ".md" or not document.is_file():
            continue
        seen.add(document)
        todo += [(document.parent / t.partition("#")[0]).resolve() for t in _links(document) if t[0] != "#"]
    unreachable = [d.name for d in DOCUMENTS if d.resolve() not in seen]
    assert not unreachable, unreachable


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_no_reference_to_an_outside_tracker(document: Path) -> None:
    found = re.findall(r"\bissues? #?\d+", document.read_text(encoding="utf-8"), re.I)
    assert not found, f"{document.relative_to(REPO_ROOT)}: {found}"


def test_the_reason_code_table_is_the_validators_list() -> None:
    """docs/reference.md holds the one list of reason codes (docs/seams.md links to it): each code the
    validator gives, in its scope, once. Failure class: a code added to handlers/seams/settings.py that no
    document explains, or a documented code the validator no longer gives."""
    from handlers.seams.settings import FILE_REASONS, RECORD_REASONS

    text = (REPO_ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z_0-9]+)` \| (record|file) \|", text, re.M)
    assert sorted(rows) == sorted(
        [(code, "record") for code in RECORD_REASONS] + [(code, "file") for code in FILE_REASONS]
    )


MODULE_PATH = re.compile(r"(?<![\w/.])((?:handlers|workflow)/[\w/]*\w\.py)\b")


@pytest.mark.parametrize(
    "document",
    [*DOCUMENTS, REPO_ROOT / "emulator" / "README.md"],
    ids=lambda p: str(p.relative_to(REPO_ROOT)),
)
def test_every_named_handlers_or_workflow_module_exists(document: Path) -> None:
    """Failure class: a module moved or split (handlers/ into packages by role, workflow/files.py into
    three) while a document still sends the reader to its old path."""
    named = MODULE_PATH.findall(document.read_text(encoding="utf-8"))
    missing = sorted({path for path in named if not (REPO_ROOT / path).is_file()})
    assert not missing, f"{document.relative_to(REPO_ROOT)}: {missing}"


def test_a_stale_module_path_is_found() -> None:
    text = "see handlers/seams/shapes.py, `workflow/files.py` and tests/unit/workflow/x.py"
    assert MODULE_PATH.findall(text) == ["handlers/seams/shapes.py", "workflow/files.py"]
