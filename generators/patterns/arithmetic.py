"""Sequential arithmetic patterns: every init first, then the computes (init+ compute+ query).

All phrasings of a pattern mention the quantities in the order the trace initialises them.
"""

from __future__ import annotations

import math
from fractions import Fraction

from ..context import Ctx, Draft
from ..lexicon import CLUBS, COLLECTIBLES, FRUITS, GOODS, GROUPS, SHOPS
from ._common import count_for, need, things, unit_price, who
from ._phrasings import pattern  # each pattern's question templates: phrasings.json, under its name
from ._shapes import chain, inits

SEQ = "arithmetic_sequential"


@pattern("ar_shopping_total", "arithmetic", SEQ, "two kinds of goods, count times price each, summed",
         decimals=True, gaps=("many_inits",))
def ar_shopping_total(g: Ctx) -> Draft:
    p = g.person()
    t1, t2 = g.thing(GOODS), g.thing(GOODS)
    p1, p2 = unit_price(g, t1), unit_price(g, t2)
    n1, n2 = count_for(g, p1, 2, 9), count_for(g, p2, 2, 9)
    tr = g.trace("arithmetic")
    inits(tr, ("count1", n1), ("price1", p1), ("count2", n2), ("price2", p2))
    s1 = tr.compute("mul", ["count1", "price1"])
    s2 = tr.compute("mul", ["count2", "price2"])
    tr.finish("add", [s1, s2])
    return Draft(tr, {**who(p), "items1": t1.plural, "items2": t2.plural,
                      "n1": g.n(n1), "n2": g.n(n2), "p1": g.money(p1), "p2": g.money(p2),
                      "shop": g.pick(SHOPS)})


@pattern("ar_change_due", "arithmetic", SEQ, "count times price, subtracted from the amount paid",
         decimals=True)
def ar_change_due(g: Ctx) -> Draft:
    p, t = g.person(), g.thing(GOODS)
    price = unit_price(g, t)
    n = count_for(g, price, 2, 8)
    cost = n * price
    paid = next(b for b in (10, 20, 50, 100, 200, 500, 1000, 5000, 10000, 50000, 100000) if b > cost)
    tr = g.trace("arithmetic")
    inits(tr, ("count", n), ("price", price), ("paid", paid))
    step = tr.compute("mul", ["count", "price"])
    tr.finish("sub", ["paid", step])
    return Draft(tr, {**who(p), **things(t), "n": g.n(n), "price": g.money(price), "paid": g.money(paid)})


@pattern("ar_boxes_needed", "arithmetic", SEQ, "round a division up (a part-full box still counts)")
def ar_boxes_needed(g: Ctx) -> Draft:
    p, t = g.person(), g.thing(COLLECTIBLES)
    per_box = g.int(4, 24)
    n = g.big(30, 400)
    need(n % per_box != 0, "division is exact; rounding up would be moot")
    tr = g.trace("arithmetic")
    inits(tr, (t.var, n), ("per_box", per_box))
    step = tr.compute("div", [t.var, "per_box"])
    tr.finish("ceil", [step])
    return Draft(tr, {**who(p), **things(t), "n": g.n(n), "per_box": g.n(per_box)})


@pattern("ar_share_equally", "arithmetic", SEQ, "two amounts added, then shared equally")
def ar_share_equally(g: Ctx) -> Draft:
    p = g.person()
    t1, t2 = g.thing(FRUITS), g.thing(FRUITS)
    k = g.int(2, 9)
    total = g.multiple(k, 10, 120)
    a = g.int(1, total - 1)
    tr = g.trace("arithmetic")
    inits(tr, (t1.var, a), (t2.var, total - a), ("people", k))
    step = tr.compute("add", [t1.var, t2.var])
    tr.finish("div", [step, "people"])
    return Draft(tr, {**who(p), "items1": t1.plural, "items2": t2.plural, "a": g.n(a), "b": g.n(total - a),
                      "k": g.n(k)})


