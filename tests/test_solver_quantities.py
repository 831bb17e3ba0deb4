from fractions import Fraction as F

import pytest

from solver import CONSTANTS, extract_quantities
from solver.quantities import grounded_values


def _q(question):
    return [(q.text, q.value, q.kind) for q in extract_quantities(question)]


def test_reading_order_and_kinds():
    question = "Mia buys 3 boxes of 1,250 beads for $12.50 each, then sells 40% of them."
    assert _q(question) == [
        ("3", F(3), "number"),
        ("1,250", F(1250), "number"),
        ("$12.50", F(25, 2), "money"),
        ("40%", F(40), "percent"),
    ]


def test_spans_point_into_the_question():
    question = "A farm has twenty-five cows and 3/4 of them are brown."
    for q in extract_quantities(question):
        assert question[q.start : q.end] == q.text


@pytest.mark.parametrize(
    ("question", "text", "value", "kind"),
    [
        ("He bought a dozen eggs.", "a dozen", F(12), "word"),
        ("She ran twice as far.", "twice", F(2), "word"),
        ("He ate half of the pie.", "half", F(1, 2), "fraction"),
        ("A third of them left.", "A third", F(1, 3), "fraction"),
        ("A quarter of the class.", "A quarter", F(1, 4), "fraction"),
        ("Two thirds were red.", "Two thirds", F(2, 3), "fraction"),
        ("It costs seventy-two dollars.", "seventy-two", F(72), "word"),
        ("one hundred and five pages", "one hundred and five", F(105), "word"),
        ("three thousand two hundred sheep", "three thousand two hundred", F(3200), "word"),
        ("Use 3/4 cup of sugar.", "3/4", F(3, 4), "fraction"),
        ("It took 2 1/2 hours.", "2 1/2", F(5, 2), "fraction"),
        ("It took 2 and a half hours.", "2 and a half", F(5, 2), "number"),
        ("He paid $5 million.", "$5 million", F(5_000_000), "money"),
        ("She bought half a dozen rolls.", "half a dozen", F(6), "word"),
        ("Prices rose twenty percent.", "twenty percent", F(20), "percent"),
        ("Prices rose 7.5 percent.", "7.5 percent", F(15, 2), "percent"),
        ("Tom tripled his savings.", "tripled", F(3), "word"),
    ],
)
def test_single_quantity(question, text, value, kind):
    quantities = extract_quantities(question)
    assert [(q.text, q.value, q.kind) for q in quantities] == [(text, value, kind)]


def test_percent_grounds_rate_and_fraction():
    (q,) = extract_quantities("A 25% tip.")
    assert q.grounds == {F(25), F(1, 4)}


def test_fraction_grounds_parts():
    (q,) = extract_quantities("Two thirds of the cake.")
    assert q.grounds == {F(2, 3), F(2), F(3)}
    (half,) = extract_quantities("half of it")
    assert half.grounds == {F(1, 2), F(1), F(2)}


def test_not_quantities():
    # ordinals, "a second" (time), stray letters and version-like tokens are not quantities
    assert _q("Wait a second, the third runner is here.") == []
    assert _q("no numbers here") == []


def test_dates_and_lists_split_cleanly():
    assert [q.value for q in extract_quantities("On May 3, 2021 she had 1, 2 and 3 cats.")] == [
        F(3), F(2021), F(1), F(2), F(3)]


def test_grounded_values_include_only_cued_constants():
    values = grounded_values("Sam has 5 apples.")
    assert F(5) in values
    assert values == {F(5), F(1), F(2)}  # 1 and 2 count; every other constant needs its cue
    timed = grounded_values("Sam walks 5 miles an hour for 3 days.")
    assert {F(5), F(3), F(60), F(24), F(7), F(365)} <= timed
    assert F(1000) not in timed and F(12) not in timed
    assert F(1000) in grounded_values("The bottle holds 250ml.")  # a unit run into its digits


def test_constants_table():
    assert set(CONSTANTS) == {F(v) for v in (1, 2, 7, 12, 24, 52, 60, 100, 365, 1000)}
    assert all(isinstance(d, str) and d for d in CONSTANTS.values())


def test_unit_constants_count_only_when_the_unit_is_named():
    # 30 days per month, 5 cents per nickel, 16 ounces per pound: grounded only where the unit appears.
    plain = grounded_values("Sam has 3 apples and buys 8 more.")
    assert not {F(30), F(5), F(16), F(4)} & plain
    assert {F(30), F(4)} <= grounded_values("Sam saves 3 dollars a day for 2 months.")
    assert F(5) in grounded_values("Sam has 3 nickels.")
    assert F(16) in grounded_values("A bag weighs 3 pounds.")
    assert F(12) in grounded_values("The board is 3 feet long.")
    assert F(5) not in grounded_values("The board is 3 feet long.")


def test_non_string_question_rejected():
    with pytest.raises(TypeError):
        extract_quantities(None)  # type: ignore[arg-type]
