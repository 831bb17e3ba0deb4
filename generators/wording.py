"""Question wording as data: a small grammar over templates, the surface forms it spans, and the
held-out wording families.

A template is text with `{slots}` (filled by the pattern's build) and three constructs:

    [a|b|c]    one of the alternatives (they nest, and one may be empty: `[|just ]`)
    {@pool}    one alternative of a shared pool (the `pools` of a phrasing file)
    <a|b|c>    every segment, in any order, joined by spaces (sentences or clauses whose
               order the meaning allows)

Every choice an item makes is recorded as a *part*: (where, which). The last alternative of a
choice with three or more alternatives, and the last template of a pattern with three or more,
are **held-out parts**: no training stage ever sees them. The whole choice vector of an item is
its *combination*; a hash of it puts the combination in one of ten buckets. Bucket 0 is held out
as "unseen combinations of known parts", bucket 1 is the RL frontier pool (known parts, never in
SFT), and buckets 2-9 are training wording. `MODES` lists what GeneratorConfig.wording
may ask for (docs/generators.md, "Wording", says what each draws).
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass

# Wording modes (GeneratorConfig.wording). "heldout" is parts, patterns and structures
# together: the split that existed before the families.
MODES = ("all", "train", "frontier", "combinations", "parts", "patterns", "structures", "heldout")
SEEN_ONLY_MODES = ("train", "frontier", "combinations")  # modes that never draw a held-out part
BUCKETS = 10
COMBINATION_BUCKET, FRONTIER_BUCKET = 0, 1
MAX_TRIES = 400


class WordingError(ValueError):
    """A template that does not parse, names an unknown pool, or cannot give the wording asked for."""


# -- the grammar ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Choice:
    where: str                      # a stable id: "<origin>#<k>" for the k-th choice of its origin
    options: tuple[tuple, ...]      # each a sequence of nodes

    @property
    def held_out(self) -> int | None:
        """Index of the held-out alternative, or None when there are fewer than three."""
        return len(self.options) - 1 if len(self.options) >= 3 else None


@dataclass(frozen=True)
class Order:
    where: str
    segments: tuple[tuple, ...]


@dataclass(frozen=True)
class PoolRef:
    name: str


def parse(text: str, origin: str) -> tuple:
    """The node sequence of `text` (str, Choice, Order and PoolRef nodes)."""
    counter = [0]
    nodes, end = _parse_seq(text, 0, origin, counter, closers="")
    if end != len(text):
        raise WordingError(f"{origin}: unexpected {text[end]!r} at {end} in {text!r}")
    return nodes


_OPEN = {"[": "]", "<": ">"}


def _parse_seq(text: str, i: int, origin: str, counter: list[int], closers: str) -> tuple[tuple, int]:
    nodes: list = []
    buf: list[str] = []
    while i < len(text):
        ch = text[i]
        if ch in closers or (ch == "|" and closers):
            break
        if ch in _OPEN:
            if buf:
                nodes.append("".join(buf))
                buf = []
            node_id = f"{origin}#{counter[0]}"
            counter[0] += 1
            options, i = _parse_options(text, i + 1, origin, counter, _OPEN[ch])
            if len(options) < 2:
                raise WordingError(f"{origin}: {ch}...{_OPEN[ch]} needs two or more alternatives in {text!r}")
            nodes.append(Choice(node_id, options) if ch == "[" else Order(node_id, options))
            continue
        if ch in "]>|":
            raise WordingError(f"{origin}: unbalanced {ch!r} at {i} in {text!r}")
        if text.startswith("{@", i):
            close = text.find("}", i)
            if close < 0:
                raise WordingError(f"{origin}: unclosed pool reference in {text!r}")
            if buf:
                nodes.append("".join(buf))
                buf = []
            nodes.append(PoolRef(text[i + 2:close]))
            i = close + 1
            continue
        buf.append(ch)
        i += 1
    if buf:
        nodes.append("".join(buf))
    return tuple(nodes), i


def _parse_options(text: str, i: int, origin: str, counter: list[int], closer: str) -> tuple[tuple, int]:
    options = []
    while True:
        seq, i = _parse_seq(text, i, origin, counter, closers="]>")
        options.append(seq)
        if i >= len(text):
            raise WordingError(f"{origin}: missing {closer!r} in {text!r}")
        if text[i] == "|":
            i += 1
            continue
        if text[i] != closer:
            raise WordingError(f"{origin}: expected {closer!r} at {i} in {text!r}")
        return tuple(options), i + 1


class Grammar:
    """Parsed templates of every pattern and the shared pools they draw from."""

    def __init__(self, templates: dict[str, tuple[str, ...]], pools: dict[str, list[str]]):
        self.pools = {name: Choice(f"@{name}", tuple(parse(alt, f"@{name}.{k}") for k, alt in enumerate(alts)))
                      for name, alts in pools.items()}
        self.templates = {name: tuple(parse(t, f"{name}.{k}") for k, t in enumerate(ts))
                          for name, ts in templates.items()}
        for origin, nodes in [*((f"@{n}", c.options) for n, c in self.pools.items()),
                              *((n, ts) for n, ts in self.templates.items())]:
            for seq in nodes:
                for ref in _pool_refs(seq):
                    if ref not in self.pools:
                        raise WordingError(f"{origin} names pool {{@{ref}}}, which no phrasing file defines")
        for name in self.pools:
            self._check_acyclic(name, ())

    def _check_acyclic(self, name: str, stack: tuple[str, ...]) -> None:
        if name in stack:
            raise WordingError(f"pool {{@{name}}} refers to itself through {' -> '.join(stack)}")
        for seq in self.pools[name].options:
            for ref in _pool_refs(seq):
                self._check_acyclic(ref, (*stack, name))

    # -- counting ------------------------------------------------------------------------
    def count(self, pattern: str, seen_only: bool = False) -> int:
        """Surface forms of `pattern` (names, things and numbers aside): the sum over its templates
        of the product of each choice's alternatives (and k! per order of k segments). With
        `seen_only`, held-out templates and alternatives are left out: what training may draw."""
        templates = self.templates[pattern]
        held = len(templates) - 1 if seen_only and len(templates) >= 3 else None
        return sum(self._count_seq(t, seen_only) for k, t in enumerate(templates) if k != held)

    def _count_seq(self, seq: tuple, seen_only: bool) -> int:
        return math.prod(self._count_node(node, seen_only) for node in seq)

    def _count_node(self, node, seen_only: bool) -> int:
        if isinstance(node, str):
            return 1
        if isinstance(node, PoolRef):
            node = self.pools[node.name]
        if isinstance(node, Choice):
            return sum(self._count_seq(opt, seen_only) for k, opt in enumerate(node.options)
                       if not (seen_only and k == node.held_out))
        return math.factorial(len(node.segments)) * math.prod(self._count_seq(s, seen_only) for s in node.segments)

    # -- drawing -------------------------------------------------------------------------
    def template_choices(self, pattern: str, mode: str, held_pattern: str | None) -> list[int]:
        """Template indices `mode` may start from (empty when the mode draws nothing of this pattern).
        `held_pattern` is the family that draws the pattern whole ("patterns", "structures"), if any."""
        n = len(self.templates[pattern])
        held = n - 1 if n >= 3 else None
        if held_pattern:
            return list(range(n)) if mode in ("all", held_pattern, "heldout") else []
        if mode in ("patterns", "structures"):
            return []
        if mode in SEEN_ONLY_MODES:
            return [k for k in range(n) if k != held]
        return list(range(n))

    def draw(self, pattern: str, mode: str, rng: random.Random, held_pattern: str | None,
             starts: list[int] | None = None) -> Wording:
        """A wording of `pattern` that belongs to `mode` (see MODES), or WordingError. The template
        (one of `starts`, by default every one the mode allows) is drawn with the rest, so a mode
        that needs a held-out part may find it in either."""
        starts = self.template_choices(pattern, mode, held_pattern) if starts is None else starts
        if not starts:
            raise WordingError(f"wording mode {mode!r} draws nothing of pattern {pattern}")
        seen_only = mode in SEEN_ONLY_MODES
        n = len(self.templates[pattern])
        for _ in range(MAX_TRIES):
            template = rng.choice(starts)
            parts: list[tuple[str, int]] = [(pattern, template)]
            held = [n >= 3 and template == n - 1]
            text = self._draw_seq(self.templates[pattern][template], rng, seen_only, parts, held)
            wording = Wording(text, tuple(parts), sum(held), pattern, template)
            if _belongs(wording, mode, held_pattern):
                return wording
        raise WordingError(f"{pattern}: no {mode!r} wording in {MAX_TRIES} draws")

    def realise(self, node, rng: random.Random, seen_only: bool) -> str:
        """One drawing of a single node (a Choice such as the noop sentences), parts not kept."""
        return self._draw_node(node, rng, seen_only, [], [])

    def _draw_seq(self, seq: tuple, rng: random.Random, seen_only: bool, parts: list, held: list) -> str:
        return "".join(self._draw_node(node, rng, seen_only, parts, held) for node in seq)

    def _draw_node(self, node, rng: random.Random, seen_only: bool, parts: list, held: list) -> str:
        if isinstance(node, str):
            return node
        if isinstance(node, PoolRef):
            node = self.pools[node.name]
        if isinstance(node, Choice):
            allowed = [k for k in range(len(node.options)) if not (seen_only and k == node.held_out)]
            k = rng.choice(allowed)
            parts.append((node.where, k))
            held.append(k == node.held_out)
            return self._draw_seq(node.options[k], rng, seen_only, parts, held)
        order = list(range(len(node.segments)))
        rng.shuffle(order)
        parts.append((node.where, int("".join(map(str, order[:9])) or 0)))
        return " ".join(self._draw_seq(node.segments[k], rng, seen_only, parts, held) for k in order)


@dataclass(frozen=True)
class Wording:
    """One drawn wording: the template text left to fill, and the parts it was made of."""

    text: str
    parts: tuple[tuple[str, int], ...]
    held_parts: int       # how many of the parts are held-out parts
    pattern: str
    template: int         # which of the pattern's templates (the build may read it: Ctx.phrasing)

    @property
    def key(self) -> str:
        """A short digest of the combination (the pattern and every part, in order)."""
        flat = self.pattern + "|" + ";".join(f"{w}={k}" for w, k in self.parts)
        return hashlib.blake2b(flat.encode(), digest_size=8).hexdigest()

    @property
    def bucket(self) -> int:
        return bucket_of(self.key)


def bucket_of(key: str) -> int:
    """The combination bucket of a wording key (`Wording.key`, `Problem.difficulty["wording"]`)."""
    return int(key, 16) % BUCKETS


def _belongs(w: Wording, mode: str, held_pattern: str | None) -> bool:
    if mode == "all":
        return True
    if held_pattern:
        return mode in (held_pattern, "heldout")
    if mode == "train":
        return w.held_parts == 0 and w.bucket not in (COMBINATION_BUCKET, FRONTIER_BUCKET)
    if mode == "frontier":
        return w.held_parts == 0 and w.bucket == FRONTIER_BUCKET
    if mode == "combinations":
        return w.held_parts == 0 and w.bucket == COMBINATION_BUCKET
    if mode in ("parts", "heldout"):
        return w.held_parts > 0
    return False


def _pool_refs(seq: tuple):
    for node in seq:
        if isinstance(node, PoolRef):
            yield node.name
        elif isinstance(node, Choice | Order):
            for sub in node.options if isinstance(node, Choice) else node.segments:
                yield from _pool_refs(sub)
