"""Numeric variants of a question: its quantities redrawn, so a trace can be checked as a program.

A trace is a program over the question's quantities. Checking only the number it computes pays a
policy that spells the answer out of any question number (``div [q, q]`` is 1, and doublings of 1
reach everything). Running the same trace with the quantities redrawn separates a program from a
number: the spelled answer stays put while the problem's own program moves.

A *draw* gives movable numbers of the question new values, exactly: ``"#N"`` is quantity N, and
the other written forms of a number (a percent's ``p/100``, the 3 of "3 dozen") are keyed by
value. A trace that ran with ``solver.execute(..., record=True)`` replays on a draw
(``Program.run``): ``ref: N`` reads quantity N's new value, a literal reads the new value of the
quantity it was grounded by, and everything else (constants, the 1s and 2s, values the question
states in more than one sense) stays.

Which quantities move: those whose every ground is their value (digits, money, cardinal words),
or value and value/100 (percents); not 1 and 2 (counting constants), not a constant whose cue the
question names (the 60 of "60 minutes" may be the minutes in an hour), and not a value that also
grounds another quantity in another sense (the 4 of "a quarter"). Plain quantities with equal
values ("3 oranges ... 3 eaten") move separately, so a program that confuses them is caught; as
a literal 3 cannot say which one it means, the grader tries each way to bind them (`bindings`).
Other shared values (two "20%") move together.

A new value looks like the old one: the same decimals, similar size (half to double), the same
roundness (250 moves in steps of 10), and a percent below 100 stays a percent below 100. The draws
are a pure function of the question, so grading is deterministic.

``gold_variants`` runs a gold program on the draws and keeps those inside its domain: it runs
without error, every value that was whole stays whole, and every value that was not negative stays
not negative (the answer's sign kept strictly). Their answers are the variants' gold answers.
"""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from .constants import CONSTANT_VALUES, COUNTING_CONSTANTS, UNIT_CONSTANTS, question_constants
from .execute import Program, execute
from .memo import remembered
from .numbers import Number, normalize
from .quantities import _extract

Draw = dict  # "#N" (quantity N, 1-based) or a derived value (a percent's p/100) -> its new value

VARIANTS = 4  # gold-checked variants per problem
CANDIDATES = 64  # draws tried at most to find them inside the gold program's domain
FRESH = 8  # fresh values first, then whole multiples and fresh values in turn
MAX_BINDINGS = 24  # ways to bind literals of tied quantities tried per trace
DEPENDENCE_DRAWS = 6  # draws for the dependence check of a row with no gold program
_MAX_DECIMALS = 4


@dataclass(frozen=True)
class Movable:
    """A value of the question that variants redraw (every quantity stating it moves with it).

    `base` is the number as written (the 3 of "3 dozen"); `scale` turns it into the value (12),
    and a base that is a percent moves its p/100 too. A fraction ("a third", "3/4") moves its
    denominator: then `base` is the denominator and the value is `numerator / base`."""

    value: Fraction
    indices: tuple[int, ...]  # 1-based quantity indices
    base: Fraction
    scale: Fraction
    percent: bool  # a new value stays below 100, and p/100 moves with p
    decimals: int  # digits after the point, as the base is written
    numerator: Fraction | None = None  # a fraction's numerator, which stays

    def value_for(self, base: Number) -> Number:
        if self.numerator is not None:
            return normalize(self.numerator / base)
        return base if self.scale == 1 else normalize(base * self.scale)

    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(f"#{i}" for i in self.indices)

    @cached_property
    def counts(self) -> tuple[int, int, int]:
        """New values are `count * step / 10**decimals` with lo <= count <= hi: (lo, hi, step)."""
        lo, hi, step = _counts(self.base, self.decimals, self.percent)
        if self.numerator is not None:  # a fraction stays below 1 (and off 1/1)
            lo = max(lo, int(self.numerator) + 1)
            hi = max(hi, lo)
        return lo, hi, step

    @cached_property
    def keys(self) -> frozenset[Fraction]:
        """Every value a literal may write for it: all of them move."""
        keys = {self.value, self.base}
        if self.percent:
            keys.add(self.value / 100)
        return frozenset(keys)


_MAYBE_CONSTANT = CONSTANT_VALUES | frozenset(v for _, values, _ in UNIT_CONSTANTS for v in values)
_SCALES = frozenset(Fraction(s) for s in (12, 1_000, 1_000_000, 1_000_000_000))


