"""Interleaved arithmetic patterns: new quantities appear between computes ((init|compute)+).

The seed found 40% of GSM8K problems introduce a number mid-computation; these patterns
teach the model to decide at each step whether to extract a value or combine existing ones.
"""

from __future__ import annotations

from fractions import Fraction

from ..context import Ctx, Draft
from ..lexicon import ANIMALS, BAKED, GOODS
from ._common import count_for, need, unit_price, who
from ._phrasings import pattern  # each pattern's question templates: phrasings.json, under its name
from ._shapes import chain

INT = "arithmetic_interleaved"

# (outer, middle, inner) nouns for nested groups, one triple per phrasing.
_NESTS = (("rooms", "shelves", "books"), ("floors", "rows", "cars"), ("rows", "trees", "apples"))


@pattern("ai_nested_groups", "arithmetic", INT, "groups of groups: multiply, then multiply again",
         gaps=("interleaved",))
def ai_nested_groups(g: Ctx) -> Draft:
    outer, middle, inner = _NESTS[g.phrasing % len(_NESTS)]
    a, b, c = g.int(2, 12), g.int(2, 15), g.big(3, 40)
    tr = g.trace("arithmetic")
    chain(tr, (outer, a), ("mul", (middle, b)), ("mul", (inner, c)))
    return Draft(tr, {"a": g.n(a), "b": g.n(b), "c": g.n(c)})


@pattern("ai_feed_remaining", "arithmetic", INT, "a daily total from a product, minus two partial amounts",
         gaps=("interleaved", "many_inits"))
def ai_feed_remaining(g: Ctx) -> Draft:
    p, t = g.person(), g.thing(ANIMALS)
    n, cups = g.int(3, 30), g.int(2, 6)
    total = n * cups
    morning = g.int(1, total - 2)
    afternoon = g.int(1, total - morning - 1)
    tr = g.trace("arithmetic")
    tr.init(t.var, n)
    daily = tr.compute("mul", [t.var, tr.init("per_animal", cups)])
    tr.init("morning", morning)
    given = tr.compute("add", ["morning", tr.init("afternoon", afternoon)])
    tr.finish("sub", [daily, given])
    return Draft(tr, {**who(p), "animals": t.plural, "n": g.n(n), "cups": g.n(cups), "morning": g.n(morning),
                      "afternoon": g.n(afternoon)})


@pattern("ai_cost_change", "arithmetic", INT, "count times price, plus one more item, taken from the payment",
         decimals=True, gaps=("interleaved", "many_inits", "decimals"))
def ai_cost_change(g: Ctx) -> Draft:
    p = g.person()
    t, x = g.thing(GOODS), g.thing(GOODS)
    price = unit_price(g, t)
    # With whole answers only the counted price may carry cents (count makes it whole).
    extra = g.price(x) if g.exact else unit_price(g, x)
    n = count_for(g, price, 2, 8)
    cost = n * price + extra
    paid = next(b for b in (20, 50, 100, 200, 500, 1000, 5000, 10000, 50000, 100000, 500000) if b > cost)
    tr = g.trace("arithmetic")
    tr.init("count", n)
    step = tr.compute("mul", ["count", tr.init("price", price)])
    total = tr.compute("add", [step, tr.init("extra", extra)])
    tr.finish("sub", [tr.init("paid", paid), total])
    return Draft(tr, {**who(p), "items": t.plural, "extra_item": x.singular, "n": g.n(n), "price": g.money(price),
                      "extra": g.money(extra), "paid": g.money(paid), "shop": g.pick(("store", "market", "shop"))})


@pattern("ai_fraction_then_half", "arithmetic", INT, "spend a fraction, then half of the remainder",
         gaps=("interleaved", "fractions"))
def ai_fraction_then_half(g: Ctx) -> Draft:
    p = g.person()
    frac = g.pick([Fraction(1, 3), Fraction(1, 4), Fraction(1, 5), Fraction(2, 5), Fraction(3, 4), Fraction(2, 3)])
    money = g.multiple(frac.denominator * 2, 20, 600)
    tr = g.trace("arithmetic")
    tr.init("money", money)
    spent = tr.compute("mul", ["money", tr.init("fraction", frac)])
    rest = tr.compute("sub", ["money", spent])
    second = tr.compute("mul", [rest, tr.init("half", Fraction(1, 2))])
    tr.finish("sub", [rest, second])
    return Draft(tr, {**who(p), "money": g.money(money), "frac": g.frac(frac)})


@pattern("ai_pack_leftovers", "arithmetic", INT, "take some away, then split the rest into equal groups",
         gaps=("interleaved",))
def ai_pack_leftovers(g: Ctx) -> Draft:
    p, t = g.person(), g.thing(BAKED)
    per_bag = g.int(2, 12)
    bags = g.int(2, 20)
    eaten = g.int(1, 12)
    n = per_bag * bags + eaten
    tr = g.trace("arithmetic")
    chain(tr, (t.var, n), ("sub", ("eaten", eaten)), ("div", ("per_bag", per_bag)))
    return Draft(tr, {**who(p), "items": t.plural, "n": g.n(n), "eaten": g.n(eaten), "per_bag": g.n(per_bag)})


@pattern("ai_add_then_multiply", "arithmetic", INT, "a per-group sum, times the number of groups",
         gaps=("interleaved",))
def ai_add_then_multiply(g: Ctx) -> Draft:
    p = g.person()
    a, b, k = g.int(2, 15), g.int(2, 15), g.big(3, 40)
    tr = g.trace("arithmetic")
    chain(tr, ("first", a), ("add", ("second", b)), ("mul", ("groups", k)))
    return Draft(tr, {**who(p), "a": g.n(a), "b": g.n(b), "k": g.n(k)})


@pattern("ai_broken_jars", "arithmetic", INT, "nested groups, then some removed",
         gaps=("interleaved", "many_inits"))
def ai_broken_jars(g: Ctx) -> Draft:
    a, b, c = g.int(2, 12), g.int(2, 10), g.int(2, 24)
    broken = g.int(2, min(60, a * b * c - 1))
    tr = g.trace("arithmetic")
    chain(tr, ("crates", a), ("mul", ("boxes", b)), ("mul", ("per_box", c)), ("sub", ("broken", broken)))
    return Draft(tr, {"a": g.n(a), "b": g.n(b), "c": g.n(c), "broken": g.n(broken)})


@pattern("ai_decimal_weight", "arithmetic", INT, "a decimal unit size times a count, minus an amount used",
         gaps=("interleaved", "decimals"))
def ai_decimal_weight(g: Ctx) -> Draft:
    p = g.person()
    w = g.pick([Fraction(3, 2), Fraction(5, 2), Fraction(7, 2), Fraction(5, 4), Fraction(9, 4), Fraction(3, 4)])
    bags = w.denominator * g.int(1, 16 // w.denominator)
    total = w * bags
    need(total >= 3, "too little")
    used = g.int(2, int(total) - 1)
    tr = g.trace("arithmetic")
    chain(tr, ("size", w), ("mul", ("count", bags)), ("sub", ("used", used)))
    return Draft(tr, {**who(p), "w": g.dec(w), "bags": g.n(bags), "used": g.n(used)})
