"""Find the trace in model output: fenced blocks or bare YAML, prose around it, last one wins.

Candidates, in the order they appear in the text:
* fenced blocks (```yaml ... ```, ``` ... ```, ~~~ ... ~~~; an unclosed final fence runs to the end);
* bare YAML regions outside fences: from a line starting with ``expert:``/``trace:``/``- expert:``
  up to the first line that cannot continue the trace: prose, another top-level key
  (``Answer: 90``), a document marker (``---``, ``...``), or the next top-level ``expert:``.
Among the candidates that are trace attempts (a mapping with ``expert`` or ``trace``, or a list
holding one), the last well-formed trace wins, fenced or bare; if none is well-formed, the last
attempt. The whole text as YAML (e.g. a one-line flow mapping) is read only when there is no
other candidate.

A byte-order mark before the text is dropped. A candidate that does not parse as YAML is read
once more after `_tidy`: indentation common to all its lines removed (a trace indented as a
whole, bare or fenced), and chat end tokens (`<|im_end|>`, `</s>`, ...) or a full stop after
its last step dropped. What an honest model writes then parses; nothing a trace says changes.

Every stage is linear in the length of the text: candidates do not overlap, each is read at
most twice, and every pattern is matched at fixed positions.
"""

from __future__ import annotations

import re
import textwrap
from bisect import bisect_right

import yaml

from .experts import COMPOSITION
from .fastpath import fast_load
from .limits import MAX_CANDIDATES, MAX_DOC_CHARS, MAX_TEXT_CHARS, MAX_YAML_NODES
from .schema import Trace, build_trace, is_attempt
from .yaml_load import YamlRejected, safe_load

_FENCE_RE = re.compile(r"^[ \t]*(```|~~~)[^\n]*\n(.*?)(?:^[ \t]*\1[ \t]*$|\Z)", re.DOTALL | re.MULTILINE)
_START_RE = re.compile(r"^[ \t]*(?:-[ \t]+)?(?:expert|trace)[ \t]*:", re.MULTILINE)
# Lines that can continue a bare YAML region: blank, indented, list items, the two top-level keys
# of a trace, comments. Anything else (prose, "Answer: 90", a "---" rule) ends the region.
_YAMLISH_RE = re.compile(r"[ \t]*$|[ \t]+\S|-(?:[ \t]|$)(?!--)|(?:expert|trace)[ \t]*:(?:[ \t]|$)|#")


def _load(block: str, nodes_left: int) -> tuple[object, str | None, int]:
    """Load a candidate block: (data, None, nodes), or (None, reason, nodes) when it cannot be read.

    ``nodes`` is what the general loader was charged: libyaml's cost grows with the number of
    keys and items, so an output may spend at most ``MAX_YAML_NODES`` of them in all."""
    if not block:
        return None, "empty", 0
    if len(block) > MAX_DOC_CHARS:
        return None, f"trace document is {len(block)} characters, over the limit of {MAX_DOC_CHARS}", 0
    data = fast_load(block)
    if data is not None:
        return data, None, 0
    nodes = sum(block.count(mark) for mark in _NODE_MARKS)  # at least the keys, items and collections
    if nodes > nodes_left:
        return None, (f"the output holds too much YAML to read: about {nodes:,} keys and items here, "
                      f"{nodes_left:,} left of {MAX_YAML_NODES:,}"), 0
    try:
        return safe_load(block), None, nodes
    except YamlRejected as err:
        return None, str(err), nodes
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        return None, f"{_SYNTAX}: {err.problem or err.context}{where}", nodes
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, MemoryError) as err:
        return None, f"{_SYNTAX} ({type(err).__name__})", nodes


_SYNTAX = "the YAML does not parse"
# Chat end tokens a decoder may leave after the reply (checked at the end of a block only).
_END_TOKEN_RE = re.compile(r"(?:<\|[A-Za-z0-9_]{1,32}\|>|</s>|<eos>|<end_of_turn>)[ \t]*$")


def _tidy(block: str) -> str:
    """The block with its common indentation removed and chat end tokens or a full stop after the
    last step dropped (see the module docstring); linear in its length."""
    block = textwrap.dedent(block).rstrip()
    end = len(block)
    while True:  # one end token a pass, each pass reading a fixed-size tail: linear in all
        start = max(0, end - 40)
        match = _END_TOKEN_RE.search(block, start, end)
        if match is None:
            break
        end = match.start()
        while end and block[end - 1] in " \t\n":
            end -= 1
    block = block[:end]
    if block.endswith(("}.", "].")):
        block = block[:-1]
    return block
_NODE_MARKS = (":", ",", "\n", "- ", "[", "{")


