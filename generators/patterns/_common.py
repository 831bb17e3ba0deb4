"""Small helpers shared by the pattern modules."""

from __future__ import annotations

from fractions import Fraction

from ..builder import Reject
from ..context import Ctx
from ..lexicon import Person, Thing


def who(p: Person, prefix: str = "") -> dict[str, str]:
    """Template slots for a person: {name} {he} {him} {his} (prefix for a second person)."""
    return {f"{prefix}name": p.name, f"{prefix}he": p.he, f"{prefix}him": p.him, f"{prefix}his": p.his}


def things(t: Thing, prefix: str = "") -> dict[str, str]:
    """Template slots for a thing: {item} (singular) and {items} (plural)."""
    return {f"{prefix}item": t.singular, f"{prefix}items": t.plural}


def unit_price(g: Ctx, t: Thing) -> Fraction:
    """A unit price; with the decimals knob it may carry cents (.25, .50, .75)."""
    return g.price(t, cents=g.decimal())


def count_for(g: Ctx, price: Fraction, lo: int, hi: int) -> int:
    """A small count (not scaled by magnitude) that makes count * price whole if needed."""
    step = price.denominator if g.exact else 1
    first = -(-lo // step) * step
    return g.rng.randrange(first, max(first, hi) + 1, step)


def need(cond: bool, why: str) -> None:
    """Reject the sampled numbers unless cond holds."""
    if not cond:
        raise Reject(why)
