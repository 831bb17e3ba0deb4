"""Find the trace in model output: fenced blocks or bare YAML, prose around it, last one wins.

Candidates, in order of preference:
1. fenced blocks (```yaml ... ```, ``` ... ```, ~~~ ... ~~~; an unclosed final fence runs to the end);
2. bare YAML regions: from a line starting with ``expert:``/``trace:``/``- expert:`` up to the
   first prose line;
3. the whole text as YAML (e.g. a one-line flow mapping).
Among the candidates that are trace attempts (a mapping with ``expert`` or ``trace``, or a list
holding one), the last well-formed trace wins; if none is well-formed, the last attempt.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from .fastpath import fast_load
from .limits import MAX_CANDIDATES, MAX_DOC_CHARS, MAX_TEXT_CHARS
from .schema import Trace, build_trace, is_attempt
from .yaml_load import YamlRejected, safe_load

_FENCE_RE = re.compile(r"^[ \t]*(```|~~~)[^\n]*\n(.*?)(?:^[ \t]*\1[ \t]*$|\Z)", re.DOTALL | re.MULTILINE)
_START_RE = re.compile(r"^[ \t]*(?:-[ \t]+)?(?:expert|trace)[ \t]*:", re.MULTILINE)
# Lines that can continue a bare YAML region: blank, indented, list items, keys, comments.
_YAMLISH_RE = re.compile(r"[ \t]*$|[ \t]+\S|-(?:[ \t]|$)|[A-Za-z_][A-Za-z0-9_.]*[ \t]*:(?:[ \t]|$)|#|\.\.\.$|---")


def _load(block: str) -> tuple[object, str | None]:
    """Load a candidate block: (data, None), or (None, reason) when it cannot be read."""
    if not block:
        return None, "empty"
    if len(block) > MAX_DOC_CHARS:
        return None, f"trace document is {len(block)} characters, over the limit of {MAX_DOC_CHARS}"
    data = fast_load(block)
    if data is not None:
        return data, None
    try:
        return safe_load(block), None
    except YamlRejected as err:
        return None, str(err)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        return None, f"{_SYNTAX}: {err.problem or err.context}{where}"
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, MemoryError) as err:
        return None, f"{_SYNTAX} ({type(err).__name__})"


_SYNTAX = "the YAML does not parse"


def _regions(text: str) -> list[str]:
    """Bare YAML regions that start with an expert/trace key and stop at the first prose line."""
    regions: list[str] = []
    lines = text.split("\n")
    starts: dict[int, int] = {}
    offset = 0
    for i, line in enumerate(lines):
        starts[offset] = i
        offset += len(line) + 1
    covered = -1
    for match in _START_RE.finditer(text):
        first = starts.get(match.start())
        if first is None or first <= covered:
            continue
        last = first + 1
        while last < len(lines) and _YAMLISH_RE.match(lines[last]):
            last += 1
        regions.append("\n".join(lines[first:last]))
        covered = last - 1
    return regions


def _too_long(text: str) -> Trace | None:
    if "expert" in text or "trace:" in text:
        message = f"output is {len(text)} characters, over the limit of {MAX_TEXT_CHARS}"
        return Trace(None, False, (), message, readable=False)
    return None


def parse_trace(text: str) -> Trace | None:
    """The trace in `text` (possibly malformed: see ``Trace.error``), or None if there is none."""
    return find_trace(text)[0]


def find_trace(text: str) -> tuple[Trace | None, str | None]:
    """Like ``parse_trace``, plus why nothing was found (e.g. the YAML syntax error) when None."""
    if not isinstance(text, str) or ("expert" not in text and "trace" not in text):
        return None, None
    if len(text) > MAX_TEXT_CHARS:
        return _too_long(text), None
    reader = _Reader()
    if "```" not in text and "~~~" not in text:  # the common case: a bare canonical document
        stripped = text.strip()
        data = fast_load(stripped) if len(stripped) <= MAX_DOC_CHARS else None
        if data is not None:
            trace = build_trace(data)
            if trace.ok:
                return trace, None
            reader.seen[stripped] = trace
    best: Trace | None = None
    for group in _candidate_groups(text):
        found = reader.best(group[-MAX_CANDIDATES:])
        if found is not None and (found.ok or best is None):
            best = found
        if best is not None and best.ok:
            break
    return best, (None if best is not None else reader.problem)


def _candidate_groups(text: str) -> Iterator[list[str]]:
    """Candidate blocks, most specific first; generated lazily so a hit stops the search."""
    if "```" in text or "~~~" in text:
        yield [m.group(2) for m in _FENCE_RE.finditer(text)]
    # Bare regions before the whole text: for a plain canonical document the one region is the
    # whole text, read by the fast path; the whole-text YAML parse is only the last resort.
    yield _regions(text)
    yield [text]


class _Reader:
    """Reads candidate blocks, each at most once, remembering the last YAML syntax problem."""

    def __init__(self) -> None:
        self.seen: dict[str, Trace | None] = {}
        self.problem: str | None = None

    def best(self, blocks: list[str]) -> Trace | None:
        """The last well-formed trace among blocks, else the last malformed attempt."""
        fallback: Trace | None = None
        for block in reversed(blocks):
            block = block.strip()
            if block in self.seen:
                trace = self.seen[block]
            else:
                trace = self.seen[block] = self._read(block)
            if trace is None:
                continue
            if trace.ok:
                return trace
            fallback = fallback or trace
        return fallback

    def _read(self, block: str) -> Trace | None:
        """One candidate block as a trace attempt (possibly malformed), or None if it is not one."""
        if "expert" not in block and "trace" not in block:
            return None
        data, reason = _load(block)
        if reason is not None:
            looks_like_trace = _START_RE.search(block) is not None
            if reason.startswith(_SYNTAX):
                if looks_like_trace and self.problem is None:
                    self.problem = reason
            elif reason != "empty" and looks_like_trace:
                return Trace(None, False, (), reason, readable=False)
            return None
        return build_trace(data) if is_attempt(data) else None