def _regions(text: str, skip: list[tuple[int, int]]) -> list[tuple[int, str]]:
    """(offset, block) of each bare YAML region that starts with an expert/trace key and stops at
    the first line that cannot continue it; regions starting inside a `skip` span are left out."""
    regions: list[tuple[int, str]] = []
    lines = text.split("\n")
    starts: dict[int, int] = {}
    offset = 0
    for i, line in enumerate(lines):
        starts[offset] = i
        offset += len(line) + 1
    covered = -1
    for match in _START_RE.finditer(text):
        first = starts.get(match.start())
        if first is None or first <= covered or _inside(match.start(), skip):
            continue
        last = first + 1
        while last < len(lines) and _YAMLISH_RE.match(lines[last]) and not lines[last].startswith("expert"):
            last += 1  # a new top-level expert line starts the next trace
        regions.append((match.start(), "\n".join(lines[first:last])))
        covered = last - 1
    return regions


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    """Whether offset lies in one of the sorted, non-overlapping spans (binary search)."""
    k = bisect_right(spans, (offset, float("inf"))) - 1
    return k >= 0 and offset < spans[k][1]


# The expert a refused document names, read without loading it: the last `expert: NAME` line.
_EXPERT_LINE_RE = re.compile(r"^[ \t]*(-[ \t]+)?expert[ \t]*:[ \t]*['\"]?([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE)


def _refused(block: str, reason: str) -> Trace:
    """A trace attempt that cannot be loaded (too long, aliases, nesting): invalid, and its expert
    is read from its `expert:` lines so that the expert check applies as to any other attempt."""
    lines = _EXPERT_LINE_RE.findall(block)
    expert = None if not lines else (COMPOSITION if lines[-1][0] else lines[-1][1])
    return Trace(expert, expert == COMPOSITION, (), reason, readable=False)


def _too_long(text: str) -> Trace | None:
    if _START_RE.search(text) is None:
        return None
    return _refused(text, f"output is {len(text)} characters, over the limit of {MAX_TEXT_CHARS}")


def parse_trace(text: str) -> Trace | None:
    """The trace in `text` (possibly malformed: see ``Trace.error``), or None if there is none."""
    return find_trace(text)[0]


def find_trace(text: str) -> tuple[Trace | None, str | None]:
    """Like ``parse_trace``, plus why nothing was found (e.g. the YAML syntax error) when None."""
    if not isinstance(text, str) or ("expert" not in text and "trace" not in text):
        return None, None
    if len(text) > MAX_TEXT_CHARS:
        return _too_long(text), None
    if "\r" in text:  # Windows or old Mac line ends: the line-based readers expect "\n"
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.lstrip("\ufeff")  # a byte-order mark is no part of the trace
    reader = _Reader()
    if "```" not in text and "~~~" not in text:  # the common case: a bare canonical document
        stripped = text.strip()
        data = fast_load(stripped) if len(stripped) <= MAX_DOC_CHARS else None
        if data is not None:
            trace = build_trace(data)
            if trace.ok:
                return trace, None
            reader.seen[stripped] = trace
    best = reader.best(_candidates(text))
    if best is None:  # no fenced or bare candidate: perhaps a one-line flow mapping
        best = reader.best([text])
    return best, (None if best is not None else reader.problem)


def _candidates(text: str) -> list[str]:
    """Fenced blocks and bare regions outside them, in text order (the last ones of each kind)."""
    fenced: list[tuple[int, str]] = []
    spans: list[tuple[int, int]] = []
    if "```" in text or "~~~" in text:
        for m in _FENCE_RE.finditer(text):
            fenced.append((m.start(), m.group(2)))
            spans.append((m.start(), m.end()))
    found = fenced[-MAX_CANDIDATES:] + _regions(text, spans)[-MAX_CANDIDATES:]
    return [block for _, block in sorted(found, key=lambda item: item[0])]


class _Reader:
    """Reads candidate blocks, each at most once, remembering the last YAML syntax problem."""

    def __init__(self) -> None:
        self.seen: dict[str, Trace | None] = {}
        self.problem: str | None = None
        self.nodes_left = MAX_YAML_NODES

    def best(self, blocks: list[str]) -> Trace | None:
        """The last well-formed trace among blocks, else the last malformed attempt."""
        fallback: Trace | None = None
        for raw in reversed(blocks):
            block = raw.strip()
            if block in self.seen:
                trace = self.seen[block]
            else:
                trace = self.seen[block] = self._read(block, raw)
            if trace is None:
                continue
            if trace.ok:
                return trace
            fallback = fallback or trace
        return fallback

    def _read(self, block: str, raw: str) -> Trace | None:
        """One candidate block as a trace attempt (possibly malformed), or None if it is not one;
        `raw` is the block before stripping (its first line's indentation tells `_tidy` what to remove)."""
        if "expert" not in block and "trace" not in block:
            return None
        data, reason, nodes = _load(block, self.nodes_left)
        self.nodes_left -= nodes
        if reason is not None and reason.startswith(_SYNTAX):
            tidy = _tidy(raw).strip()
            if tidy != block:
                tidy_data, tidy_reason, nodes = _load(tidy, self.nodes_left)
                self.nodes_left -= nodes
                if tidy_reason is None:
                    data, reason = tidy_data, None
        if reason is not None:
            looks_like_trace = _START_RE.search(block) is not None
            if reason.startswith(_SYNTAX):
                if looks_like_trace and self.problem is None:
                    self.problem = reason
            elif reason != "empty" and looks_like_trace:
                return _refused(block, reason)
            return None
        return build_trace(data) if is_attempt(data) else None
