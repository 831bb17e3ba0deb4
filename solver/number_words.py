"""Spelled-out quantities: "three", "twenty-five", "a dozen", "twice", "half", "two thirds".

Works on word tokens of the question; returns spans with their value, kind and grounded values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from fractions import Fraction

from .numbers import Number

UNITS = {w: i for i, w in enumerate(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])}
TEENS = {w: i + 10 for i, w in enumerate(
    ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"])}
TENS = {w: (i + 2) * 10 for i, w in enumerate(["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"])}
SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
# Denominator words of fractions ("second" is left out: "a second" is a unit of time).
DENOMINATORS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
    "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7,
    "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9, "tenth": 10, "tenths": 10,
}
MULTIPLIERS = {
    "twice": 2, "double": 2, "doubled": 2, "doubles": 2, "thrice": 3, "triple": 3, "tripled": 3,
    "triples": 3, "quadruple": 4, "quadrupled": 4, "quadruples": 4,
}
ARTICLES = {"a", "an"}

_WORD_RE = re.compile(r"[A-Za-z]+")
_JOIN_RE = re.compile(r"[ \t]+|[ \t]*-[ \t]*")  # what may separate words of one number

Span = tuple[int, int, Number, str, frozenset]  # start, end, value, kind, grounds


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group().lower(), m.start(), m.end()) for m in _WORD_RE.finditer(text)]


def _joined(text: str, toks: list[tuple[str, int, int]], j: int) -> bool:
    """Token j directly follows token j-1 (only spaces or a hyphen between)."""
    return 0 < j < len(toks) and _JOIN_RE.fullmatch(text, toks[j - 1][2], toks[j][1]) is not None


def _cardinal(text: str, toks: list[tuple[str, int, int]], i: int) -> tuple[int, int] | None:
    """Parse a cardinal starting at token i; returns (value, index after) or None."""
    total = current = 0
    last = "article" if toks[i][0] in ARTICLES else None
    j = i + 1 if last else i
    seen = False
    while j < len(toks) and (j == i or _joined(text, toks, j)):
        word = toks[j][0]
        if word in UNITS and last in (None, "tens", "hundred", "scale"):
            current += UNITS[word]
            last = "unit"
        elif word in TEENS and last in (None, "hundred", "scale"):
            current += TEENS[word]
            last = "teen"
        elif word in TENS and last in (None, "hundred", "scale"):
            current += TENS[word]
            last = "tens"
        elif word == "hundred" and last in ("unit", "teen", "tens", "article"):
            current = (current or 1) * 100
            last = "hundred"
        elif word in SCALES and last in ("unit", "teen", "tens", "hundred", "article"):
            total += (current or 1) * SCALES[word]
            current = 0
            last = "scale"
        elif (word == "and" and last in ("hundred", "scale") and j + 1 < len(toks)
              and _joined(text, toks, j + 1) and toks[j + 1][0] in UNITS | TEENS | TENS):
            j += 1
            continue
        else:
            break
        seen = True
        j += 1
    if not seen or last == "article":
        return None
    return total + current, j


def _follow(text: str, toks: list[tuple[str, int, int]], j: int, words: tuple[str, ...]) -> bool:
    """Tokens j.. spell `words`, each joined to the one before."""
    for k, word in enumerate(words):
        if j + k >= len(toks) or toks[j + k][0] != word or not _joined(text, toks, j + k):
            return False
    return True


def word_spans(text: str) -> Iterator[Span]:
    toks = _tokens(text)
    i = 0
    while i < len(toks):
        word, start, _ = toks[i]
        span = _at(text, toks, i)
        if span is None:
            i += 1
            continue
        value, kind, grounds, j = span
        yield start, toks[j - 1][2], value, kind, grounds
        i = j


def _at(text: str, toks: list[tuple[str, int, int]], i: int) -> tuple[Number, str, frozenset, int] | None:
    word = toks[i][0]
    half = Fraction(1, 2)
    if word == "half":
        if _follow(text, toks, i + 1, ("a", "dozen")):
            return 6, "word", frozenset({Fraction(6), half, Fraction(12)}), i + 3
        return half, "fraction", frozenset({half, Fraction(1), Fraction(2)}), i + 1
    if word in MULTIPLIERS:
        return MULTIPLIERS[word], "word", frozenset({Fraction(MULTIPLIERS[word])}), i + 1
    if word == "dozen":
        return 12, "word", frozenset({Fraction(12)}), i + 1
    if word in ARTICLES and i + 1 < len(toks) and _joined(text, toks, i + 1):
        nxt = toks[i + 1][0]
        if nxt == "dozen":
            return 12, "word", frozenset({Fraction(12)}), i + 2
        if nxt in DENOMINATORS and not nxt.endswith("s"):
            den = DENOMINATORS[nxt]
            return Fraction(1, den), "fraction", frozenset({Fraction(1, den), Fraction(1), Fraction(den)}), i + 2
    parsed = _cardinal(text, toks, i)
    if parsed is None:
        return None
    value, j = parsed
    if j < len(toks) and _joined(text, toks, j):
        nxt = toks[j][0]
        if nxt == "dozen":
            return value * 12, "word", frozenset({Fraction(value * 12), Fraction(value), Fraction(12)}), j + 1
        if nxt == "percent":
            return value, "percent", frozenset({Fraction(value), Fraction(value, 100)}), j + 1
        if _follow(text, toks, j, ("per", "cent")):
            return value, "percent", frozenset({Fraction(value), Fraction(value, 100)}), j + 2
        if nxt in DENOMINATORS and 0 < value <= 20 and (value == 1) != nxt.endswith("s"):
            frac = Fraction(value, DENOMINATORS[nxt])
            grounds = frozenset({frac, Fraction(value), Fraction(DENOMINATORS[nxt])})
            return frac, "fraction", grounds, j + 1
        for tail in (("and", "a", "half"), ("and", "half")):  # "two and a half", "two and half"
            if _follow(text, toks, j, tail):
                total = value + half
                return total, "word", frozenset({total, Fraction(value), half, Fraction(1), Fraction(2)}), j + len(tail)
    return value, "word", frozenset({Fraction(value)}), j
