"""The quantities of a question, in reading order, and the values they ground.

``extract_quantities`` backs both grounding (every number a trace introduces must come from the
question or ``CONSTANTS``) and ``init {ref: N}`` pointers (the N-th quantity, 1-based).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from .constants import question_constants
from .limits import MAX_QUESTION_CHARS
from .memo import remembered
from .number_words import Span, word_spans
from .numbers import Number, normalize

_DIGITS_RE = re.compile(
    r"""
    (?<![A-Za-z0-9_.])
    (?:(?P<cur>[$\u20ac\u00a3])[ ]?)?
    (?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)
    (?:
        (?P<mixed>[ ]+(?P<mnum>\d+)/(?P<mden>\d+))
      | /(?P<den>\d+)
    )?
    (?P<half>[ ]+and[ ]+(?:a[ ]+)?half\b)?
    (?P<scale>[ ]+(?:thousand|million|billion|dozen)\b)?
    (?P<pct>[ ]?%|[ ]+percent\b|[ ]+per[ ]cent\b)?
    """,
    re.VERBOSE | re.IGNORECASE | re.ASCII,
)
_SCALE = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "dozen": 12}


@dataclass(frozen=True)
class Quantity:
    text: str
    value: Fraction
    start: int
    end: int
    kind: str  # "number" | "percent" | "fraction" | "word" | "money"
    grounds: frozenset[Fraction]


def _decimal(text: str) -> Number:
    text = text.replace(",", "")
    if "." not in text:
        return int(text)
    whole, _, frac = text.partition(".")
    return normalize(Fraction(int((whole or "0") + frac), 10 ** len(frac)))


def _digit_span(m: re.Match[str]) -> Span | None:
    base = _decimal(m["num"])
    value: Number = base
    grounds = {Fraction(base)}
    kind = "money" if m["cur"] else "number"
    if m["mixed"] and isinstance(base, int) and int(m["mden"]) != 0:
        part = Fraction(int(m["mnum"]), int(m["mden"]))
        value = normalize(base + part)
        grounds |= {part, Fraction(int(m["mnum"])), Fraction(int(m["mden"]))}
        kind = "fraction"
    elif m["den"] and isinstance(base, int) and int(m["den"]) != 0:
        value = normalize(Fraction(base, int(m["den"])))
        grounds.add(Fraction(int(m["den"])))
        kind = "fraction"
    elif m["mixed"] or m["den"]:
        return None  # "1.5/0" and friends: not a quantity we can read
    if m["half"]:
        value = normalize(value + Fraction(1, 2))
        grounds |= {Fraction(1, 2), Fraction(1), Fraction(2)}
    if m["scale"]:
        factor = _SCALE[m["scale"].strip().lower()]
        value = normalize(value * factor)
        grounds.add(Fraction(factor))
    if m["pct"]:
        kind = "percent"
        grounds.add(Fraction(value) / 100)
    grounds.add(Fraction(value))
    return m.start(), m.end(), value, kind, frozenset(grounds)


@remembered(4096)
def _extract(question: str) -> tuple[Quantity, ...]:
    text = question[:MAX_QUESTION_CHARS]
    spans = [s for m in _DIGITS_RE.finditer(text) if (s := _digit_span(m)) is not None]
    spans.extend(word_spans(text))
    spans.sort(key=lambda s: (s[0], -s[1]))
    out: list[Quantity] = []
    end = -1
    for start, stop, value, kind, grounds in spans:
        if start < end:
            continue  # overlaps an earlier quantity
        out.append(Quantity(text[start:stop], Fraction(value), start, stop, kind, grounds))
        end = stop
    return tuple(out)


def extract_quantities(question: str) -> list[Quantity]:
    """Every quantity of the question in reading order (digits, money, percents, fractions, words)."""
    if not isinstance(question, str):
        raise TypeError("question must be a string")
    return list(_extract(question))


@remembered(4096)
def question_grounds(question: str) -> frozenset[Fraction]:
    """The values the question's own quantities ground (no constants)."""
    values: set[Fraction] = set()
    for q in _extract(question):
        values |= q.grounds
    return frozenset(values)


def grounded_values(question: str) -> frozenset[Fraction]:
    """All values a trace may introduce for this question: the quantities' grounds and the
    constants whose cue the question names (``solver.constants.question_constants``)."""
    return question_grounds(question) | question_constants(question)
