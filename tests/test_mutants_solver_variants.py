"""Unit checks of solver.variants' pieces, written against mutation-testing survivors (issue 23).

Every expected value is worked out by hand from the docstrings' rules (the same decimals, half to
double, the same roundness, a percent below 100 stays below; the draw order of `_Draws`; the
dealing of `_in_order`). Randomness is replaced by a scripted generator so each draw is known."""

from __future__ import annotations

from fractions import Fraction
from types import SimpleNamespace

import pytest

import solver.variants as variants
from solver.variants import Movable, _counts, _decimals, _in_order, _moved, _tied, _written, draw_from, sample

F = Fraction


def plain(value, indices=(1,), percent=False):
    return Movable(F(value), tuple(indices), F(value), F(1), percent, 0)


class Scripted:
    """A stand-in for random.Random: answers come from queues, and every call is recorded."""

    def __init__(self, randint=(), choice=(), random=(), randrange=()):
        self.queues = {"randint": list(randint), "choice": list(choice), "random": list(random),
                       "randrange": list(randrange)}
        self.calls: list[tuple] = []

    def _next(self, name, default):
        queue = self.queues[name]
        return queue.pop(0) if queue else default

    def randint(self, a, b):
        self.calls.append(("randint", a, b))
        out = self._next("randint", a)
        assert a <= out <= b
        return out

    def choice(self, seq):
        self.calls.append(("choice", tuple(seq)))
        return seq[self._next("choice", 0)]  # the queue holds indices into seq

    def random(self):
        self.calls.append(("random",))
        return self._next("random", 0.9)

    def randrange(self, n):
        self.calls.append(("randrange", n))
        assert isinstance(n, int)
        out = self._next("randrange", 0)
        assert 0 <= out < n
        return out


# --- _decimals, _written -------------------------------------------------------------------------

def test_decimals_counts_digits_after_the_point_up_to_four():
    assert _decimals(F(7)) == 0
    assert _decimals(F(1, 4)) == 2  # 0.25
    assert _decimals(F(1, 8)) == 3  # 0.125
    assert _decimals(F(1, 10_000)) == 4
    assert _decimals(F(1, 100_000)) is None  # five decimals: no short decimal
    assert _decimals(F(1, 3)) is None


def q(value, *others, kind="number"):
    return SimpleNamespace(value=F(value), grounds=frozenset({F(value), *map(F, others)}), kind=kind)


def test_written_forms():
    assert _written(q(7)) == (7, 1, None)
    assert _written(q(20, F(1, 5), kind="percent")) == (20, 1, None)
    assert _written(q(20, F(1, 5), 7, kind="percent")) is None  # a percent grounded in another sense
    assert _written(q(F(3, 4), 3, 4)) == (4, 1, 3)  # "3/4": the denominator moves, scale 1
    assert _written(q(36, 3, 12)) == (3, 12, None)  # "3 dozen"
    # two grounds that are not a numerator and a denominator of the value
    assert _written(q(F(1, 4), F(1, 2), 2)) is None
    assert _written(q(F(1, 3), 3, 5)) is None
    # a value below 1 with one other ground, a value with only its scale: nothing moves
    assert _written(q(F(1, 2), 5)) is None
    assert _written(q(24, 12)) is None


# --- _counts, sample, _moved ---------------------------------------------------------------------

def test_counts_percent_below_100():
    assert _counts(F(20), 0, True) == (1, 19, 5)  # a round percent moves in steps of 5, up to 95
    assert _counts(F(7), 0, True) == (1, 95, 1)
    assert _counts(F(5, 2), 1, True) == (1, 950, 1)  # 2.5%: tenths up to 95.0


def test_counts_plain_values():
    assert _counts(F(100), 0, True) == (5, 20, 10)  # 100% is no percent below 100: 50..200 in tens
    assert _counts(F(5, 2), 1, False) == (2, 10, 5)  # 2.5: 1.2..5.0 in steps of 0.5
    assert _counts(F(7), 0, False) == (3, 14, 1)
    assert _counts(F(3), 0, False) == (1, 10, 1)  # at least 1, up to at least 10
    assert _counts(F(123), 0, False) == (61, 246, 1)
    assert _counts(F(20), 0, False) == (2, 8, 5)  # 10..40 in fives
    assert _counts(F(10), 0, False) == (1, 4, 5)  # 5..20 in fives
    assert _counts(F(25), 0, False) == (2, 10, 5)
    assert _counts(F(250), 0, False) == (12, 50, 10)


@pytest.mark.parametrize(("value", "decimals", "percent"),
                         [(F(20), 0, True), (F(7), 0, True), (F(7), 0, False), (F(25), 0, False), (F(5, 2), 1, False)])
def test_counts_are_ints(value, decimals, percent):
    assert all(type(c) is int for c in _counts(value, decimals, percent))


