"""Three-expert compositions, including one that wires two earlier results (sub1, sub2)."""

from __future__ import annotations

from fractions import Fraction

from ..builder import Composition
from ..context import Ctx, Draft
from ..lexicon import COLLECTIBLES, GOODS
from ._common import count_for, need, things, unit_price, who
from ._phrasings import pattern  # each pattern's question templates: phrasings.json, under its name
from ._shapes import after, chain, percent_result
from .composition import C3, together_percent
from .percentage import _pct


@pattern("comp3_wage_tax_goal", "composition", C3,
         "rate (pay), then percentage (after tax), then arithmetic (gap to a goal)", n_experts=3)
def comp3_wage_tax_goal(g: Ctx) -> Draft:
    p = g.person()
    rate = Fraction(g.pick([10, 20, 25]))
    wage = g.int(8, 30)
    den = (1 - rate / 100).denominator
    h = den * g.int(1, max(1, 30 // den))
    need(h >= 2, "works too little")
    take_home = wage * h * (1 - rate / 100)
    goal = int(take_home) + g.big(20, 600, mult=10)
    c = Composition()
    chain(c.sub("rate_equation"), ("wage", wage), ("mul", ("hours", h)))
    percent_result(after(c, "percentage"), "percent_off", "prev", "tax", rate)
    chain(after(c, "arithmetic"), ("goal", goal), ("sub", "prev"))
    return Draft(c, {**who(p), "wage": g.money(wage), "h": g.n(h), "rate": _pct(g, rate), "goal": g.money(goal)})


@pattern("comp3_games_total", "composition", C3,
         "arithmetic, then a percent increase of it, then a total that wires sub1 and sub2", n_experts=3)
def comp3_games_total(g: Ctx) -> Draft:
    p = g.person()
    t = g.thing(COLLECTIBLES)
    rate = Fraction(g.pick([10, 20, 25, 50]))
    den = (1 + rate / 100).denominator
    a, b = g.big(10, 90), g.int(2, 8)
    c_ = den * g.int(1, max(1, 30 // den))
    need(c_ >= 2, "too few points")
    c = Composition()
    chain(c.sub("arithmetic"), ("groups", b), ("mul", ("each", c_)))
    percent_result(after(c, "percentage"), "percent_increase", "prev", "rate", rate)
    s3 = c.sub("arithmetic")
    s3.init("first", a)
    c.link(s3, 1)
    c.link(s3, 2)
    s3.finish("add", ["first", "sub1", "sub2"])
    return Draft(c, {**who(p), **things(t), "a": g.n(a), "b": g.n(b), "c": g.n(c_), "rate": _pct(g, rate)})


@pattern("comp3_compare_donate_share", "composition", C3,
         "comparison (total), percentage (share of it), arithmetic (split equally)", n_experts=3)
def comp3_compare_donate_share(g: Ctx) -> Draft:
    a, b = g.people(2)
    t = g.thing(COLLECTIBLES)
    rate = Fraction(g.pick([10, 20, 25, 40, 50]))
    k = g.int(2, 6)
    # Work backwards from a whole share per group, so every step stays whole.
    total = Fraction(g.int(1, 20) * k * 100) / rate
    if total.denominator != 1:
        total *= total.denominator
    need(total >= 12 and total % 1 == 0, "total too small")
    x = g.int(5, int(total - 2) // 2)
    more = int(total) - 2 * x
    c = together_percent(f"{b.var}.{t.var}", x, more, rate)
    chain(after(c, "arithmetic"), "prev", ("div", ("groups", k)))
    return Draft(c, {"a": a.name, "b": b.name, **things(t), "x": g.n(x), "more": g.n(more), "rate": _pct(g, rate),
                     "k": g.n(k)})


@pattern("comp3_discount_change", "composition", C3,
         "arithmetic (bill), percentage (discount), arithmetic (change)", n_experts=3, decimals=True)
def comp3_discount_change(g: Ctx) -> Draft:
    p, t = g.person(), g.thing(GOODS)
    rate = Fraction(g.pick([10, 20, 25, 50]))
    price = unit_price(g, t)
    n = count_for(g, price, 2, 8)
    bill = n * price
    need(not g.exact or (bill * (1 - rate / 100)).denominator == 1, "the discounted bill must be whole")
    sale = bill * (1 - rate / 100)
    paid = next(x for x in (20, 50, 100, 200, 500, 1000, 5000, 10000, 50000, 100000) if x > sale)
    c = Composition()
    chain(c.sub("arithmetic"), ("count", n), ("mul", ("price", price)))
    percent_result(after(c, "percentage"), "percent_off", "prev", "rate", rate)
    chain(after(c, "arithmetic"), ("paid", paid), ("sub", "prev"))
    return Draft(c, {**who(p), **things(t), "n": g.n(n), "price": g.money(price), "rate": _pct(g, rate),
                     "paid": g.money(paid)})