@pattern("ar_average", "arithmetic", SEQ, "mean of three values")
def ar_average(g: Ctx) -> Draft:
    p = g.person()
    k = 3
    mean = g.int(40, 90)
    d1, d2 = g.int(1, min(9, mean - 1)), g.int(1, min(9, mean - 1))
    s1, s2, s3 = mean + d1, mean - d2, mean - d1 + d2
    need(len({s1, s2, s3}) == 3, "scores should differ")
    tr = g.trace("arithmetic")
    inits(tr, ("score1", s1), ("score2", s2), ("score3", s3), ("tests", k))
    step = tr.compute("add", ["score1", "score2", "score3"])
    tr.finish("div", [step, "tests"])
    return Draft(tr, {**who(p), "s1": g.n(s1), "s2": g.n(s2), "s3": g.n(s3), "k": g.n(k)})


@pattern("ar_fraction_left", "arithmetic", SEQ, "a fraction of an amount is spent; what is left",
         gaps=("fractions",))
def ar_fraction_left(g: Ctx) -> Draft:
    p = g.person()
    frac = g.pick([Fraction(1, 2), Fraction(1, 3), Fraction(1, 4), Fraction(2, 5), Fraction(3, 4), Fraction(2, 3)])
    money = g.multiple(frac.denominator, 20, 600)
    tr = g.trace("arithmetic")
    inits(tr, ("money", money), ("fraction", frac))
    step = tr.compute("mul", ["money", "fraction"])
    tr.finish("sub", ["money", step])
    return Draft(tr, {**who(p), "money": g.money(money), "frac": g.frac(frac), "club": g.pick(CLUBS)})


@pattern("ar_dozen_cost", "arithmetic", SEQ, "items priced per dozen (12 is implicit)", gaps=("constants",))
def ar_dozen_cost(g: Ctx) -> Draft:
    p = g.person()
    price, dozens = g.big(2, 12), g.int(2, 10)
    n = dozens * 12
    tr = g.trace("arithmetic")
    inits(tr, ("price", price), ("count", n))
    chain(tr, "count", ("div", 12), ("mul", "price"))
    return Draft(tr, {**who(p), "price": g.money(price), "n": g.n(n)})


@pattern("ar_cents_to_dollars", "arithmetic", SEQ,
         "a price in cents times a count, converted to dollars (100 is implicit)", gaps=("constants",))
def ar_cents_to_dollars(g: Ctx) -> Draft:
    p = g.person()
    t = g.thing(COLLECTIBLES)
    cents = g.pick([5, 10, 20, 25, 40, 50, 75])
    unit = 100 // math.gcd(cents, 100)
    n = unit * g.int(1, max(1, 40 // unit)) if g.exact else g.int(2, 40)
    need(n >= 2, "too few")
    tr = g.trace("arithmetic")
    inits(tr, ("cents", cents), ("count", n))
    chain(tr, "cents", ("mul", "count"), ("div", 100))
    return Draft(tr, {**who(p), **things(t), "cents": g.n(cents), "n": g.n(n), "shop": g.pick(SHOPS)})


@pattern("ar_leftover_groups", "arithmetic", SEQ, "the remainder of a division")
def ar_leftover_groups(g: Ctx) -> Draft:
    club, m = g.pick(GROUPS)
    k = g.int(3, 12)
    n = g.big(20, 300)
    need(n % k != 0, "no remainder")
    tr = g.trace("arithmetic")
    inits(tr, (m.var, n), ("group_size", k))
    tr.finish("mod", [m.var, "group_size"])
    return Draft(tr, {"members": m.plural, "n": g.n(n), "k": g.n(k), "club": club})


@pattern("ar_sum_then_subtract", "arithmetic", SEQ, "three amounts added, one taken away",
         gaps=("many_inits",))
def ar_sum_then_subtract(g: Ctx) -> Draft:
    p = g.person()
    a, b, c = g.big(10, 90), g.big(10, 90), g.big(10, 90)
    d = g.int(5, a + b + c - 1)
    tr = g.trace("arithmetic")
    for var, v in (("first", a), ("second", b), ("third", c), ("removed", d)):
        tr.init(var, v)
    step = tr.compute("add", ["first", "second", "third"])
    tr.finish("sub", [step, "removed"])
    return Draft(tr, {**who(p), "a": g.n(a), "b": g.n(b), "c": g.n(c), "d": g.n(d)})