def test_sample_retries_eight_times_then_keeps_the_old_value():
    rng = Scripted(randint=[7] * 8 + [9])
    assert sample(7, (3, 14, 1), 0, rng) == 7
    assert len(rng.calls) == 8
    rng = Scripted(randint=[7, 7, 9])
    assert sample(7, (3, 14, 1), 0, rng) == 9


def test_sample_writes_decimals():
    assert sample(F(5, 2), (2, 10, 5), 1, Scripted(randint=[3])) == F(3, 2)  # 3 * 5 tenths
    assert sample(F(1, 4), (1, 100, 1), 2, Scripted(randint=[7])) == F(7, 100)


def test_moved_scales_a_long_fraction_by_a_small_ratio():
    rng = Scripted(randint=[6, 4])
    assert _moved(F(1, 3), None, False, rng) == F(1, 2)
    assert rng.calls == [("randint", 2, 9), ("randint", 2, 9)]


def test_moved_draws_a_new_value_of_the_same_look():
    rng = Scripted(randint=[7, 9])
    assert _moved(F(7), 0, False, rng) == 9  # the old value is drawn again
    assert rng.calls == [("randint", 3, 14), ("randint", 3, 14)]
    rng = Scripted(randint=[3])
    assert _moved(F(20), 0, True, rng) == 15  # a percent below 100: 5..95 in fives
    assert rng.calls == [("randint", 1, 19)]


# --- Movable, _tied, draw_from -------------------------------------------------------------------

def test_value_for():
    third = Movable(F(1, 3), (1,), F(3), F(1), False, 0, F(1))
    assert third.value_for(6) == F(1, 6)
    dozens = Movable(F(36), (1,), F(3), F(12), False, 0)
    assert dozens.value_for(5) == 60
    assert plain(7).value_for(9) == 9


def test_tied_only_plain_values_stated_more_than_once():
    assert not _tied(plain(7))
    assert _tied(plain(3, (1, 3)))
    assert not _tied(plain(20, (1, 3), percent=True))
    assert not _tied(Movable(F(36), (1, 2), F(3), F(12), False, 0))


def test_draw_from():
    tied = plain(3, (1, 3))
    dozens = Movable(F(36), (2,), F(3), F(12), False, 0)
    percent = plain(20, (4,), percent=True)
    third = Movable(F(1, 3), (5,), F(3), F(1), False, 0, F(1))
    seven = plain(7, (6,))
    draw = draw_from([tied, dozens, percent, third, seven], [[4, 6], [5], [30], [4], [9]])
    assert draw == {"#1": 4, "#3": 6, "#2": 60, F(3): 4, "#4": 30, F(1, 5): F(3, 10), "#5": F(1, 4), "#6": 9}
    # the 3 of "3 dozen" and the denominator 3 share the key F(3): the later one wins
    assert draw_from([dozens], [[5]]) == {"#2": 60, F(3): 5}
    assert draw_from([seven], [[9]]) == {"#6": 9}


def test_draw_from_wants_one_base_per_value_and_per_tied_quantity():
    with pytest.raises(ValueError):
        draw_from([plain(7), plain(9, (2,))], [[8]])
    with pytest.raises(ValueError):
        draw_from([plain(3, (1, 3))], [[4, 5, 6]])


# --- _Draws --------------------------------------------------------------------------------------

def draws(groups, rng=None):
    d = variants._Draws("Ann has 48 apples and sells 30 of them.")
    d.groups = tuple(groups)
    d.rng = rng or Scripted()
    return d


def test_draws_are_fresh_first_then_alternate_with_multiples():
    d = draws([plain(7)])

    def fresh():
        assert d.tries <= variants.CANDIDATES
        return "F"

    def multiple():
        assert d.tries <= variants.CANDIDATES
        return "M"

    d._fresh, d._multiple = fresh, multiple
    assert d[0] == "F" and len(d.made) == 1  # made one at a time
    assert d[200] is None
    expected = ["F"] * 9 + ["M", "F"] * 27 + ["M"]  # tries 1..8 fresh, then odd fresh, even multiple
    assert d.made == expected and d.tries == variants.CANDIDATES
    assert d[63] == "M" and d[64] is None


def test_no_draws_without_movable_values():
    d = draws([])
    d._fresh = d._multiple = lambda: pytest.fail("nothing to draw")
    assert d[0] is None and d.tries == 0


def test_fresh_draw():
    d = draws([plain(7)], Scripted(randint=[7, 9]))
    assert d._fresh() == {"#1": 9}  # the old 7 is drawn again first
    # a percent stated twice moves as one value, with its p/100
    d = draws([plain(20, (1, 3), percent=True)], Scripted(randint=[3]))
    assert d._fresh() == {"#1": 15, "#3": 15, F(1, 5): F(3, 20)}
    d = draws([plain(3, (1, 3))], Scripted(randint=[4, 6]))
    assert d._fresh() == {"#1": 4, "#3": 6}


