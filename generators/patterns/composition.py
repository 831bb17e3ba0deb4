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
from ..registry import pattern
from ._common import need, things, who
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


@pattern("comp_sale_quantity", "composition", C2, [
    "A {item} costs {price} but is {rate} off this week. {name} buys {n} of them. How much does {he} pay?",
    "The {shop} marks down {items} that normally cost {price} by {rate}. How much do {n} {items} cost at the "
    "sale price?",
    "{name} finds {items} priced at {price} with a {rate} discount, and buys {n}. What is the total cost?",
], "percent off a price, then times a count", n_experts=2)
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


@pattern("comp_flip_profit", "composition", C2, [
    "{name} buys an old {thing} for {price} and spends {repairs} fixing it up. After the repairs, the {thing} "
    "is worth {rate} more than {he} paid for it. How much profit does {he} make by selling it?",
    "An old {thing} costs {name} {price}, and the repairs cost another {repairs}. The repairs raise its value "
    "by {rate} of the purchase price. If {he} sells it at that value, what is {his} profit?",
    "{name} paid {price} for a {thing} and put {repairs} into repairs. Its value then rose {rate} above the "
    "purchase price. What profit does {he} make when {he} sells it?",
], "percent increase of a cost, then the profit after two costs", n_experts=2)
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


@pattern("comp_wage_tax", "composition", C2, [
    "{name} earns {wage} an hour and works {h} hours this week. {rate} of {his} pay goes to taxes. How much "
    "does {he} take home?",
    "A {job} job pays {name} {wage} per hour. {He} works {h} hours, and {rate} of the pay is withheld for "
    "taxes. How much does {he} keep?",
    "{name} is paid {wage} an hour for {job}. After {h} hours of work, {rate} of the earnings are taken out "
    "for taxes. What is {his} pay after taxes?",
], "rate times time, then percent off", n_experts=2)
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


@pattern("comp_together_percent", "composition", C2, [
    "{b} has {x} {items}. {a} has {more} more {items} than {b}. {rate} of all their {items} are blue. How "
    "many blue {items} do they have?",
    "{b} collected {x} {items} and {a} collected {more} more than {b}. They give away {rate} of all the "
    "{items} they collected. How many {items} do they give away?",
    "{b} owns {x} {items}, and {a} owns {more} more than that. If {rate} of their {items} are old, how many "
    "of their {items} are old?",
], "a comparison total, then a percent of it", n_experts=2)
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


@pattern("comp_leftover_percent", "composition", C2, [
    "{name} had {n} {items}. {He} gave {given} to {friend} and lost {lost}. {rate} of the {items} {he} has "
    "left are red. How many red {items} does {he} have?",
    "{name}'s box held {n} {items}. {He} traded away {given} and misplaced {lost}. Of the remaining {items}, "
    "{rate} are shiny. How many shiny {items} are there?",
    "There were {n} {items} in {name}'s drawer. {He} handed {given} to {friend}, and {lost} went missing. "
    "{rate} of what is still in the drawer are old. How many old {items} are in the drawer?",
], "two losses tracked, then a percent of what is left", n_experts=2)
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


@pattern("comp_distance_compare", "composition", C2, [
    "{a} drives at {s} miles per hour for {h} hours. {b} drives {d} miles. How many more miles does {a} "
    "drive than {b}?",
    "A train travels at {s} kilometers an hour for {h} hours, while a bus covers {d} kilometers. How much "
    "farther does the train go?",
    "{a} cycles at {s} kilometers per hour for {h} hours. {b} cycles {d} kilometers in total. How many more "
    "kilometers does {a} cycle?",
], "speed times time, then a difference", n_experts=2)
def comp_distance_compare(g: Ctx) -> Draft:
    a, b = g.people(2)
    s, h = g.int(8, 70), g.int(2, 8)
    d = g.int(max(1, s * h // 4), s * h - 1)
    c = Composition()
    chain(c.sub("rate_equation"), ("speed", s), ("mul", ("hours", h)))
    chain(after(c, "comparison"), "prev", ("sub", ("other", d)))
    return Draft(c, {"a": a.name, "b": b.name, "s": g.n(s), "h": g.n(h), "d": g.dec(d)})


@pattern("comp_percent_share", "composition", C2, [
    "A {club} raised {money}. {rate} of it goes to a field trip, shared equally among {k} classes. How much "
    "does each class get for the trip?",
    "{name} won {money} and spends {rate} of it on gifts for {his} {k} cousins, splitting that amount "
    "equally. How much does each cousin's gift cost?",
    "Out of a {money} budget, {rate} is set aside for books, divided evenly among {k} teachers. How many "
    "dollars does each teacher get for books?",
], "a percent of an amount, then split equally", n_experts=2)
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
