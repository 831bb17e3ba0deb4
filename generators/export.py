"""Export problems to a `datasets.Dataset` or JSONL, and read JSONL back."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .jsonl import iter_jsonl
from .problem import Problem

COLUMNS = ("id", "question", "answer", "expert", "pattern", "trace", "trace_data", "difficulty", "source")


def _record(p: Problem | dict[str, Any]) -> dict[str, Any]:
    return p.to_dict() if isinstance(p, Problem) else Problem.from_dict(p).to_dict()


def to_dataset(problems: Iterable[Problem | dict[str, Any]]):
    """A `datasets.Dataset` with one row per problem.

    `trace_data` is stored as JSON text (its steps mix value types, which Arrow columns cannot
    hold); `json.loads(row["trace_data"])` gives the plain data back. `difficulty` is a struct.
    """
    import datasets

    rows = []
    for p in problems:
        rec = _record(p)
        rec["trace_data"] = json.dumps(rec["trace_data"], separators=(",", ":"))
        rows.append(rec)
    if not rows:
        return datasets.Dataset.from_dict({c: [] for c in COLUMNS})
    return datasets.Dataset.from_list(rows)


def to_jsonl(problems: Iterable[Problem | dict[str, Any]], path: str | Path) -> int:
    """Write one JSON object per line (trace_data as real JSON). Returns the number written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as fh:
        for p in problems:
            fh.write(json.dumps(_record(p), ensure_ascii=False) + "\n")
            count += 1
    return count


def load_jsonl(path: str | Path) -> list[Problem]:
    """Read problems written by `to_jsonl`."""
    out = []
    for lineno, row, reason in iter_jsonl(path):
        try:
            if row is None:
                raise ValueError(reason)
            out.append(Problem.from_dict(row))
        except (ValueError, TypeError) as err:
            raise ValueError(f"{path}:{lineno}: not a problem record ({err})") from err
    return out
