"""Numeric variants of a question: its quantities redrawn, so a trace can be checked as a program.

A trace is a program over the question's quantities. Checking only the number it computes pays a
policy that spells the answer out of any question number (``div [q, q]`` is 1, and doublings of 1
reach everything). Running the same trace with the quantities redrawn separates a program from a
number: the spelled answer stays put while the problem's own program moves.

A *draw* maps each movable value of the question to a new one (``{old: new}``, exact). The
executor binds a trace to it (``solver.execute(..., draws=...)``): ``ref: N`` reads quantity N's
new value, a literal that is a movable quantity's value (or a percent's ``p/100``) becomes the new
value, and everything else (constants, the 1s and 2s, values the question states in more than one
sense) stays.

Which quantities move: those whose every ground is their value (digits, money, cardinal words),
or value and value/100 (percents); not 1 and 2 (counting constants), not a constant whose cue the
question names (the 60 of "60 minutes" may be the minutes in an hour), and not a value that also
grounds another quantity in another sense (the 4 of "a quarter"). Quantities with equal values
move together: a trace cannot tell "3 oranges" from "3 eaten" by value, and need not.

A new value looks like the old one: the same decimals, similar size (half to double), the same
roundness (250 moves in steps of 10), and a percent below 100 stays a percent below 100. The draws
are a pure function of the question, so grading is deterministic.

``gold_variants`` runs a gold program on the draws and keeps those inside its domain: it runs
without error, every value that was whole stays whole, and every value that was not negative stays
not negative (the answer's sign kept strictly). Their answers are the variants' gold answers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from .constants import COUNTING_CONSTANTS, question_constants
from .quantities import _extract

Draw = dict  # "#N" (quantity N, 1-based) or a derived value (a percent's p/100) -> its new value

VARIANTS = 4  # gold-checked variants per problem
CANDIDATES = 24  # fresh draws tried to find them inside the gold program's domain
MULTIPLES = 16  # then draws of whole multiples of the old values
DEPENDENCE_DRAWS = 6  # draws for the dependence check of a row with no gold program
_MAX_DECIMALS = 4


@dataclass(frozen=True)
class Movable:
    """A value of the question that variants redraw (every quantity stating it moves with it).

    `base` is the number as written (the 3 of "3 dozen"); `scale` turns it into the value (12),
    and a base that is a percent moves its p/100 too."""

    value: Fraction
    indices: tuple[int, ...]  # 1-based quantity indices
    base: Fraction
    scale: Fraction
    percent: bool  # a new value stays below 100, and p/100 moves with p
    decimals: int  # digits after the point, as the base is written

    @property
    def keys(self) -> frozenset[Fraction]:
        """Every value a literal may write for it: all of them move."""
        keys = {self.value, self.base}
        if self.percent:
            keys.add(self.value / 100)
        return frozenset(keys)


_SCALES = frozenset(Fraction(s) for s in (12, 1_000, 1_000_000, 1_000_000_000))


def _decimals(value: Fraction) -> int | None:
    for k in range(_MAX_DECIMALS + 1):
        if (value * 10**k).denominator == 1:
            return k
    return None


def _written(q) -> tuple[Fraction, Fraction] | None:
    """(base, scale) of a quantity whose every ground moves with its number; None otherwise."""
    rest = q.grounds - {q.value}
    if q.kind == "percent":
        return (q.value, Fraction(1)) if rest <= {q.value / 100} else None
    if not rest:
        return q.value, Fraction(1)
    scales = rest & _SCALES
    if len(rest) == 2 and len(scales) == 1:  # "3 dozen", "$32 million": the number and its scale
        scale = next(iter(scales))
        base = next(iter(rest - scales))
        if base * scale == q.value:
            return base, scale
    return None  # "2 1/2", "a third", "half": grounds in other senses than the number


@lru_cache(maxsize=4096)
def movable(question: str) -> tuple[Movable, ...]:
    """The question's values that variants redraw, in reading order of their first quantity."""
    quantities = _extract(question)
    constants = question_constants(question)
    groups: dict[Fraction, list[int]] = {}
    for i, q in enumerate(quantities, 1):
        groups.setdefault(q.value, []).append(i)
    out = []
    for value, indices in groups.items():
        members = [quantities[i - 1] for i in indices]
        written = {_written(q) for q in members}
        if len(written) != 1 or None in written:
            continue  # not movable, or "36" beside "3 dozen": one value, two ways to move it
        base, scale = written.pop()  # type: ignore[misc]
        decimals = _decimals(base)
        m = Movable(value, tuple(indices), base, scale, any(q.kind == "percent" for q in members),
                    decimals or 0)
        if decimals is None or value <= 0 or m.keys & (COUNTING_CONSTANTS | constants):
            continue  # 1 and 2 count; the 60 of "60 minutes" may be the minutes in an hour
        others = (q for i, q in enumerate(quantities, 1) if i not in indices)
        if any(q.grounds & m.keys for q in others):
            continue  # the 4 of "a quarter" next to "4 boxes": a literal 4 could mean either
        out.append(m)
    return tuple(out)


