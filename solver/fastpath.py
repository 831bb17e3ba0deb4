"""A hand-written parser for the canonical trace layout (what ``format_trace`` writes).

It accepts only a strict subset of YAML whose meaning is unambiguous, and returns exactly what
the general loader returns for the same text (plain strings and lists), or None to hand the text
to the general loader. Tests check the two agree.
"""

from __future__ import annotations

import re

# A plain scalar that YAML reads the same in flow context: no indicators, no spaces, no commas.
_SCALAR = r"(?:[A-Za-z0-9_$.]|-(?=[A-Za-z0-9_$.]))[A-Za-z0-9_$.%/-]*"
_VALUE = rf"\[(?:{_SCALAR}(?:, {_SCALAR})*)?\]|{_SCALAR}"
# A key starts after a non-letter: findall then tries each run of letters once, not once per
# position inside it (which made long runs quadratic).
_PAIR_RE = re.compile(rf"(?<![A-Za-z_])([A-Za-z_]+): ({_VALUE})")
_ITEM_RE = re.compile(_SCALAR)
_EXPERT_RE = re.compile(r"expert: ([A-Za-z_][A-Za-z0-9_]*)")


def _step(body: str) -> dict | None:
    pairs = _PAIR_RE.findall(body)
    # The pairs must make up the whole body, joined by ", " inside braces: rebuild and compare.
    if not pairs or body != "{" + ", ".join([f"{k}: {v}" for k, v in pairs]) + "}":
        return None
    step: dict = {}
    for key, value in pairs:
        step[key] = _ITEM_RE.findall(value) if value[0] == "[" else value
    return step


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
