"""The per-item context a pattern builds with: seeded sampling and number rendering.

Sampling and rendering draw from separate RNG streams, so rendering knobs (number words,
thousands separators) change how numbers are written but never which numbers are drawn.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction

from solver import format_number

from . import lexicon
from .builder import Composition, Reject, TraceBuilder
from .config import Difficulty, GeneratorConfig
from .numbers import MAX_WORD, to_words, with_commas

# Magnitude -> (multiplier on a pattern's base range, granularity of large numbers).
_SCALE = {1: (Fraction(1, 5), 1), 2: (Fraction(1), 1), 3: (Fraction(10), 10), 4: (Fraction(200), 100)}

_FRACTION_WORDS = {Fraction(1, 2): "half", Fraction(1, 3): "a third", Fraction(1, 4): "a quarter"}


@dataclass
class Draft:
    """What a pattern build returns: the trace (single or composed) and the template slots."""

    trace: TraceBuilder | Composition
    slots: dict[str, str]


class Ctx:
    """Sampling helpers (numbers, people, things) and renderers for one item."""

    def __init__(
        self, rng: random.Random, render_rng: random.Random, cfg: GeneratorConfig,
        diff: Difficulty, phrasing: int,
    ):
        self.rng = rng
        self.cfg = cfg
        self.diff = diff
        self.phrasing = phrasing
        self.exact = cfg.integer_answers
        self.names: list[str] = []   # people in this item, in order (a list: sets iterate randomly)
        self._used_things: set[str] = set()
        # Item-level rendering choices, drawn up front so they are independent of the pattern.
        self.words = render_rng.random() < cfg.number_words
        self.commas = render_rng.random() < cfg.thousands_separators
        self.render_rng = render_rng

    # -- sampling ------------------------------------------------------------------------
    def int(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def big(self, lo: int, hi: int, mult: int = 1) -> int:
        """A value from the pattern's base range scaled by the magnitude, a multiple of mult."""
        factor, grain = _SCALE[self.diff.magnitude]
        step = mult * grain if hi * factor >= 1000 else mult
        lo_s = max(Fraction(lo), lo * factor)
        hi_s = max(lo_s + step, hi * factor)
        first = -(-int(lo_s) // step) * step
        last = int(hi_s) // step * step
        if last < first:
            last = first
        return self.rng.randrange(first, last + 1, step)

    def multiple(self, k: int, lo: int, hi: int) -> int:
        """big() restricted to multiples of k (for exact division)."""
        return self.big(lo, hi, mult=k)

    def pick(self, seq):
        return self.rng.choice(seq)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def decimal(self) -> bool:
        """Should this item use decimal values? Always draws, keeping streams aligned."""
        return self.rng.random() < self.cfg.decimals

    def person(self) -> lexicon.Person:
        for _ in range(100):
            p = self.rng.choice(lexicon.PEOPLE)
            if p.name not in self.names:
                self.names.append(p.name)
                return p
        raise Reject("ran out of names")

    def people(self, k: int) -> list[lexicon.Person]:
        return [self.person() for _ in range(k)]

    def thing(self, pool: tuple[lexicon.Thing, ...]) -> lexicon.Thing:
        for _ in range(100):
            t = self.rng.choice(pool)
            if t.plural not in self._used_things:
                self._used_things.add(t.plural)
                return t
        raise Reject("ran out of things")

    def price(self, thing: lexicon.Thing, cents: bool = False) -> Fraction:
        """A unit price in the thing's range (prices do not grow with magnitude); with
        cents=True it ends in .25, .50 or .75."""
        whole = self.int(thing.lo, thing.hi)
        if cents:
            return whole + Fraction(self.rng.choice((1, 2, 3)), 4)
        return Fraction(whole)

    def trace(self, expert: str) -> TraceBuilder:
        return TraceBuilder(expert)

    # -- rendering -----------------------------------------------------------------------
    def n(self, x: int | Fraction) -> str:
        """A count: maybe spelled out (number_words), maybe with thousands separators."""
        x = Fraction(x)
        if self.words and x.denominator == 1 and 0 < x <= MAX_WORD and (x <= 20 or x % 10 == 0):
            return to_words(int(x))
        return self.dec(x)

    def dec(self, x: int | Fraction) -> str:
        """Digits (never words), with separators when this item uses them."""
        x = Fraction(x)
        return with_commas(x) if self.commas and abs(x) >= 1000 else format_number(x)

    def money(self, x: int | Fraction) -> str:
        x = Fraction(x)
        if x.denominator == 1:
            return "$" + self.dec(x)
        cents = round(x * 100)
        if Fraction(cents, 100) != x:
            raise Reject(f"price {x} has fractions of a cent")
        return f"${self.dec(Fraction(cents // 100))}.{cents % 100:02d}"

    def pct(self, x: int | Fraction) -> str:
        return format_number(Fraction(x)) + "%"

    def frac(self, x: Fraction) -> str:
        """A fraction of something: "half", "a third", "a quarter", otherwise "3/4"."""
        if x in _FRACTION_WORDS and (self.words or self.render_rng.random() < 0.7):
            return _FRACTION_WORDS[x]
        return f"{x.numerator}/{x.denominator}"