def _new_value(value: Fraction, decimals: int | None, percent: bool, rng: random.Random) -> Fraction:
    """A value written like the old one: same decimals, similar size, same roundness (a value that
    is no short decimal, such as 1/3, is scaled by a small ratio)."""
    if decimals is None:
        return value * Fraction(rng.randint(2, 9), rng.randint(2, 9))
    scale = 10**decimals
    whole = int(value * scale)  # a count of the last written digit
    if percent and value < 100:
        step = 5 if whole % 5 == 0 and decimals == 0 else 1
        return Fraction(rng.randint(1, max(1, 95 * scale // step)) * step, scale)
    step = 10 ** max(0, len(str(whole)) - 2) if whole % 10 == 0 else 1  # 250 moves in steps of 10
    if step == 1 and whole % 5 == 0 and whole >= 10:
        step = 5
    lo, hi = max(1, whole // 2), max(whole * 2, 10)
    return Fraction(rng.randint(max(1, lo // step), max(1, hi // step)) * step, scale)


def _moved(value: Fraction, decimals: int | None, percent: bool, rng: random.Random) -> Fraction:
    new = value
    for _ in range(8):
        new = _new_value(value, decimals, percent, rng)
        if new != value:
            break
    return new


@lru_cache(maxsize=4096)
def _candidates(question: str) -> tuple[Draw, ...]:
    """Draws of the movable values: every quantity of a value moves to the same new value. First
    fresh values of the same look; then whole multiples of the old ones, which keep a division
    that came out whole (132 km at 44 km/h) whole more often than fresh values do."""
    groups = movable(question)
    if not groups:
        return ()
    out = []
    for k in range(CANDIDATES):
        rng = random.Random(f"gsmtrace-variant:{k}:{question}")
        news = [_moved(m.base, m.decimals, m.percent, rng) for m in groups]
        out.append(_draw(groups, news))
    for k in range(MULTIPLES):
        rng = random.Random(f"gsmtrace-multiple:{k}:{question}")
        factors = [rng.choice((1, 1, 2, 3, 4, 5)) for _ in groups]
        if all(f == 1 for f in factors):
            factors[rng.randrange(len(groups))] = 2
        news = [m.base * f if not (m.percent and m.base * f >= 100 > m.base) else m.base
                for m, f in zip(groups, factors, strict=True)]
        if any(new != m.base for m, new in zip(groups, news, strict=True)):
            out.append(_draw(groups, news))
    return tuple(out)


def _draw(groups: tuple[Movable, ...], bases: list[Fraction]) -> Draw:
    """A draw from new bases: each quantity's new value, and each other written form by value."""
    draw: Draw = {}
    for m, base in zip(groups, bases, strict=True):
        draw.update((f"#{i}", base * m.scale) for i in m.indices)
        if m.scale != 1:
            draw[m.base] = base
        if m.percent:
            draw[m.value / 100] = base / 100
    return draw


@lru_cache(maxsize=4096)
def dependence_draws(question: str) -> tuple[Draw, ...]:
    """Draws for checking that an answer moves with the question: every quantity moves on its own,
    as the provenance stand-ins do (`solver.provenance`), and so does each other value a quantity
    grounds, keyed by value as its stand-in is (the 32 of "$32 million", the 6 of "1/6", a
    percent's p/100), except the 1s and 2s of a question that states other numbers (they count as
    constants there). Only the draws' values matter, not
    whether they stay inside any program's domain."""
    quantities = _extract(question)
    others = any(q.value not in COUNTING_CONSTANTS for q in quantities)
    if not quantities:
        return ()
    out = []
    for k in range(DEPENDENCE_DRAWS):
        rng = random.Random(f"gsmtrace-dependence:{k}:{question}")
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
        out.append(draw)
    return tuple(out)


@dataclass(frozen=True)
class Variant:
    draw: Draw
    answer: Fraction  # the gold program's answer on the draw


@lru_cache(maxsize=4096)
def gold_variants(gold: str, question: str) -> tuple[Variant, ...]:
    """Up to `VARIANTS` draws inside the gold program's domain, with its answers there.

    Empty when the question has nothing to redraw, or the gold trace does not run on the question
    (a problem whose gold does not run is graded on its answer alone)."""
    from .execute import execute  # execute binds traces to draws; this module only draws them

    candidates = _candidates(question)
    if not candidates:
        return ()
    run = execute(gold, question, draws=candidates, domain=True)
    if not run.ok:
        return ()
    out = []
    for draw, answer, inside in zip(candidates, run.alts, run.in_domain, strict=True):
        if inside and answer is not None:
            out.append(Variant(draw, answer))
            if len(out) == VARIANTS:
                break
    return tuple(out)


@lru_cache(maxsize=4096)
def gold_moves(gold: str, question: str) -> bool:
    """Whether the gold program's answer moves on the dependence draws (a gold that never moves
    leaves nothing for the dependence check to ask of a trace)."""
    from .execute import execute

    run = execute(gold, question, draws=dependence_draws(question))
    return not run.ok or any(a is not None and a != run.value for a in run.alts)
