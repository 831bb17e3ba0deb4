"""A hand-written parser for the canonical trace layout (what ``format_trace`` writes).

It accepts only a strict subset of YAML whose meaning is unambiguous, and returns exactly what
the general loader returns for the same text (plain strings and lists), or None to hand the text
to the general loader. Tests check the two agree.
"""

from __future__ import annotations

import re

# A plain scalar that YAML reads the same in flow context: no indicators, no spaces, no commas.
_SCALAR = r"(?:[A-Za-z0-9_$.]|-(?=[A-Za-z0-9_$.]))[A-Za-z0-9_$.%/-]*"
_SCALAR_RE = re.compile(_SCALAR)
_KEY_RE = re.compile(r"[A-Za-z_]+(?=: )")
_EXPERT_RE = re.compile(r"expert: ([A-Za-z_][A-Za-z0-9_]*)")


def _step(body: str) -> dict | None:
    """Read `{key: value, key: [a, b], ...}` left to right in one pass (linear time: every
    pattern is matched once at a fixed position, so no run of letters is rescanned)."""
    if len(body) < 2 or body[0] != "{" or body[-1] != "}":
        return None
    inner, pos, end = body, 1, len(body) - 1
    step: dict = {}
    while True:
        key = _KEY_RE.match(inner, pos, end)
        if key is None:
            return None
        pos = key.end() + 2
        if pos < end and inner[pos] == "[":
            close = inner.find("]", pos, end)
            if close < 0:
                return None
            content = inner[pos + 1:close]
            items = content.split(", ") if content else []
            if any(_SCALAR_RE.fullmatch(item) is None for item in items):
                return None
            step[key[0]] = items
            pos = close + 1
        else:
            value = _SCALAR_RE.match(inner, pos, end)
            if value is None:
                return None
            step[key[0]] = value[0]
            pos = value.end()
        if pos == end:
            return step
        if not inner.startswith(", ", pos) or pos + 2 >= end:
            return None
        pos += 2


def _steps(lines: list[str], start: int, prefix: str) -> tuple[list[dict], int] | None:
    """Read step lines `<prefix>{...}` from `start`; returns steps and the index after them."""
    steps: list[dict] = []
    i = start
    n = len(prefix)
    while i < len(lines) and lines[i].startswith(prefix):
        step = _step(lines[i][n:])
        if step is None:
            return None
        steps.append(step)
        i += 1
    return (steps, i) if steps else None


def fast_load(block: str) -> dict | list | None:
    """Parse the canonical layout, or return None if `block` is anything else."""
    lines = block.split("\n")
    if lines[0].startswith("expert: "):
        match = _EXPERT_RE.fullmatch(lines[0])
        if match is None or len(lines) < 3 or lines[1] != "trace:":
            return None
        for prefix in ("- ", "  - "):
            if lines[2].startswith(prefix):
                read = _steps(lines, 2, prefix)
                if read is None or read[1] != len(lines):
                    return None
                return {"expert": match[1], "trace": read[0]}
        return None
    if lines[0].startswith("- expert: "):
        subs: list[dict] = []
        i = 0
        while i < len(lines):
            match = _EXPERT_RE.fullmatch(lines[i], 2)
            if not lines[i].startswith("- ") or match is None or i + 1 >= len(lines) or lines[i + 1] != "  trace:":
                return None
            read = _steps(lines, i + 2, "  - ")
            if read is None:
                return None
            subs.append({"expert": match[1], "trace": read[0]})
            i = read[1]
        return subs
    return None
