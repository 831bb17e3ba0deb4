"""rate_equation patterns: amounts per unit of time (or per unit of something), speeds, work."""

from __future__ import annotations

from fractions import Fraction

from ..builder import TraceBuilder
from ..context import Ctx, Draft
from ..lexicon import DISTANCE_UNITS, JOBS, MACHINES, TRAVELLERS
from ._common import need, who
from ._phrasings import pattern  # each pattern's question templates: phrasings.json, under its name
from ._shapes import chain, inits

RATE = "rate_equation"


def _over_units(g: Ctx, rate: tuple[str, int], span: tuple[str, int], per_unit: int) -> TraceBuilder:
    """A rate per small unit over a span of large units: rate * per_unit * span, with the
    per_unit conversion (7 days a week, 60 minutes an hour, ...) left implicit in the question."""
    tr = g.trace("rate_equation")
    inits(tr, rate, span)
    chain(tr, rate[0], ("mul", per_unit), ("mul", span[0]))
    return tr


def _over_units_pattern(name: str, summary: str, rate: tuple[str, int, int], span: tuple[str, str, int, int],
                        per_unit: int, *, person: bool = True, money: bool = False) -> None:
    """Register a rate-over-units pattern: `rate` is (variable, lo, hi) drawn with `g.big`, `span`
    (variable, template slot, lo, hi) drawn with `g.int`; the template slot of the rate is {r}."""

    @pattern(name, RATE, RATE, summary, gaps=("constants",))
    def build(g: Ctx) -> Draft:
        slots = who(g.person()) if person else {}
        r, n = g.big(rate[1], rate[2]), g.int(span[2], span[3])
        tr = _over_units(g, (rate[0], r), (span[0], n), per_unit)
        return Draft(tr, {**slots, "r": g.money(r) if money else g.n(r), span[1]: g.n(n)})


@pattern("rate_total", RATE, RATE, "rate times time")
def rate_total(g: Ctx) -> Draft:
    machine, product = g.pick(MACHINES)
    r, h = g.big(5, 120), g.int(2, 12)
    tr = g.trace("rate_equation")
    chain(tr, ("rate", r), ("mul", ("hours", h)))
    return Draft(tr, {"machine": machine, "product": product, "r": g.n(r), "h": g.n(h)})


@pattern("rate_distance", RATE, RATE, "speed times time", decimals=True, gaps=("decimals",))
def rate_distance(g: Ctx) -> Draft:
    p = g.person()
    vehicle, verb = g.pick(TRAVELLERS)
    unit = g.pick(DISTANCE_UNITS)
    s = g.int(10, 80)
    h: Fraction = Fraction(g.int(2, 9))
    if g.decimal():
        h = h + Fraction(g.pick([1, 1, 3]), 4) if s % 4 == 0 else h + Fraction(1, 2)
    need(not g.exact or (s * h).denominator == 1, "distance must be whole")
    tr = g.trace("rate_equation")
    chain(tr, ("speed", s), ("mul", ("hours", h)))
    return Draft(tr, {**who(p), "vehicle": vehicle, "verb": verb, "unit": unit, "s": g.n(s), "h": g.dec(h)})


@pattern("rate_time", RATE, RATE, "distance divided by speed")
def rate_time(g: Ctx) -> Draft:
    p = g.person()
    vehicle, verb = g.pick(TRAVELLERS)
    unit = g.pick(DISTANCE_UNITS)
    s, h = g.int(10, 80), g.int(2, 12)
    d = s * h
    tr = g.trace("rate_equation")
    chain(tr, ("distance", d), ("div", ("speed", s)))
    return Draft(tr, {**who(p), "vehicle": vehicle, "verb": verb, "unit": unit, "unit_one": unit[:-1],
                      "d": g.dec(d), "s": g.n(s)})


