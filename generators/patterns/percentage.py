"""percentage patterns: domain ops (percent_of / percent_off / percent_increase) over raw mul/div.

The seed moved percentage from 88% to 100% by replacing mul/div chains with these ops, so the
basic patterns share one 4-step shape: init base, init rate, percent op into result, query.
"""

from __future__ import annotations

import math
from fractions import Fraction

from ..context import Ctx, Draft
from ..lexicon import FRUITS, GOODS, GROUPS
from ..registry import pattern
from ._common import need, who
from ._shapes import inits, percent_result

PCT = "percentage"
_RATES = (5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 60, 70, 75, 80, 90)
_DECIMAL_RATES = (Fraction(25, 2), Fraction(5, 2), Fraction(15, 2), Fraction(35, 2), Fraction(45, 2))


def _rate(g: Ctx, lo: int = 5, hi: int = 90) -> Fraction:
    if g.decimal():
        return g.pick(_DECIMAL_RATES)
    return Fraction(g.pick([r for r in _RATES if lo <= r <= hi]))


def _base_for(g: Ctx, rate: Fraction, lo: int, hi: int, also: Fraction | None = None) -> int:
    """A base that makes base * rate / 100 (and base * also / 100) whole when answers must be."""
    if not g.exact:
        return g.big(lo, hi)
    den = (rate / 100).denominator
    if also is not None:
        den = math.lcm(den, (also / 100).denominator)
    return g.multiple(den, lo, hi)


def _pct(g: Ctx, rate: Fraction) -> str:
    text = g.pct(rate)
    return text[:-1] + " percent" if g.render_rng.random() < 0.25 else text


def _basic(g: Ctx, op: str, base_name: str, base: int, rate: Fraction) -> Draft:
    tr = g.trace("percentage")
    percent_result(tr, op, (base_name, base), "rate", rate)
    return Draft(tr, {})


def _price_change(g: Ctx, op: str, lo: int, hi: int) -> Draft:
    """A good's price and a rate between lo% and hi%, with `op` applied to the price."""
    p, t = g.person(), g.thing(GOODS)
    rate = _rate(g, lo, hi)
    price = _base_for(g, rate, max(4, t.lo * 2), t.hi * 3)
    d = _basic(g, op, "price", price, rate)
    d.slots = {**who(p), "item": t.singular, "price": g.money(price), "rate": _pct(g, rate)}
    return d


@pattern("pct_of", PCT, PCT, [
    "There are {n} {members} at the {club}. {rate} of them play chess. How many {members} play chess?",
    "A {club} has {n} {members}, and {rate} of them signed up for the trip. How many {members} signed up?",
    "Of the {n} {members} in the {club}, {rate} ride a bike to get there. How many ride a bike?",
    "{n} {members} took part in a survey at the {club}; {rate} said they like soccer best. How many "
    "{members} like soccer best?",
], "a percent of a whole")
def pct_of(g: Ctx) -> Draft:
    club, m = g.pick(GROUPS)
    rate = _rate(g)
    n = _base_for(g, rate, 20, 400)
    d = _basic(g, "percent_of", m.var, n, rate)
    d.slots = {"members": m.plural, "club": club, "n": g.n(n), "rate": _pct(g, rate)}
    return d


@pattern("pct_off", PCT, PCT, [
    "A {item} costs {price}. It is on sale for {rate} off. What is the sale price?",
    "The regular price of a {item} is {price}. This week every {item} is discounted by {rate}. How much does "
    "a {item} cost this week?",
    "{name} wants a {item} priced at {price}. With a coupon for {rate} off, how much will {he} pay?",
], "a price after a percent discount", decimals=True)
def pct_off(g: Ctx) -> Draft:
    return _price_change(g, "percent_off", 5, 75)


@pattern("pct_increase", PCT, PCT, [
    "A {item} cost {price} last year. This year the price went up by {rate}. What does it cost now?",
    "The price of a {item} was {price}. After a {rate} increase, what is the new price?",
    "{name}'s favorite {item} used to sell for {price}. The store raised the price by {rate}. How much "
    "does it sell for now?",
], "a price after a percent increase", decimals=True)
def pct_increase(g: Ctx) -> Draft:
    return _price_change(g, "percent_increase", 5, 50)


@pattern("pct_remaining", PCT, PCT, [
    "{name} picked {n} {items}. {rate} of them were too ripe to keep. How many {items} could {he} keep?",
    "A crate held {n} {items}, but {rate} of them were bruised and thrown out. How many {items} were left?",
    "Out of {n} {items} on a tray, {rate} were eaten at the party. How many {items} were not eaten?",
], "what is left after a percent is removed")
def pct_remaining(g: Ctx) -> Draft:
    p = g.person()
    t = g.thing(FRUITS)
    rate = _rate(g, 5, 80)
    n = _base_for(g, rate, 20, 400)
    d = _basic(g, "percent_off", t.var, n, rate)
    d.slots = {**who(p), "items": t.plural, "n": g.n(n), "rate": _pct(g, rate)}
    return d


