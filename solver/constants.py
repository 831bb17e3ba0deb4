"""Numbers a trace may use without finding them in the question (unit conversions and the like).

Two tables. ``CONSTANTS`` holds facts every problem may lean on. ``UNIT_CONSTANTS`` holds unit
facts that count only when the question names the unit: "5 cents a nickel" is grounded in a
question about nickels, not in one about apples. Keeping the second table conditional keeps the
grounding rule tight while covering the implicit knowledge real GSM8K solutions use.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache

CONSTANTS: dict[Fraction, str] = {
    Fraction(1): "one more or one fewer (counting oneself, a single item)",
    Fraction(2): "pairs, doubling, halving",
    Fraction(7): "days per week",
    Fraction(12): "months per year, items per dozen, inches per foot",
    Fraction(24): "hours per day",
    Fraction(52): "weeks per year",
    Fraction(60): "minutes per hour, seconds per minute",
    Fraction(100): "percent, cents per dollar, centimetres per metre",
    Fraction(365): "days per year",
    Fraction(1000): "grams per kilogram, metres per kilometre, millilitres per litre",
}

CONSTANT_VALUES: frozenset[Fraction] = frozenset(CONSTANTS)

# (word pattern, values, meaning): the values ground a trace only when the question matches.
UNIT_CONSTANTS: tuple[tuple[str, tuple[Fraction, ...], str], ...] = (
    (r"months?", (Fraction(30), Fraction(4)), "days per month, weeks per month"),
    (r"weekdays?|work ?days?|school ?days?", (Fraction(5),), "weekdays per week"),
    (r"weekends?", (Fraction(2),), "days per weekend"),
    (r"nickels?", (Fraction(5), Fraction(1, 20)), "cents per nickel, dollars per nickel"),
    (r"dimes?", (Fraction(10), Fraction(1, 10)), "cents per dime, dollars per dime"),
    (r"quarters?", (Fraction(25), Fraction(1, 4), Fraction(4)), "cents per quarter, quarters per dollar"),
    (r"pennies|penny|cents?", (Fraction(1, 100),), "dollars per cent"),
    (r"pounds?|ounces?|lbs?", (Fraction(16),), "ounces per pound"),
    (r"feet|foot|inch(?:es)?", (Fraction(12),), "inches per foot"),
    (r"yards?", (Fraction(3), Fraction(36)), "feet per yard, inches per yard"),
    (r"gallons?|quarts?", (Fraction(4), Fraction(128)), "quarts per gallon, ounces per gallon"),
    (r"decades?", (Fraction(10),), "years per decade"),
    (r"centur(?:y|ies)", (Fraction(100),), "years per century"),
    (r"triplets|tricycles?|triangles?", (Fraction(3),), "members of a triplet, wheels, sides"),
    (r"squares?|rectangles?", (Fraction(4),), "sides of a square or rectangle"),
)

_UNIT_PATTERNS = tuple((re.compile(rf"\b(?:{p})\b", re.IGNORECASE), v) for p, v, _ in UNIT_CONSTANTS)


@lru_cache(maxsize=4096)
def unit_constants(question: str) -> frozenset[Fraction]:
    """The ``UNIT_CONSTANTS`` values whose unit the question names."""
    found: set[Fraction] = set()
    for pattern, values in _UNIT_PATTERNS:
        if pattern.search(question):
            found.update(values)
    return frozenset(found)
