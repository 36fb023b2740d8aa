"""What a report shows of one file: its reconciliation, rejections per reason and rule, first examples."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Example:
    """A record that breaks a rule: where it is, never what it holds."""

    index: int | None
    line: int | None
    path: str
    rule: str

    def as_json(self) -> dict[str, Any]:
        return {"index": self.index, "line": self.line}


@dataclass(frozen=True)
class FileQuality:
    """One file's verdicts. `parts` reconcile `records` (records = the sum of the parts' counts)."""

    name: str
    records: int | None
    parts: tuple[tuple[str, int], ...] = ()
    file_rejected: bool = False
    reason: str | None = None
    message: str | None = None
    # Where a not_json / truncated / not_utf8 rejection is: line, column, offset (or byte_offset).
    position: dict[str, int] | None = None
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    rejected_by_rule: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[Example]] = field(default_factory=dict)
    # Where the figures come from (shown in the report): "local check" or "pipeline ledger".
    origin: str = "local check"

    @property
    def rejected(self) -> int:
        return sum(self.rejected_by_reason.values())

    def reconciliation(self) -> str:
        """`records 1000 = stored 950 + duplicates 0 + rejected 50` (or the file's rejection)."""
        if self.file_rejected:
            return f"file rejected: {self.reason}"
        if self.records is None:
            return "records unknown"
        return f"records {self.records} = " + " + ".join(f"{name} {n}" for name, n in self.parts)

    def rules_ranked(self) -> list[tuple[str, int]]:
        """The rules, most broken first (ties by name)."""
        return sorted(self.rejected_by_rule.items(), key=lambda item: (-item[1], item[0]))

    def reasons_ranked(self) -> list[tuple[str, int]]:
        return sorted(self.rejected_by_reason.items(), key=lambda item: (-item[1], item[0]))


def split_rule(key: str) -> tuple[str, str]:
    """(`pattern`, `keyword`) of a rule key `pattern keyword` (handlers/core/rules.py rule_key)."""
    path, _, keyword = key.rpartition(" ")
    return path, keyword


def position_text(position: dict[str, int] | None) -> str:
    """`line 1, column 14, offset 13` (or `byte offset 7`), empty without a position."""
    if not position:
        return ""
    names = ("line", "column", "offset", "byte_offset")
    return ", ".join(f"{name.replace('_', ' ')} {position[name]}" for name in names if name in position)
