"""Safe, bounded YAML loading with the YAML 1.1 traps defused.

* No implicit typing at all: every scalar comes back as the string it was written as, so
  ``yes/no/on/off`` stay names, ``1:30`` is not 90, ``010`` is not 8, ``0.1`` is not a binary float,
  and ``$80`` / ``50%`` reach the number parser intact.
* ``value: 1,000`` inside a flow mapping would be ``value: 1`` plus a stray key; digit groups are
  joined before parsing (``1,000`` -> ``1000``).
* Anchors and aliases are refused (alias bombs), and so is nesting deeper than ``MAX_NESTING``
  (libyaml composes recursively in C), both checked on the event stream before composing. The
  project decides every nesting outcome itself, whatever libyaml's own limit is: a document with
  more collection openers or a deeper line prefix than libyaml could ever be asked to scan is
  refused by counting characters, and everything else is scanned at a depth libyaml accepts.
"""

from __future__ import annotations

import gc
import re

import yaml

from .limits import MAX_NESTING, MAX_OPENERS, MAX_PREFIX

LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # no resolvers: all scalars are strings (a benchmark may swap it)

# Digit groups "1,000" / "$12,500.50" standing as one flow item (preceded by a separator, followed
# by the end of the item).
_GROUPED_RE = re.compile(r"(?<=[\s\[{,:])(-?\$?\d{1,3}(?:,\d{3})+(?:\.\d+)?)(?=\s*[,\]}\n#]|\s*$)")
# The same after a mapping key's colon: "value: 1,000".
_KEYED_GROUP_RE = re.compile(r"(?<=:)([ \t]*)(-?\$?\d{1,3}(?:,\d{3})+(?:\.\d+)?)(?=[ \t]*[,\]}\n#]|[ \t]*$)")
_FLAT_SEQUENCE_RE = re.compile(r"\[[^\[\]{}\n]*\]")


class YamlRejected(Exception):
    """The text is YAML we refuse to compose (aliases, anchors, excessive nesting)."""


def _join_groups(text: str) -> str:
    """Join digit groups that YAML would split at the comma.

    After a key (``value: 1,000``) the group is one number. Inside a flow sequence the comma is
    ambiguous: when the sequence separates its items with ", " a bare comma between digits is a
    digit group (``[a, 1,000]`` is a and 1000); when it does not, every comma separates items
    (``[3,100]`` is 3 and 100), as YAML reads it.
    """
    if "," not in text:
        return text

    def sequence(match: re.Match[str]) -> str:
        body = match[0]
        return _GROUPED_RE.sub(_joined, body) if ", " in body else body

    text = _FLAT_SEQUENCE_RE.sub(sequence, text)
    return _KEYED_GROUP_RE.sub(lambda m: m[1] + m[2].replace(",", ""), text)


def _joined(match: re.Match[str]) -> str:
    return match[1].replace(",", "")


def _flow_depth_bound(text: str) -> int:
    """An upper bound on flow-collection nesting. Without quotes or comments every bracket in flow
    context is an indicator, and brackets inside block scalars only raise the running count, so
    the running depth bounds the real one; otherwise fall back to counting every opener."""
    if "'" in text or '"' in text or "#" in text:
        return text.count("[") + text.count("{")
    depth = deepest = 0
    for char in _BRACKETS_RE.findall(text):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


_BRACKETS_RE = re.compile(r"[\[\]{}]")


def _needs_event_scan(text: str) -> bool:
    """Cheap test: could this text hold aliases, anchors or deep nesting?

    Raises YamlRejected when the text could nest beyond what libyaml scans (its own limit would
    decide the outcome otherwise). Flow nesting is bounded by ``_flow_depth_bound``, block
    nesting by the widest line prefix (plus the top level).
    """
    flow = _flow_depth_bound(text) if "[" in text or "{" in text else 0
    widest = max((len(line) - len(line.lstrip(" -?:\t")) for line in text.split("\n")), default=0)
    if flow > MAX_OPENERS or widest > MAX_PREFIX:
        what = (f"{flow:,} nested '[' or '{{' (limit {MAX_OPENERS})" if flow > MAX_OPENERS
                else f"a line indented by {widest:,} characters (limit {MAX_PREFIX})")
        raise YamlRejected(f"YAML nesting could exceed {MAX_NESTING} levels: {what}")
    if "&" in text or "*" in text:
        return True
    return flow + widest + 1 > MAX_NESTING


def _scan(text: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise YamlRejected("YAML anchors and aliases are not allowed in a trace")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                raise YamlRejected(f"YAML nesting is deeper than {MAX_NESTING} levels")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def safe_load(text: str) -> object:
    """Load one YAML document with plain-string scalars; raises yaml.YAMLError or YamlRejected."""
    text = _join_groups(text)
    if _needs_event_scan(text):
        _scan(text)
    # The node tree is thousands of short-lived objects, freed by reference counting once read. A
    # garbage collection while it is alive would promote them to the oldest generation, and in a
    # process that holds torch and transformers two such loads trigger a full collection (about
    # 55 ms there; BENCHMARKS.md, "Reward throughput"). So no collection runs during the load.
    collecting = gc.isenabled()
    gc.disable()
    try:
        node = yaml.compose(text, Loader=LOADER)  # libyaml builds the node tree in C
        return None if node is None else _plain(node)
    finally:
        if collecting:
            gc.enable()


def _plain(node: yaml.Node) -> object:
    """Node tree to plain dicts, lists and strings: what ``yaml.load`` with a BaseLoader returns
    (tags ignored, the last of duplicate keys wins), without its general-purpose constructor,
    which costs more than the C parser on node-dense documents. Depth is bounded by the nesting
    checks above."""
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key, value in node.value:
            name = _plain(key)
            if not isinstance(name, str):
                raise yaml.constructor.ConstructorError(None, None, "found an unhashable key", key.start_mark)
            out[name] = _plain(value)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item) for item in node.value]
    return node.value
