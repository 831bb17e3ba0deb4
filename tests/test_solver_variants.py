"""Variants of a question (solver.variants): which numbers move, what a draw looks like, the gold
program's domain, and determinism. Answers are recomputed here from the drawn numbers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction

import solver.variants as variants
from generators import generate
from solver.variants import dependence_draws, gold_variants, movable


def moving(question: str) -> dict[Fraction, Fraction]:
    """Value -> the number a draw redraws for it (the base: the 3 of "3 dozen", a denominator)."""
    return {m.value: m.base for m in movable(question)}


def test_which_numbers_move():
    assert moving("Ann has 48 apples and sells 30 of them.") == {48: 48, 30: 30}
    # 1 and 2 count; 60 may be minutes in an hour when the question names hours
    assert moving("Ann has 2 bags and 1 box. A show lasts 60 minutes, 7 acts.") == {7: 7}
    # "a quarter" grounds 4 too: a literal 4 could mean either, so neither moves
    assert moving("She eats a quarter of the 4 boxes and 9 more.") == {9: 9}
    # a scaled number moves its digits; a fraction its denominator
    assert moving("She bakes 3 dozen rolls and gives away a third.") == {}  # both ground 3: neither moves
    assert moving("She bakes 5 dozen rolls and gives away a third.") == {60: 5, Fraction(1, 3): 3}
    assert moving("A 25% tip on $80.") == {25: 25, 80: 80}


def test_draws_look_like_the_question_and_are_pure():
    question = "A farm has 250 cows, sells 12.5% of them and buys $3.40 of feed per cow."
    draws = [variants._candidates(question)[k] for k in range(8)]
    for draw in draws:
        cows, rate = draw["#1"], draw["#2"]
        assert cows % 10 == 0 and 125 <= cows <= 500  # 250 moves in steps of 10, half to double
        assert 0 < rate < 100 and (Fraction(rate) * 10).denominator == 1  # a percent with one decimal
        assert draw[Fraction(1, 8)] == Fraction(rate) / 100  # the percent's p/100 moves with it
    variants._candidates.cache_clear()
    assert [variants._candidates(question)[k] for k in range(8)] == draws


def test_gold_variants_stay_inside_the_gold_programs_domain():
    question = "A team has 36 players split equally into 4 squads. How many players are in each squad?"
    gold = ("expert: arithmetic\ntrace:\n- {op: init, var: players, value: 36}\n"
            "- {op: init, var: squads, value: 4}\n- {op: compute, compute_op: div, args: [players, squads], var: r}\n"
            "- {op: query, var: r}")
    found = gold_variants(gold, question)
    assert len(found) == 4
    for v in found:
        players, squads = v.draw["#1"], v.draw["#2"]
        assert players % squads == 0 and v.answer == players // squads  # whole, as the gold was
        assert (players, squads) != (36, 4)


def test_the_kth_draw_does_not_depend_on_who_asked_first():
    problems = generate(120, seed=4)
    expected = {p.question: gold_variants(p.trace, p.question) for p in problems}
    for cached in (variants._candidates, variants.gold_variants, variants.gold_program):
        cached.cache_clear()
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda p: (p.question, gold_variants(p.trace, p.question)), problems * 4))
    assert all(expected[q] == v for q, v in got)


def test_dependence_draws_keep_the_order_of_the_values():
    question = "Tom has 2 dogs, 30 cats and 48 fish, and gives away 1 fish."
    for draw in dependence_draws(question):
        cats, fish = draw["#2"], draw["#3"]
        assert 2 < cats < fish  # the 1 and 2 stay and the others keep their order around them
        assert "#1" not in draw and "#4" not in draw