def _decimals(value: Fraction) -> int | None:
    for k in range(_MAX_DECIMALS + 1):
        if (value * 10**k).denominator == 1:
            return k
    return None


def _written(q) -> tuple[Fraction, Fraction, Fraction | None] | None:
    """(base, scale, numerator) of a quantity whose grounds move with one number; None otherwise."""
    rest = q.grounds - {q.value}
    if q.kind == "percent":
        return (q.value, Fraction(1), None) if rest <= {q.value / 100} else None
    if not rest:
        return q.value, Fraction(1), None
    if len(rest) == 2 and q.value < 1:  # "a third", "3/4": the denominator moves, the numerator stays
        small, big = sorted(rest)
        if big.denominator == 1 and small.denominator == 1 and small / big == q.value:
            return big, Fraction(1), small
    scales = rest & _SCALES
    if len(rest) == 2 and len(scales) == 1:  # "3 dozen", "$32 million": the number and its scale
        scale = next(iter(scales))
        base = next(iter(rest - scales))
        if base * scale == q.value:
            return base, scale, None
    return None  # "2 1/2", "2 and a half": grounds in other senses than the number


@remembered(4096)
def movable(question: str) -> tuple[Movable, ...]:
    """The question's values that variants redraw, in reading order of their first quantity."""
    quantities = _extract(question)
    constants: frozenset[Fraction] | None = None  # looked up only for a value that could be one
    groups: dict[Fraction, list[int]] = {}
    for i, q in enumerate(quantities, 1):
        groups.setdefault(q.value, []).append(i)
    out = []
    for value, indices in groups.items():
        members = [quantities[i - 1] for i in indices]
        written = {_written(q) for q in members}
        if len(written) != 1 or None in written:
            continue  # not movable, or "36" beside "3 dozen": one value, two ways to move it
        base, scale, numerator = written.pop()  # type: ignore[misc]
        decimals = _decimals(base)
        m = Movable(value, tuple(indices), base, scale, any(q.kind == "percent" for q in members),
                    decimals or 0, numerator)
        if decimals is None or value <= 0 or m.keys & COUNTING_CONSTANTS:
            continue  # 1 and 2 count
        if m.keys & _MAYBE_CONSTANT:
            constants = question_constants(question) if constants is None else constants
            if m.keys & constants:
                continue  # the 60 of "60 minutes" may be the minutes in an hour
        others = (q for i, q in enumerate(quantities, 1) if i not in indices)
        if any(q.grounds & m.keys for q in others):
            continue  # the 4 of "a quarter" next to "4 boxes": a literal 4 could mean either
        out.append(m)
    return tuple(out)


