"""percentage patterns: domain ops (percent_of / percent_off / percent_increase) over raw mul/div.

The seed moved percentage from 88% to 100% by replacing mul/div chains with these ops, so the
basic patterns share one 4-step shape: init base, init rate, percent op into result, query.
"""

from __future__ import annotations

import math
from fractions import Fraction

from ..context import Ctx, Draft
from ..lexicon import FRUITS, GOODS, GROUPS
from ._common import need, who
from ._phrasings import pattern  # each pattern's question templates: phrasings.json, under its name
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


@pattern("pct_of", PCT, PCT, "a percent of a whole")
def pct_of(g: Ctx) -> Draft:
    club, m = g.pick(GROUPS)
    rate = _rate(g)
    n = _base_for(g, rate, 20, 400)
    d = _basic(g, "percent_of", m.var, n, rate)
    d.slots = {"members": m.plural, "club": club, "n": g.n(n), "rate": _pct(g, rate)}
    return d


@pattern("pct_off", PCT, PCT, "a price after a percent discount", decimals=True)
def pct_off(g: Ctx) -> Draft:
    return _price_change(g, "percent_off", 5, 75)


@pattern("pct_increase", PCT, PCT, "a price after a percent increase", decimals=True)
def pct_increase(g: Ctx) -> Draft:
    return _price_change(g, "percent_increase", 5, 50)


@pattern("pct_remaining", PCT, PCT, "what is left after a percent is removed")
def pct_remaining(g: Ctx) -> Draft:
    p = g.person()
    t = g.thing(FRUITS)
    rate = _rate(g, 5, 80)
    n = _base_for(g, rate, 20, 400)
    d = _basic(g, "percent_off", t.var, n, rate)
    d.slots = {**who(p), "items": t.plural, "n": g.n(n), "rate": _pct(g, rate)}
    return d


@pattern("pct_tip_total", PCT, PCT, "a bill plus a percent tip")
def pct_tip_total(g: Ctx) -> Draft:
    p = g.person()
    rate = Fraction(g.pick([10, 15, 20, 25]))
    bill = _base_for(g, rate, 20, 200)
    d = _basic(g, "percent_increase", "bill", bill, rate)
    d.slots = {**who(p), "price": g.money(bill), "rate": _pct(g, rate)}
    return d


@pattern("pct_discount_amount", PCT, PCT, "the size of a percent discount", decimals=True)
def pct_discount_amount(g: Ctx) -> Draft:
    return _price_change(g, "percent_of", 5, 75)


@pattern("pct_what_percent", PCT, PCT, "one amount as a percent of another (100 is implicit)",
         gaps=("constants",))
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


@pattern("pct_two_changes", PCT, PCT, "a percent increase followed by a percent decrease",
         gaps=("interleaved",))
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


@pattern("pct_commission", PCT, PCT, "a fixed amount plus a percent of sales", gaps=("many_inits",))
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
