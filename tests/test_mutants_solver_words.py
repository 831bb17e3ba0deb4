"""Spelled-out numbers (solver.number_words), each span worked out by hand (issue 23: tests that
kill the mutants mutmut found surviving). A span is (text as written, value, kind, grounds): the
grounds are every number a trace may write for that quantity."""

from fractions import Fraction as F

import pytest

from solver.number_words import word_spans


def spans(text):
    return [(text[s:e], v, kind, set(g)) for s, e, v, kind, g in word_spans(text)]


@pytest.mark.parametrize("text, expected", [
    ("three", [("three", 3, "word", {F(3)})]),
    ("zero", [("zero", 0, "word", {F(0)})]),
    ("nineteen", [("nineteen", 19, "word", {F(19)})]),
    ("ninety", [("ninety", 90, "word", {F(90)})]),
    ("twenty-five", [("twenty-five", 25, "word", {F(25)})]),
    ("twenty five", [("twenty five", 25, "word", {F(25)})]),
    ("Forty - two", [("Forty - two", 42, "word", {F(42)})]),
    ("a hundred", [("a hundred", 100, "word", {F(100)})]),
    ("three hundred and five", [("three hundred and five", 305, "word", {F(305)})]),
    ("two hundred twelve", [("two hundred twelve", 212, "word", {F(212)})]),
    ("one hundred and forty", [("one hundred and forty", 140, "word", {F(140)})]),
    ("two thousand", [("two thousand", 2000, "word", {F(2000)})]),
    ("a thousand", [("a thousand", 1000, "word", {F(1000)})]),
    ("two thousand and seven", [("two thousand and seven", 2007, "word", {F(2007)})]),
    ("three million", [("three million", 3_000_000, "word", {F(3_000_000)})]),
    ("a billion", [("a billion", 10**9, "word", {F(10**9)})]),
    ("five hundred thousand", [("five hundred thousand", 500_000, "word", {F(500_000)})]),
    ("twelve thousand three hundred", [("twelve thousand three hundred", 12_300, "word", {F(12_300)})]),
    ("twenty thousand", [("twenty thousand", 20_000, "word", {F(20_000)})]),
    ("dozen", [("dozen", 12, "word", {F(12)})]),
    ("a dozen", [("a dozen", 12, "word", {F(12)})]),
    ("three dozen", [("three dozen", 36, "word", {F(36), F(3), F(12)})]),
    ("half a dozen", [("half a dozen", 6, "word", {F(6), F(1, 2), F(12)})]),
    ("half", [("half", F(1, 2), "fraction", {F(1, 2), F(1), F(2)})]),
    ("a third", [("a third", F(1, 3), "fraction", {F(1, 3), F(1), F(3)})]),
    ("an eighth", [("an eighth", F(1, 8), "fraction", {F(1, 8), F(1), F(8)})]),
    ("two thirds", [("two thirds", F(2, 3), "fraction", {F(2, 3), F(2), F(3)})]),
    ("one fifth", [("one fifth", F(1, 5), "fraction", {F(1, 5), F(1), F(5)})]),
    ("three quarters", [("three quarters", F(3, 4), "fraction", {F(3, 4), F(3), F(4)})]),
    ("twenty tenths", [("twenty tenths", 2, "fraction", {F(2), F(20), F(10)})]),
    ("twice", [("twice", 2, "word", {F(2)})]),
    ("thrice", [("thrice", 3, "word", {F(3)})]),
    ("quadrupled", [("quadrupled", 4, "word", {F(4)})]),
    ("fifteen percent", [("fifteen percent", 15, "percent", {F(15), F(15, 100)})]),
    ("fifteen per cent", [("fifteen per cent", 15, "percent", {F(15), F(15, 100)})]),
    ("two and a half", [("two and a half", F(5, 2), "word", {F(5, 2), F(2), F(1, 2), F(1), F(2)})]),
    ("four and half", [("four and half", F(9, 2), "word", {F(9, 2), F(4), F(1, 2), F(1), F(2)})]),
])
def test_spelled_numbers(text, expected):
    assert spans(text) == expected


@pytest.mark.parametrize("text, expected", [
    # not joined: a comma, or a word in between, ends the number
    ("twenty, five", [("twenty", 20, "word", {F(20)}), ("five", 5, "word", {F(5)})]),
    ("three big dozen", [("three", 3, "word", {F(3)}), ("dozen", 12, "word", {F(12)})]),
    ("five, percent", [("five", 5, "word", {F(5)})]),
    ("two, thirds", [("two", 2, "word", {F(2)})]),
    # words that cannot follow: "five twenty" is two numbers, "twelve three" too
    ("five twenty", [("five", 5, "word", {F(5)}), ("twenty", 20, "word", {F(20)})]),
    ("twelve three", [("twelve", 12, "word", {F(12)}), ("three", 3, "word", {F(3)})]),
    ("twenty thirteen", [("twenty", 20, "word", {F(20)}), ("thirteen", 13, "word", {F(13)})]),
    ("twenty thirty", [("twenty", 20, "word", {F(20)}), ("thirty", 30, "word", {F(30)})]),
    ("seven eight", [("seven", 7, "word", {F(7)}), ("eight", 8, "word", {F(8)})]),
    # "hundred" and scales need a number (or an article) before them
    ("hundred", []),
    ("thousand", []),
    ("the hundred", []),
    ("a", []),
    ("an apple", []),
    # "and" joins only after hundred or a scale, and only to a number word
    ("five and six", [("five", 5, "word", {F(5)}), ("six", 6, "word", {F(6)})]),
    ("a hundred and ten", [("a hundred and ten", 110, "word", {F(110)})]),
    ("a hundred and apples", [("a hundred", 100, "word", {F(100)})]),
    ("a hundred and", [("a hundred", 100, "word", {F(100)})]),
    ("a hundred, and five", [("a hundred", 100, "word", {F(100)}), ("five", 5, "word", {F(5)})]),
    # a plural denominator needs a count above one, a singular one needs exactly one
    ("one thirds", [("one", 1, "word", {F(1)})]),
    ("two third", [("two", 2, "word", {F(2)})]),
    ("a thirds", []),
    ("thirty thirds", [("thirty", 30, "word", {F(30)})]),
    ("zero thirds", [("zero", 0, "word", {F(0)})]),
    # "half" not followed by "a dozen"
    ("half a day", [("half", F(1, 2), "fraction", {F(1, 2), F(1), F(2)})]),
    ("half a, dozen", [("half", F(1, 2), "fraction", {F(1, 2), F(1), F(2)}), ("dozen", 12, "word", {F(12)})]),
    ("two and a", [("two", 2, "word", {F(2)})]),
])
def test_where_a_spelled_number_ends(text, expected):
    assert spans(text) == expected


def test_spans_inside_a_sentence_keep_their_offsets():
    text = "Ann had Twenty-one pens, gave away a third and bought two dozen more, twice."
    assert spans(text) == [
        ("Twenty-one", 21, "word", {F(21)}),
        ("a third", F(1, 3), "fraction", {F(1, 3), F(1), F(3)}),
        ("two dozen", 24, "word", {F(24), F(2), F(12)}),
        ("twice", 2, "word", {F(2)}),
    ]