@pattern("rate_unit_price", RATE, RATE, "find the unit price, then scale it", gaps=("interleaved",))
def rate_unit_price(g: Ctx) -> Draft:
    p = g.person()
    food = g.pick(("rice", "flour", "apples", "grapes", "coffee", "cheese", "potatoes", "beans"))
    unit, n, m = g.big(1, 9), g.int(2, 10), g.int(2, 15)
    need(n != m, "same weight twice")
    tr = g.trace("rate_equation")
    tr.init("pounds", n)
    per = tr.compute("div", [tr.init("cost", unit * n), "pounds"])
    tr.finish("mul", [per, tr.init("wanted", m)])
    return Draft(tr, {**who(p), "food": food, "n": g.n(n), "m": g.n(m), "cost": g.money(unit * n)})


@pattern("rate_combined", RATE, RATE, "two rates added, times time", gaps=("interleaved",))
def rate_combined(g: Ctx) -> Draft:
    p, q = g.people(2)
    r1, r2, t = g.big(3, 60), g.big(3, 60), g.int(2, 30)
    tr = g.trace("rate_equation")
    chain(tr, ("rate1", r1), ("add", ("rate2", r2)), ("mul", ("minutes", t)))
    return Draft(tr, {**who(p), "friend": q.name, "r1": g.n(r1), "r2": g.n(r2), "t": g.n(t)})


_over_units_pattern("rate_weeks", "a daily rate over whole weeks (7 days a week is implicit)",
                    ("per_day", 2, 60), ("weeks", "w", 2, 8), 7)
_over_units_pattern("rate_minutes_hours", "a per-minute rate over hours (60 minutes an hour is implicit)",
                    ("per_minute", 3, 90), ("hours", "h", 2, 8), 60)


@pattern("rate_work_left", RATE, RATE, "total minus rate times time")
def rate_work_left(g: Ctx) -> Draft:
    p = g.person()
    r, d = g.big(3, 40), g.int(2, 10)
    total = r * d + g.big(5, 200)
    tr = g.trace("rate_equation")
    inits(tr, ("total", total), ("rate", r), ("time", d))
    done = tr.compute("mul", ["rate", "time"])
    tr.finish("sub", ["total", done])
    return Draft(tr, {**who(p), "total": g.dec(total), "r": g.n(r), "d": g.n(d)})


@pattern("rate_fill_time", RATE, RATE, "what is missing, divided by the rate", gaps=("interleaved",))
def rate_fill_time(g: Ctx) -> Draft:
    p = g.person()
    r, t = g.big(2, 30), g.int(2, 20)
    have = g.big(5, 300)
    cap = have + r * t
    tr = g.trace("rate_equation")
    chain(tr, ("capacity", cap), ("sub", ("current", have)), ("div", ("rate", r)))
    return Draft(tr, {**who(p), "cap": g.dec(cap), "have": g.dec(have), "r": g.n(r)})


@pattern("rate_wage_days", RATE, RATE, "hourly wage times hours per day times days", decimals=True,
         gaps=("many_inits",))
def rate_wage_days(g: Ctx) -> Draft:
    p = g.person()
    wage: Fraction = Fraction(g.int(8, 30))
    if g.decimal():
        wage += Fraction(1, 2)
    h, d = g.int(2, 8), g.int(2, 7)
    need(not g.exact or (wage * h).denominator == 1, "daily pay must be whole")
    tr = g.trace("rate_equation")
    chain(tr, ("wage", wage), ("mul", ("hours", h)), ("mul", ("days", d)))
    return Draft(tr, {**who(p), "wage": g.money(wage), "job": g.pick(JOBS), "h": g.n(h), "d": g.n(d)})


_over_units_pattern("rate_months_years", "a monthly amount over whole years (12 months a year is implicit)",
                    ("per_month", 10, 90), ("years", "y", 2, 6), 12, money=True)
_over_units_pattern("rate_hours_days", "an hourly rate over whole days (24 hours a day is implicit)",
                    ("per_hour", 3, 80), ("days", "d", 2, 7), 24, person=False)
