"""Exact number parsing and canonical number text.

Every number in the solver is an ``int`` or a ``fractions.Fraction``; floats never take part in
arithmetic. ``parse_number`` accepts what people and models write ("1,000", "$80", "50%", "2.5",
"3/4", "1 1/2") and rejects everything else with a ValueError.
"""

from __future__ import annotations

import math
import numbers
import re
from decimal import Decimal
from fractions import Fraction

from .limits import MAX_NUMBER_CHARS

Number = int | Fraction

_NUMBER_RE = re.compile(
    r"""
    (?P<sign>[-+\u2212]?)\s*
    (?P<cur>[$\u20ac\u00a3]?)\s*
    (?P<sign2>[-+\u2212]?)
    (?:
        (?P<whole>\d+)\s+(?P<mnum>\d+)\s*/\s*(?P<mden>\d+)          # mixed number: 1 1/2
      | (?P<fnum>\d+)\s*/\s*(?P<fden>\d+)                             # fraction: 3/4
      | (?P<dec>\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?|\.\d+)     # 1,000.5 / 2.5 / .5 / 5.
    )
    (?P<pct>\s*%)?
    """,
    re.VERBOSE | re.ASCII,
)


def normalize(value: Number) -> Number:
    """Integral Fractions become ints (fast arithmetic); everything else stays exact."""
    if type(value) is Fraction and value.denominator == 1:
        return value.numerator
    return value


def _decimal_fraction(text: str) -> Number:
    text = text.replace(",", "")
    if "." not in text:
        return int(text)
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    if not frac:
        return int(whole or "0")
    return Fraction(int((whole or "0") + frac), 10 ** len(frac))


def parse_value(text: str) -> Number:
    """Parse number text to an int or Fraction; ValueError on anything else."""
    if text.isascii() and text.isdigit() and len(text) <= 18:  # the common case, fast
        return int(text)
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"number text is longer than {MAX_NUMBER_CHARS} characters")
    match = _NUMBER_RE.fullmatch(text.strip())
    if match is None:
        if re.fullmatch(r"\s*\d+:\d+(?::\d+)?\s*", text):
            raise ValueError(f"{text!r} looks like a time, not a number (write minutes or hours as a number)")
        raise ValueError(f"{text!r} is not a number")
    if match["sign"] and match["sign2"]:
        raise ValueError(f"{text!r} has two signs")
    negative = (match["sign"] or match["sign2"]) in ("-", "\u2212")
    if match["dec"] is not None:
        value: Number = _decimal_fraction(match["dec"])
    else:
        num, den = (match["mnum"], match["mden"]) if match["whole"] is not None else (match["fnum"], match["fden"])
        if int(den) == 0:
            raise ValueError(f"{text!r} divides by zero")
        value = normalize(Fraction(int(num), int(den)) + int(match["whole"] or 0))
    return -value if negative else value


def parse_number(x: object) -> Fraction:
    """Any supported number representation to an exact Fraction; ValueError on junk."""
    if isinstance(x, bool):
        raise ValueError(f"{x!r} is a boolean, not a number")
    if isinstance(x, Fraction):
        return x
    if isinstance(x, numbers.Integral):  # int, numpy.int64, ...
        return Fraction(int(x))
    if isinstance(x, numbers.Real) and not isinstance(x, numbers.Rational):  # float, numpy.float64, ...
        x = float(x)
        if not math.isfinite(x):
            raise ValueError(f"{x!r} is not a finite number")
        return Fraction(repr(x))  # the decimal the float prints as, not its binary expansion
    if isinstance(x, Decimal):
        if not x.is_finite():
            raise ValueError(f"{x!r} is not a finite number")
        return Fraction(x)
    if isinstance(x, str):
        return Fraction(parse_value(x))
    raise ValueError(f"{type(x).__name__} value {x!r} is not a number")


def is_terminating(value: Fraction) -> bool:
    den = value.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    return den == 1


def format_number(value: object) -> str:
    """Canonical text: "18", "2.5", "-0.125"; non-terminating values as "1/3"."""
    frac = parse_number(value) if not isinstance(value, Fraction) else value
    if frac.denominator == 1:
        return str(frac.numerator)
    if not is_terminating(frac):
        return f"{frac.numerator}/{frac.denominator}"
    sign = "-" if frac < 0 else ""
    frac = abs(frac)
    digits = 0
    scaled = frac
    while scaled.denominator != 1:
        scaled *= 10
        digits += 1
    text = str(scaled.numerator).rjust(digits + 1, "0")
    return f"{sign}{text[:-digits]}.{text[-digits:]}"