def _counts(value: Fraction, decimals: int, percent: bool) -> tuple[int, int, int]:
    """A value written like `value` is `count * step / 10**decimals`, lo <= count <= hi: the same
    decimals, similar size (half to double), the same roundness; a percent below 100 stays below."""
    scale = 10**decimals
    whole = int(value * scale)  # a count of the last written digit
    if percent and value < 100:
        step = 5 if whole % 5 == 0 and decimals == 0 else 1
        return 1, max(1, 95 * scale // step), step
    step = 10 ** max(0, len(str(whole)) - 2) if whole % 10 == 0 else 1  # 250 moves in steps of 10
    if step == 1 and whole % 5 == 0 and whole >= 10:
        step = 5
    lo, hi = max(1, whole // 2), max(whole * 2, 10)
    return max(1, lo // step), max(1, hi // step), step


def sample(value: Number, counts: tuple[int, int, int], decimals: int, rng: random.Random) -> Number:
    """A new value (not the old one, unless eight tries in a row give it)."""
    lo, hi, step = counts
    new: Number = value
    for _ in range(8):
        count = rng.randint(lo, hi) * step
        new = count if decimals == 0 else normalize(Fraction(count, 10**decimals))
        if new != value:
            break
    return new


def _moved(value: Fraction, decimals: int | None, percent: bool, rng: random.Random) -> Number:
    """A new value for `value` (a value that is no short decimal, such as 1/3, is scaled by a small
    ratio)."""
    if decimals is None:
        return normalize(value * Fraction(rng.randint(2, 9), rng.randint(2, 9)))
    return sample(normalize(value), _counts(value, decimals, percent), decimals, rng)


def _tied(m: Movable) -> bool:
    """A value stated by several plain quantities ("3 oranges ... 3 eaten"): each moves on its own,
    and the grader tries every way to bind the trace's literals of it (`bindings`)."""
    return len(m.indices) > 1 and m.scale == 1 and not m.percent and m.numerator is None


class _Draws:
    """The question's candidate draws, made one at a time as a gold program asks for more: first
    fresh values of the same look, then (after `FRESH`) in turn with whole multiples of the old
    values (of one value, half the time), which keep a division that came out whole (132 km at
    44 km/h) whole more often. A tied value draws one new value per quantity, the others one in
    all."""

    def __init__(self, question: str) -> None:
        self.groups = movable(question)
        self.rng = random.Random(f"gsmtrace-variant:{question}")
        self.made: list[Draw] = []
        self.tries = 0
        self.lock = threading.Lock()  # shared through the cache: the k-th draw must not depend on who asked

    def __getitem__(self, k: int) -> Draw | None:
        with self.lock:
            while len(self.made) <= k and self.groups and self.tries < CANDIDATES:
                self.tries += 1
                draw = self._fresh() if self.tries <= FRESH or self.tries % 2 else self._multiple()
                if draw is not None:
                    self.made.append(draw)
            return self.made[k] if k < len(self.made) else None

    def _fresh(self) -> Draw:
        rng = self.rng
        return draw_from(self.groups, [[sample(m.base, m.counts, m.decimals, rng)
                                    for _ in (m.indices if _tied(m) else (0,))] for m in self.groups])

    def _multiple(self) -> Draw | None:
        rng, groups = self.rng, self.groups
        factors = [[rng.choice((1, 1, 2, 3, 4, 5)) for _ in (m.indices if _tied(m) else (0,))] for m in groups]
        if rng.random() < 0.5:  # one value alone: a dividend that grows keeps its division whole
            one = rng.randrange(len(groups))
            factors = [[rng.choice((2, 3, 4, 5)) if g == one else 1 for _ in fs] for g, fs in enumerate(factors)]
        if all(f == 1 for fs in factors for f in fs):
            factors[rng.randrange(len(groups))][0] = 2
        news = [[normalize(m.base * f) if not (m.percent and m.base * f >= 100 > m.base) else m.base
                 for f in fs] for m, fs in zip(groups, factors, strict=True)]
        if all(new == m.base for m, ns in zip(groups, news, strict=True) for new in ns):
            return None
        return draw_from(groups, news)


@remembered(4096)
def _candidates(question: str) -> _Draws:
    return _Draws(question)


def draw_from(groups: Sequence[Movable], bases: Sequence[Sequence[Number]]) -> Draw:
    """A draw from new bases (one per quantity of a tied value, else one per value): each
    quantity's new value, and each other written form of it by value."""
    draw: Draw = {}
    for m, news in zip(groups, bases, strict=True):
        if len(news) > 1:
            draw.update(zip(m.names, news, strict=True))
            continue
        base = news[0]
        value = m.value_for(base)
        for name in m.names:
            draw[name] = value
        if m.scale != 1 or m.numerator is not None:
            draw[m.base] = base
        if m.percent:
            draw[m.value / 100] = normalize(Fraction(base) / 100)
    return draw


@remembered(4096)
def bindings(question: str) -> tuple[dict[str, str], ...]:
    """The ways to bind a trace to tied quantities: each maps "#i" to the quantity whose new value
    it reads. A literal 3 in "3 oranges ... 3 eaten" reads the first 3 the trace has not read yet
    (`solver.execute`), which may not be the one the author meant; the grader accepts a trace when
    one binding, the same on every variant, matches the gold program. The identity comes first;
    at most `MAX_BINDINGS`."""
    tied = [m.indices for m in movable(question) if _tied(m)]
    out = []
    for choice in itertools.product(*(itertools.permutations(ix) for ix in tied)):
        out.append({f"#{i}": f"#{j}" for ix, perm in zip(tied, choice, strict=True) for i, j in zip(ix, perm, strict=True)})
        if len(out) == MAX_BINDINGS:
            break
    return tuple(out) or ({},)


def rebind(draw: Draw, binding: dict[str, str]) -> Draw:
    """The draw as a trace bound by `binding` reads it."""
    if not binding:
        return draw
    return {**draw, **{key: draw[source] for key, source in binding.items()}}


@remembered(4096)
def dependence_draws(question: str) -> tuple[Draw, ...]:
    """Draws for checking that an answer moves with the question: every quantity moves on its own,
    as the provenance stand-ins do (`solver.provenance`), and so does each other value a quantity
    grounds, keyed by value as its stand-in is (the 32 of "$32 million", the 6 of "1/6", a
    percent's p/100), except the 1s and 2s of a question that states other numbers (they count as
    constants there). Only the draws' values matter, not whether they stay inside any program's
    domain, but they keep the order of the old values: `ceil(min / max)` is 1 on every draw, as it
    is whatever a question of this shape says, while an honest `ceil(23 / 10)` moves."""
    quantities = _extract(question)
    others = any(q.value not in COUNTING_CONSTANTS for q in quantities)
    if not quantities:
        return ()
    out = []
    rng = random.Random(f"gsmtrace-dependence:{question}")
    for _ in range(DEPENDENCE_DRAWS):
        draw: Draw = {}
        for i, q in enumerate(quantities, 1):
            if others and q.value in COUNTING_CONSTANTS:
                continue
            new = _moved(q.value, _decimals(q.value), q.kind == "percent", rng)
            draw[f"#{i}"] = new
            for ground in sorted(q.grounds - {q.value}):  # 32 of "$32 million", 6 of "1/6", p/100
                if others and ground in COUNTING_CONSTANTS or ground in draw:
                    continue
                draw[ground] = _moved(ground, _decimals(ground), False, rng)
        fixed = sorted({q.value for q in quantities if others and q.value in COUNTING_CONSTANTS})
        out.append(_in_order(draw, quantities, fixed))
    return tuple(out)


def _in_order(draw: Draw, quantities: tuple, fixed: list[Fraction]) -> Draw:
    """The draw's new values dealt out so that a smaller old value gets a smaller new one, the
    values that stay (the 1s and 2s) included: a new value that would cross one is left out."""
    def old(key: str | Fraction) -> Fraction:
        return quantities[int(key[1:]) - 1].value if isinstance(key, str) else key

    def gap(value: Fraction) -> int:
        return sum(f < value for f in fixed) * 2 + (value in fixed)

    def inside(value: Fraction, turn: int) -> Fraction:
        """A new value between the same two fixed values as `value` (halfway to one of them)."""
        below = max((f for f in fixed if f < value), default=Fraction(0))
        above = min((f for f in fixed if f > value), default=None)
        if value in fixed:
            return value
        if above is None:
            return value * 3 / 2 if turn % 2 else (value + below) / 2
        return (value + above) / 2 if turn % 2 else (value + below) / 2

    keys = sorted(draw, key=lambda k: (old(k), str(k)))
    news = sorted(draw.values())
    dealt = dict(zip(keys, news, strict=True))
    return {k: v if gap(v) == gap(old(k)) else inside(old(k), turn)
            for turn, (k, v) in enumerate(dealt.items())}


@dataclass(frozen=True)
class Variant:
    draw: Draw
    answer: Number  # the gold program's answer on the draw


@remembered(4096)
def gold_program(gold: str, question: str) -> Program | None:
    """The gold trace as a program over the question's quantities; None when it does not run on
    the question (a problem whose gold does not run is graded on its answer alone)."""
    run = execute(gold, question, record=True)
    return run.program if run.ok else None


@remembered(4096)
def gold_variants(gold: str, question: str) -> tuple[Variant, ...]:
    """Up to `VARIANTS` draws inside the gold program's domain, with its answers there. Empty when
    the question has nothing to redraw or the gold does not run."""
    program = gold_program(gold, question)
    if program is None:
        return ()
    out: list[Variant] = []
    candidates = _candidates(question)
    k = 0
    while len(out) < VARIANTS and (draw := candidates[k]) is not None:
        k += 1
        answer = program.run(draw, domain=True)
        if answer is not None:
            out.append(Variant(draw, answer))
    return tuple(out)


@remembered(4096)
def gold_moves(gold: str, question: str) -> bool:
    """Whether the gold program's answer moves on the dependence draws (a gold that never moves
    leaves nothing for the dependence check to ask of a trace)."""
    program = gold_program(gold, question)
    if program is None:
        return True
    return any((a := program.run(d)) is not None and a != program.value for d in dependence_draws(question))
