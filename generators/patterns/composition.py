"""Composed patterns: 2 and 3 sub-traces, each in its own expert, wired by `source`.

A later sub-trace reads the previous result as `prev` (source: prev.result) or an earlier one
as `subK` (source: subK.result). Each sub-trace computes something, so none short-circuits.
"""

from __future__ import annotations

import math
from fractions import Fraction

from ..builder import Composition
from ..context import Ctx, Draft
from ..lexicon import CLUBS, COLLECTIBLES, GOODS, JOBS
from ._common import need, things, who
from ._phrasings import pattern  # each pattern's question templates: phrasings.json, under its name
from ._shapes import after, chain, percent_result
from .comparison import more_than_total
from .percentage import _base_for, _pct

C2, C3 = "composition_2", "composition_3"


def together_percent(nb: str, x: int, more: int, rate: Fraction) -> Composition:
    """B has x, A has `more` more (comparison: their total), then rate% of that (percentage)."""
    c = Composition()
    more_than_total(c.sub("comparison"), nb, x, more)
    percent_result(after(c, "percentage"), "percent_of", "prev", "rate", rate)
    return c


@pattern("comp_sale_quantity", "composition", C2, "percent off a price, then times a count", n_experts=2)
def comp_sale_quantity(g: Ctx) -> Draft:
    p, t = g.person(), g.thing(GOODS)
    rate = Fraction(g.pick([10, 20, 25, 30, 40, 50]))
    price = _base_for(g, rate, max(4, t.lo * 2), t.hi * 3)
    n = g.int(2, 9)
    c = Composition()
    percent_result(c.sub("percentage"), "percent_off", ("price", price), "rate", rate)
    chain(after(c, "arithmetic"), "prev", ("mul", ("count", n)))
    return Draft(c, {**who(p), **things(t), "price": g.money(price), "rate": _pct(g, rate), "n": g.n(n),
                     "shop": g.pick(("store", "shop", "market"))})


@pattern("comp_flip_profit", "composition", C2, "percent increase of a cost, then the profit after two costs",
         n_experts=2)
def comp_flip_profit(g: Ctx) -> Draft:
    p = g.person()
    thing = g.pick(("car", "boat", "piano", "motorcycle", "cabin", "trailer"))
    rate = Fraction(g.pick([20, 25, 40, 50, 60, 75, 100, 150]))
    price = _base_for(g, rate, 500, 5000)
    gain = price * rate / 100
    repairs = g.big(50, 2000, mult=10)
    need(repairs < gain, "the repairs must cost less than the gain")
    c = Composition()
    percent_result(c.sub("percentage"), "percent_increase", ("price", price), "rate", rate)
    s2 = after(c, "arithmetic")
    s2.init("price", price)
    chain(s2, "prev", ("sub", "price"), ("sub", ("repairs", repairs)))
    return Draft(c, {**who(p), "thing": thing, "price": g.money(price), "repairs": g.money(repairs),
                     "rate": _pct(g, rate)})


@pattern("comp_wage_tax", "composition", C2, "rate times time, then percent off", n_experts=2)
def comp_wage_tax(g: Ctx) -> Draft:
    p = g.person()
    rate = Fraction(g.pick([10, 15, 20, 25]))
    wage = g.int(8, 40)
    den = (1 - rate / 100).denominator
    h = den * g.int(1, max(1, 40 // den)) if g.exact else g.int(4, 40)
    need(h >= 2, "works too little")
    c = Composition()
    chain(c.sub("rate_equation"), ("wage", wage), ("mul", ("hours", h)))
    percent_result(after(c, "percentage"), "percent_off", "prev", "tax", rate)
    return Draft(c, {**who(p), "wage": g.money(wage), "h": g.n(h), "rate": _pct(g, rate), "job": g.pick(JOBS)})


@pattern("comp_together_percent", "composition", C2, "a comparison total, then a percent of it", n_experts=2)
def comp_together_percent(g: Ctx) -> Draft:
    a, b = g.people(2)
    t = g.thing(COLLECTIBLES)
    rate = Fraction(g.pick([10, 20, 25, 40, 50, 60, 75, 80]))
    den = (rate / 100).denominator
    x = g.big(5, 60)
    more = g.big(2, 30)
    if g.exact:  # nudge `more` so that the total is a multiple of den
        more += (-(2 * x + more)) % den
    c = together_percent(f"{b.var}.{t.var}", x, more, rate)
    return Draft(c, {"a": a.name, "b": b.name, **things(t), "x": g.n(x), "more": g.n(more), "rate": _pct(g, rate)})


@pattern("comp_leftover_percent", "composition", C2, "two losses tracked, then a percent of what is left",
         n_experts=2)
def comp_leftover_percent(g: Ctx) -> Draft:
    p, q = g.people(2)
    t = g.thing(COLLECTIBLES)
    rate = Fraction(g.pick([10, 20, 25, 40, 50, 60, 75, 80]))
    left = _base_for(g, rate, 8, 80)
    given, lost = g.int(2, 20), g.int(1, 12)
    n = left + given + lost
    c = Composition()
    s1 = c.sub("entity_track")
    s1.init(t.var, n)
    s1.consume(t.var, s1.init("given", given))
    s1.consume(t.var, s1.init("lost", lost))
    s1.query(t.var)
    percent_result(after(c, "percentage"), "percent_of", "prev", "rate", rate)
    return Draft(c, {**who(p), "friend": q.name, **things(t), "n": g.n(n), "given": g.n(given), "lost": g.n(lost),
                     "rate": _pct(g, rate)})


@pattern("comp_distance_compare", "composition", C2, "speed times time, then a difference", n_experts=2)
def comp_distance_compare(g: Ctx) -> Draft:
    a, b = g.people(2)
    s, h = g.int(8, 70), g.int(2, 8)
    d = g.int(max(1, s * h // 4), s * h - 1)
    c = Composition()
    chain(c.sub("rate_equation"), ("speed", s), ("mul", ("hours", h)))
    chain(after(c, "comparison"), "prev", ("sub", ("other", d)))
    return Draft(c, {"a": a.name, "b": b.name, "s": g.n(s), "h": g.n(h), "d": g.dec(d)})


@pattern("comp_percent_share", "composition", C2, "a percent of an amount, then split equally", n_experts=2)
def comp_percent_share(g: Ctx) -> Draft:
    p = g.person()
    rate = Fraction(g.pick([10, 20, 25, 40, 50, 60, 75]))
    k = g.int(2, 8)
    step = 100 * k // math.gcd(int(rate), 100 * k)  # money * rate / 100 is then a multiple of k
    money = g.multiple(step, 50, 2000)
    c = Composition()
    percent_result(c.sub("percentage"), "percent_of", ("money", money), "rate", rate)
    chain(after(c, "arithmetic"), "prev", ("div", ("groups", k)))
    return Draft(c, {**who(p), "club": g.pick(CLUBS), "money": g.money(money), "rate": _pct(g, rate), "k": g.n(k)})
