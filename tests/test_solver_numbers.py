from decimal import Decimal
from fractions import Fraction

import pytest

from solver import format_number, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18", Fraction(18)),
        ("-3", Fraction(-3)),
        ("+4", Fraction(4)),
        ("1,000", Fraction(1000)),
        ("12,345,678", Fraction(12345678)),
        ("$80", Fraction(80)),
        ("$80,000", Fraction(80000)),
        ("-$5", Fraction(-5)),
        ("$-5", Fraction(-5)),
        ("50%", Fraction(50)),
        ("12.5%", Fraction(25, 2)),
        ("2.5", Fraction(5, 2)),
        ("0.1", Fraction(1, 10)),
        (".5", Fraction(1, 2)),
        ("5.", Fraction(5)),
        ("3.50", Fraction(7, 2)),
        ("3/4", Fraction(3, 4)),
        ("-3/4", Fraction(-3, 4)),
        ("1 1/2", Fraction(3, 2)),
        ("  7  ", Fraction(7)),
        ("1,234.5", Fraction(24690, 20)),
        ("010", Fraction(10)),  # decimal, not YAML 1.1 octal
        ("\u22125", Fraction(-5)),
    ],
)
def test_parse_number_text(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "junk",
    ["", "abc", "1:30", "1,00", "1,0000", "0x10", "1e3", "1_000", "--5", "5 apples", "nan", "inf",
     "1/0", "$", "%", "1.2.3", "٣", "²", "1" * 100],
)
def test_parse_number_rejects_junk(junk):
    with pytest.raises(ValueError):
        parse_number(junk)


def test_parse_number_time_error_is_explicit():
    with pytest.raises(ValueError, match="time"):
        parse_number("1:30")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(5, Fraction(5)), (Fraction(1, 3), Fraction(1, 3)), (0.1, Fraction(1, 10)), (2.5, Fraction(5, 2)),
     (Decimal("1.25"), Fraction(5, 4)), (-7, Fraction(-7))],
)
def test_parse_number_objects(value, expected):
    assert parse_number(value) == expected


@pytest.mark.parametrize("junk", [True, False, None, float("nan"), float("inf"), [1], {"a": 1}, Decimal("NaN")])
def test_parse_number_rejects_objects(junk):
    with pytest.raises(ValueError):
        parse_number(junk)


@pytest.mark.parametrize(
    ("value", "text"),
    [(Fraction(18), "18"), (Fraction(5, 2), "2.5"), (Fraction(-1, 8), "-0.125"), (Fraction(1, 3), "1/3"),
     (Fraction(-2, 3), "-2/3"), (Fraction(1, 100), "0.01"), (Fraction(0), "0"), (7, "7"), (Fraction(12345, 100), "123.45")],
)
def test_format_number(value, text):
    assert format_number(value) == text
    assert parse_number(text) == Fraction(value)
