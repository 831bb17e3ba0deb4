"""Numbers a trace may use without finding them in the question: conversion factors and counts.

Every constant needs a cue. ``CONSTANTS`` are the common factors, each with the words that must
appear in the question before it counts as grounded (60 needs minutes, hours or seconds; 7 needs
a week or a day). 1 and 2 are the counting numbers (oneself, a pair, halving) and need no cue.
``UNIT_CONSTANTS`` are rarer unit facts, grounded only when the question names the unit: "5 cents
a nickel" is grounded in a question about nickels, not in one about apples. Without cues a
constant table makes every number reachable (``add [30, 60]`` in a question with no hours in it).
"""

from __future__ import annotations

import re
from fractions import Fraction

from .memo import remembered

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

# The words that let each constant in; None: always allowed. Matched as whole words, any case
# (a digit may run into a unit: "250ml").
CONSTANT_CUES: dict[Fraction, str | None] = {
    Fraction(1): None,
    Fraction(2): None,
    Fraction(7): r"weeks?|weekly|fortnights?|days?|daily|monday|tuesday|wednesday|thursday|friday|saturday|sunday",
    Fraction(12): r"dozens?|months?|monthly|years?|yearly|annual(?:ly)?|inch(?:es)?|foot|feet|ft",
    Fraction(24): r"days?|daily|hours?|hourly|overnight",
    Fraction(52): r"weeks?|weekly|years?|yearly|annual(?:ly)?",
    # "second" alone is an ordinal more often than a unit ("on the second day"): only after a number,
    # "per", "a", "each", "every" or "one"
    Fraction(60): r"minutes?|mins?|hours?|hourly|hrs?|seconds|secs?|mph|\d+[ -]second|(?:per|a|each|every|one) second",
    Fraction(100): r"percent(?:age)?s?|per cent|%|cents?|penn(?:y|ies)|centimet(?:er|re)s?|cm|met(?:er|re)s?|"
                   r"dollars?|\$|hundreds?|centur(?:y|ies)",
    Fraction(365): r"years?|yearly|annual(?:ly)?|days?",
    Fraction(1000): r"grams?|kilograms?|kgs?|kilomet(?:er|re)s?|km|met(?:er|re)s?|millilit(?:er|re)s?|ml|"
                    r"lit(?:er|re)s?|thousand(?:th)?s?|milligrams?|mg",
}
assert set(CONSTANT_CUES) == CONSTANT_VALUES
COUNTING_CONSTANTS: frozenset[Fraction] = frozenset(v for v, cue in CONSTANT_CUES.items() if cue is None)

# (word pattern, values, meaning): the values ground a trace only when the question matches.
UNIT_CONSTANTS: tuple[tuple[str, tuple[Fraction, ...], str], ...] = (
    (r"months?", (Fraction(30), Fraction(4)), "days per month, weeks per month"),
    (r"weekdays?|work ?days?|school ?days?|monday\s*(?:to|through|thru|until|-)\s*friday", (Fraction(5),),
     "weekdays per week"),
    (r"(?-i:April|June|September|November)", (Fraction(30),), "days in that month"),
    # month names only capitalised: "march" and "may" are verbs too ("may" is left out altogether)
    (r"(?-i:January|March|July|August|October|December)", (Fraction(31),), "days in that month"),
    (r"(?-i:February)", (Fraction(28),), "days in February (not a leap year)"),
    (r"weekends?", (Fraction(2),), "days per weekend"),
    (r"nickels?", (Fraction(5), Fraction(1, 20)), "cents per nickel, dollars per nickel"),
    (r"dimes?", (Fraction(10), Fraction(1, 10)), "cents per dime, dollars per dime"),
    (r"quarters?", (Fraction(25), Fraction(1, 4), Fraction(4)), "cents per quarter, quarters per dollar"),
    (r"pennies|penny|cents?", (Fraction(1, 100),), "dollars per cent"),
    # "pounds" is a verb too ("she pounds the dough"): the unit after a number, "a", "per" or before "of"
    (r"ounces?|oz|lbs?|\d[\d,.]*[ -]?pounds?|(?:a|one|per|each|many|the) pounds?|pounds? of", (Fraction(16),),
     "ounces per pound"),
    (r"feet|foot|inch(?:es)?", (Fraction(12),), "inches per foot"),
    (r"yards?", (Fraction(3), Fraction(36)), "feet per yard, inches per yard"),
    (r"gallons?|quarts?", (Fraction(4), Fraction(128)), "quarts per gallon, ounces per gallon"),
    (r"decades?", (Fraction(10),), "years per decade"),
    (r"centur(?:y|ies)", (Fraction(100),), "years per century"),
    (r"triplets|tricycles?|triangles?", (Fraction(3),), "members of a triplet, wheels, sides"),
    # the shape, not a place ("town square") nor an area unit ("square feet")
    (r"rectangles?|squares|(?<!town )(?<!market )square(?![ -](?:feet|foot|meters?|metres?|miles?|inch(?:es)?|"
     r"yards?|kilomet(?:er|re)s?|km|cm|units?))", (Fraction(4),), "sides of a square or rectangle"),
)


def _word(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z])(?:{pattern})(?![A-Za-z])", re.IGNORECASE)


_UNIT_PATTERNS = tuple((_word(p), v) for p, v, _ in UNIT_CONSTANTS)
_CUE_PATTERNS = tuple((v, _word(cue)) for v, cue in CONSTANT_CUES.items() if cue is not None)


@remembered(4096)
def unit_constants(question: str) -> frozenset[Fraction]:
    """The ``UNIT_CONSTANTS`` values whose unit the question names."""
    return frozenset(v for pattern, values in _UNIT_PATTERNS if pattern.search(question) for v in values)


@remembered(4096)
def question_constants(question: str) -> frozenset[Fraction]:
    """The constants this question may use: ``CONSTANTS`` whose cue it names, 1 and 2, and the
    ``UNIT_CONSTANTS`` whose unit it names."""
    cued = {v for v, cue in _CUE_PATTERNS if cue.search(question)}
    return frozenset(cued) | COUNTING_CONSTANTS | unit_constants(question)
