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
from .limits import MAX_DOC_CHARS, MAX_TEXT_CHARS
from .schema import Trace, build_trace, is_attempt
from .yaml_load import YamlRejected, safe_load

_FENCE_RE = re.compile(r"^[ \t]*(```|~~~)[^\n]*\n(.*?)(?:^[ \t]*\1[ \t]*$|\Z)", re.DOTALL | re.MULTILINE)
_START_RE = re.compile(r"^[ \t]*(?:-[ \t]+)?(?:expert|trace)[ \t]*:", re.MULTILINE)
# Lines that can continue a bare YAML region: blank, indented, list items, keys, comments.
_YAMLISH_RE = re.compile(r"[ \t]*$|[ \t]+\S|-(?:[ \t]|$)|[A-Za-z_][A-Za-z0-9_.]*[ \t]*:(?:[ \t]|$)|#|\.\.\.$|---")


def _load(block: str) -> tuple[object, str | None]:
    """Load a candidate block: (data, None), or (None, reason) when it cannot be read."""
    block = block.strip()
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
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, MemoryError) as err:
        return None, f"not valid YAML ({type(err).__name__})"


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
    if not isinstance(text, str) or ("expert" not in text and "trace" not in text):
        return None
    if len(text) > MAX_TEXT_CHARS:
        return _too_long(text)
    best: Trace | None = None
    for group in _candidate_groups(text):
        found = _best(group)
        if found is not None and (found.ok or best is None):
            best = found
        if best is not None and best.ok:
            return best
    return best


def _candidate_groups(text: str) -> Iterator[list[str]]:
    """Candidate blocks, most specific first; generated lazily so a hit stops the search."""
    if "```" in text or "~~~" in text:
        yield [m.group(2) for m in _FENCE_RE.finditer(text)]
    # Bare regions before the whole text: for a plain canonical document the one region is the
    # whole text, read by the fast path; the whole-text YAML parse is only the last resort.
    yield _regions(text)
    yield [text]


def _best(blocks: list[str]) -> Trace | None:
    """The last well-formed trace among blocks, else the last malformed attempt."""
    fallback: Trace | None = None
    for block in reversed(blocks):
        if "expert" not in block and "trace" not in block:
            continue
        data, reason = _load(block)
        if reason is not None:
            if reason != "empty" and not reason.startswith("not valid YAML") and _START_RE.search(block):
                fallback = fallback or Trace(None, False, (), reason, readable=False)
            continue
        if not is_attempt(data):
            continue
        trace = build_trace(data)
        if trace.ok:
            return trace
        fallback = fallback or trace
    return fallback
