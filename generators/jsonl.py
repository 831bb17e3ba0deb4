"""One JSONL reader for every loader in the project: clear errors that name the file and line."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any


def iter_jsonl(path: str | Path, require: Sequence[str] = ()) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """Yield (line number, object, "") for each non-empty line, or (line number, None, reason).

    A line is rejected when it is not JSON, not an object, or lacks one of the `require` keys as
    a string. Callers choose whether a bad line aborts (`read_jsonl`) or is reported and skipped.
    """
    with Path(path).open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                yield lineno, None, f"not JSON ({err.msg})"
                continue
            if not isinstance(row, dict):
                yield lineno, None, "expected a JSON object"
                continue
            missing = [key for key in require if not isinstance(row.get(key), str)]
            if missing:
                yield lineno, None, "expected an object with " + " and ".join(f"a {k!r} string" for k in missing)
                continue
            yield lineno, row, ""


def read_jsonl(path: str | Path, require: Sequence[str] = (), *, limit: int | None = None) -> list[dict[str, Any]]:
    """All objects of a JSONL file; the first bad line raises ValueError('FILE:LINE: reason')."""
    rows: list[dict[str, Any]] = []
    for lineno, row, reason in iter_jsonl(path, require):
        if row is None:
            raise ValueError(f"{path}:{lineno}: {reason}")
        rows.append(row)
        if limit is not None and len(rows) >= limit:
            break
    return rows
