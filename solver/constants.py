"""Numbers a trace may use without finding them in the question (unit conversions and the like)."""

from __future__ import annotations

from fractions import Fraction

CONSTANTS: dict[Fraction, str] = {
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
