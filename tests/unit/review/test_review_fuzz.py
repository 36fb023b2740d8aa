"""Seeded, bounded fuzz of what `review show --output json` and `review replay --dry-run` read: an export
file the operator edited by hand. Every mutation ends in output or one-line errors, never a traceback.

Failure class: a hand-edited export line of an unexpected shape (a list where an object was, a number
where a string was) crashing the command. Found by this test (fixed with it): `show` and `replay` raised
AttributeError on an `origin` that is not an object, `show --output json` TypeError on a number.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from review.cli import main
from review.entries import export_line

SOURCE = {"bucket": "b", "key": "orders.jsonl", "version_id": "v1", "etag": "e"}
VALUES: list[Any] = [None, True, 0, -1, 1.5, "", "x", [], [1], {}, {"a": 1}, "\u0000", 10**40]


def _line(index: int) -> dict[str, Any]:
    body = {"schema": "sales-pipeline.review/3", "reason": "missing_contact_info", "message": "m",
            "file_rejected": False, "source": SOURCE, "record_index": index, "line": index + 1,
            "order_id": str(index), "record": {"order-info": {"order_id": str(index)}}, "record_item": None,
            "record_pointer": None, "rejections": None, "minimal": False}  # fmt: skip
    return export_line(f"m{index}", body, fetch=lambda _: b"", replay_origin=lambda *_: None)


def _mutate(rng: random.Random, value: Any, depth: int = 0) -> Any:
    """The value with one member somewhere (or itself, at any depth) replaced by a value of another shape."""
    if isinstance(value, dict) and value and depth < 3 and (depth == 0 or rng.random() < 0.7):
        key = rng.choice(sorted(value))
        return {**value, key: _mutate(rng, value[key], depth + 1)}
    return rng.choice(VALUES)


@pytest.mark.parametrize("seed", range(3))
def test_hand_edited_export_lines_never_crash_show_or_replay(
    seed: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(seed)
    for _ in range(100):
        lines = [_line(i) for i in range(3)]
        for _ in range(rng.randint(1, 3)):
            position = rng.randrange(len(lines))
            lines[position] = _mutate(rng, lines[position])
        path = tmp_path / "export.jsonl"
        path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
        for argv in (
            ["show", str(path), "--output", "json"],
            ["show", str(path)],
            ["replay", str(path), "--dry-run"],
        ):
            code = main(argv)
            printed = capsys.readouterr()
            assert code in (0, 1), (argv, lines)
            if code == 1:
                assert printed.err.splitlines()[-1].startswith("review: error: "), printed.err
            if argv[-1] == "json":
                json.loads(printed.out)
