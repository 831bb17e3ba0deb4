"""Number helpers: canonical answer text, trace values, and question renderings.

Every number lives as an exact `Fraction` while a problem is built. It is rendered once
for the question (digits, words, thousands separators, money, percent) and once for the
trace (plain int or numeric string, which `solver.format_trace` accepts).
"""

from __future__ import annotations

from fractions import Fraction

from solver.numbers import format_number, is_terminating

_ONES = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

# Largest integer we ever spell out; bigger numbers always use digits.
MAX_WORD = 99


def as_fraction(x: int | str | Fraction) -> Fraction:
    """Exact value of an int, Fraction or plain numeric string ("2.5", "3/4")."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    return Fraction(str(x).replace(",", ""))


def decimal_places(x: Fraction) -> int:
    """Digits after the point in x's finite decimal expansion (x must terminate)."""
    places = 0
    while x.denominator != 1:
        x *= 10
        places += 1
        if places > 30:
            raise ValueError(f"{x} has no finite decimal expansion")
    return places


def canonical_answer(x: Fraction) -> str:
    """The Problem.answer text: `solver.format_number`, but never a fraction."""
    if not is_terminating(x):
        raise ValueError(f"answer {x} has no finite decimal expansion")
    return format_number(x)


def trace_value(x: Fraction) -> int | str:
    """The value as it goes into trace data: int when whole, else exact numeric text."""
    return x.numerator if x.denominator == 1 else format_number(x)


def with_commas(x: Fraction) -> str:
    """Digits with thousands separators: 80000 -> 80,000; 1234.5 -> 1,234.5."""
    text = format_number(abs(x))
    whole, _, frac = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = ",".join(groups) + (f".{frac}" if frac else "")
    return f"-{out}" if x < 0 else out


def to_words(n: int) -> str:
    """English words for 0..MAX_WORD (hyphenated compounds like "twenty-five")."""
    if not 0 <= n <= MAX_WORD:
        raise ValueError(f"{n} is outside the spelled-out range 0..{MAX_WORD}")
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] if ones == 0 else f"{_TENS[tens]}-{_ONES[ones]}"


def digits_of(x: Fraction) -> int:
    """Number of digits in the integer part of |x| (magnitude bucket for difficulty)."""
    return len(str(abs(x.numerator) // x.denominator))