@pattern("pct_tip_total", PCT, PCT, [
    "{name}'s dinner bill is {price}. {He} leaves a {rate} tip. How much does {he} pay in total?",
    "A meal costs {price} before the tip. If the family adds a {rate} tip, what is the total?",
    "The bill at the cafe comes to {price}, and {name} wants to add {rate} for the server. How much will "
    "{he} pay altogether?",
], "a bill plus a percent tip")
def pct_tip_total(g: Ctx) -> Draft:
    p = g.person()
    rate = Fraction(g.pick([10, 15, 20, 25]))
    bill = _base_for(g, rate, 20, 200)
    d = _basic(g, "percent_increase", "bill", bill, rate)
    d.slots = {**who(p), "price": g.money(bill), "rate": _pct(g, rate)}
    return d


@pattern("pct_discount_amount", PCT, PCT, [
    "A {item} normally costs {price}. During a sale it is {rate} off. How much money does a buyer save?",
    "{name} buys a {item} that is marked {price}, and {he} gets a {rate} discount. How many dollars does "
    "{he} save?",
    "At the store a {item} is marked {price}. Shoppers get {rate} off it today. How much does a shopper "
    "save on one {item}?",
], "the size of a percent discount", decimals=True)
def pct_discount_amount(g: Ctx) -> Draft:
    return _price_change(g, "percent_of", 5, 75)


@pattern("pct_what_percent", PCT, PCT, [
    "{name} answered {part} of the {total} questions on a test correctly. What percent did {he} get right?",
    "A team won {part} of the {total} games it played this season. What percentage of its games did it win?",
    "{name} planted seeds, and {part} of the {total} seeds sprouted. What percent of the seeds sprouted?",
], "one amount as a percent of another (100 is implicit)", gaps=("constants",))
def pct_what_percent(g: Ctx) -> Draft:
    p = g.person()
    total = g.pick([10, 20, 25, 40, 50, 80, 100, 200, 250, 400, 500])
    share = g.pick([Fraction(k, 20) for k in range(1, 20)])
    part = total * share
    need(part.denominator == 1, "part must be whole")
    tr = g.trace("percentage")
    tr.init("part", part)
    step = tr.compute("div", ["part", tr.init("total", total)])
    tr.finish("mul", [step, 100])
    return Draft(tr, {**who(p), "part": g.n(part), "total": g.n(total)})


@pattern("pct_two_changes", PCT, PCT, [
    "A {item} costs {price}. The price goes up by {up}, and later the new price is cut by {down}. What is "
    "the final price?",
    "The price of a {item} was {price}. It rose {up} in the spring and then fell {down} in the fall. What "
    "does the {item} cost after both changes?",
    "{name} sells a {item} for {price}. {He} raises the price by {up}, then runs a sale at {down} off the "
    "new price. What is the sale price?",
], "a percent increase followed by a percent decrease", gaps=("interleaved",))
def pct_two_changes(g: Ctx) -> Draft:
    p, t = g.person(), g.thing(GOODS)
    up = Fraction(g.pick([10, 20, 25, 50]))
    down = Fraction(g.pick([10, 20, 25, 50]))
    need(up != down, "same rate twice reads oddly")
    # price * (1 + up/100) must be whole, and that times (1 - down/100) too.
    den = (1 + up / 100).denominator * (1 - down / 100).denominator if g.exact else 1
    price = g.multiple(den, max(4, t.lo * 2), t.hi * 4)
    tr = g.trace("percentage")
    tr.init("price", price)
    raised = tr.percent("percent_increase", "price", tr.init("increase", up))
    tr.query(tr.percent("percent_off", raised, tr.init("decrease", down), var="result"))
    return Draft(tr, {**who(p), "item": t.singular, "price": g.money(price), "up": _pct(g, up),
                      "down": _pct(g, down)})


@pattern("pct_commission", PCT, PCT, [
    "{name} earns a base pay of {base} a month plus {rate} of {his} sales. This month {he} sold {sales} worth "
    "of goods. How much does {he} earn this month?",
    "A salesperson gets {base} each week and a commission of {rate} on sales. Last week the sales came to "
    "{sales}. What was the total pay?",
    "{name} is paid {base} per event plus {rate} of the ticket money. One event brought in {sales} in "
    "tickets. How much is {name} paid for that event?",
], "a fixed amount plus a percent of sales", gaps=("many_inits",))
def pct_commission(g: Ctx) -> Draft:
    p = g.person()
    base = g.big(100, 900, mult=10)
    rate = Fraction(g.pick([2, 4, 5, 8, 10, 12, 15, 20]))
    sales = _base_for(g, rate, 200, 5000)
    tr = g.trace("percentage")
    inits(tr, ("base", base), ("rate", rate), ("sales", sales))
    step = tr.percent("percent_of", "sales", "rate")
    tr.finish("add", ["base", step])
    return Draft(tr, {**who(p), "base": g.money(base), "rate": _pct(g, rate), "sales": g.money(sales)})