GROUPS = [plain(7), plain(20, (2, 5), percent=True), plain(3, (3, 4))]


def test_multiple_factors_for_every_value():
    # factors: 7 x3, 20% x4, the tied 3s x2 and x4 (indices into (1, 1, 2, 3, 4, 5))
    rng = Scripted(choice=[3, 4, 2, 4], random=[0.9])
    assert draws(GROUPS, rng)._multiple() == {"#1": 21, "#2": 80, "#5": 80, F(1, 5): F(4, 5), "#3": 6, "#4": 12}
    assert [c for c in rng.calls if c[0] == "choice"] == [("choice", (1, 1, 2, 3, 4, 5))] * 4


def test_multiple_keeps_a_percent_below_100():
    rng = Scripted(choice=[3, 5, 2, 4], random=[0.5])  # 20% x5 would reach 100: it stays
    assert draws(GROUPS, rng)._multiple() == {"#1": 21, "#2": 20, "#5": 20, F(1, 5): F(1, 5), "#3": 6, "#4": 12}
    assert [c[0] for c in rng.calls] == ["choice"] * 4 + ["random"]
    # a percent of 100 or more is no percent below 100: it may grow
    hundred = Movable(F(100), (1,), F(100), F(1), True, 0)
    assert draws([hundred], Scripted(choice=[2]))._multiple() == {"#1": 200, F(1): F(2)}
    # nothing moved: no draw
    assert draws([plain(20, percent=True)], Scripted(choice=[5]))._multiple() is None


def test_multiple_of_one_value_alone():
    # half the time one value alone grows: the 20% (group 1) x3 of (2, 3, 4, 5); the rest stay
    rng = Scripted(choice=[3, 4, 2, 4, 1], random=[0.1], randrange=[1])
    assert draws(GROUPS, rng)._multiple() == {"#1": 7, "#2": 60, "#5": 60, F(1, 5): F(3, 5), "#3": 3, "#4": 3}
    assert rng.calls[-3:] == [("random",), ("randrange", 3), ("choice", (2, 3, 4, 5))]


def test_multiple_doubles_one_value_when_every_factor_is_1():
    rng = Scripted(choice=[0, 0, 0, 0], random=[0.9], randrange=[2])
    assert draws(GROUPS, rng)._multiple() == {"#1": 7, "#2": 20, "#5": 20, F(1, 5): F(1, 5), "#3": 6, "#4": 3}
    assert rng.calls[-1] == ("randrange", 3)


# --- _in_order -----------------------------------------------------------------------------------

def quantities(*values):
    return tuple(SimpleNamespace(value=F(v)) for v in values)


def test_in_order_deals_smaller_new_values_to_smaller_old_ones():
    qs = quantities(10, 30)
    draw = {"#1": 50, "#2": 20, F(1, 5): F(3, 10)}
    assert _in_order(draw, qs, []) == {F(1, 5): F(3, 10), "#1": 20, "#2": 50}
    # equal old values: by name
    assert _in_order({"#2": 9, "#1": 4}, quantities(3, 3), []) == {"#1": 4, "#2": 9}


def test_in_order_a_new_value_may_not_cross_a_fixed_one():
    fixed = [F(1), F(2)]
    assert _in_order({"#1": 1}, quantities(F(3, 2)), fixed) == {"#1": F(5, 4)}  # halfway down to 1
    assert _in_order({"#1": 3}, quantities(F(1, 2)), fixed) == {"#1": F(1, 4)}  # halfway down to 0
    assert _in_order({"#1": F(7, 4)}, quantities(F(3, 2)), fixed) == {"#1": F(7, 4)}  # stays between
    assert _in_order({"#1": 1}, quantities(3), fixed) == {"#1": F(5, 2)}  # halfway down to 2


def test_in_order_above_every_fixed_value():
    fixed = [F(1), F(2)]
    draw = {"#1": F(3, 2), "#2": F(1, 2), "#3": F(1, 4)}
    # turns 0, 1, 2: halfway down to 2, half as much again, halfway down to 2
    assert _in_order(draw, quantities(3, 5, 7), fixed) == {"#1": F(5, 2), "#2": F(15, 2), "#3": F(9, 2)}


def test_in_order_between_fixed_values():
    fixed = [F(1), F(10)]
    draw = {"#1": 20, "#2": 30, "#3": 40}
    # turns 0, 1, 2: halfway down to 1, halfway up to 10, halfway down to 1
    assert _in_order(draw, quantities(3, 4, 7), fixed) == {"#1": 2, "#2": 7, "#3": 4}
