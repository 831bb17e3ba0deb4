"""rate_equation patterns: amounts per unit of time (or per unit of something), speeds, work."""

from __future__ import annotations

from fractions import Fraction

from ..builder import TraceBuilder
from ..context import Ctx, Draft
from ..lexicon import DISTANCE_UNITS, JOBS, MACHINES, TRAVELLERS
from ..registry import pattern
from ._common import need, who
from ._shapes import chain, inits

RATE = "rate_equation"


def _over_units(g: Ctx, rate: tuple[str, int], span: tuple[str, int], per_unit: int) -> TraceBuilder:
    """A rate per small unit over a span of large units: rate * per_unit * span, with the
    per_unit conversion (7 days a week, 60 minutes an hour, ...) left implicit in the question."""
    tr = g.trace("rate_equation")
    inits(tr, rate, span)
    chain(tr, rate[0], ("mul", per_unit), ("mul", span[0]))
    return tr


@pattern("rate_total", RATE, RATE, [
    "A {machine} makes {r} {product} per hour. How many {product} does it make in {h} hours?",
    "Every hour, the {machine} turns out {r} {product}. If it runs for {h} hours, how many {product} does "
    "it produce?",
    "At a steady rate of {r} {product} an hour, how many {product} can a {machine} make in {h} hours?",
], "rate times time")
def rate_total(g: Ctx) -> Draft:
    machine, product = g.pick(MACHINES)
    r, h = g.big(5, 120), g.int(2, 12)
    tr = g.trace("rate_equation")
    chain(tr, ("rate", r), ("mul", ("hours", h)))
    return Draft(tr, {"machine": machine, "product": product, "r": g.n(r), "h": g.n(h)})


@pattern("rate_distance", RATE, RATE, [
    "A {vehicle} {verb} at {s} {unit} per hour for {h} hours. How many {unit} does it cover?",
    "Traveling at {s} {unit} an hour, how far does a {vehicle} go in {h} hours?",
    "{name}'s {vehicle} keeps a speed of {s} {unit} per hour. How many {unit} does it travel in {h} hours?",
], "speed times time", decimals=True, gaps=("decimals",))
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


@pattern("rate_time", RATE, RATE, [
    "A {vehicle} needs to cover {d} {unit}. It {verb} at {s} {unit} per hour. How many hours will the trip take?",
    "How many hours does it take to travel {d} {unit} at a speed of {s} {unit} per hour?",
    "{name} has a {d}-{unit_one} trip ahead and drives at {s} {unit} an hour. How long, in hours, will the "
    "trip last?",
], "distance divided by speed")
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


@pattern("rate_unit_price", RATE, RATE, [
    "{n} pounds of {food} cost {cost}. How much do {m} pounds of {food} cost?",
    "At the market, a bag with {n} pounds of {food} sells for {cost}. At that price per pound, what would "
    "{m} pounds cost?",
    "{name} bought {n} pounds of {food} for {cost}. At the same price per pound, how much would {m} pounds "
    "cost?",
], "find the unit price, then scale it", gaps=("interleaved",))
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


@pattern("rate_combined", RATE, RATE, [
    "One pump moves {r1} liters of water per minute and a second pump moves {r2} liters per minute. Working "
    "together, how many liters do they move in {t} minutes?",
    "{name} can fold {r1} flyers a minute and {friend} can fold {r2} a minute. How many flyers do they fold "
    "together in {t} minutes?",
    "Two printers print {r1} and {r2} pages per minute. If both run for {t} minutes, how many pages do they "
    "print in total?",
], "two rates added, times time", gaps=("interleaved",))
def rate_combined(g: Ctx) -> Draft:
    p, q = g.people(2)
    r1, r2, t = g.big(3, 60), g.big(3, 60), g.int(2, 30)
    tr = g.trace("rate_equation")
    chain(tr, ("rate1", r1), ("add", ("rate2", r2)), ("mul", ("minutes", t)))
    return Draft(tr, {**who(p), "friend": q.name, "r1": g.n(r1), "r2": g.n(r2), "t": g.n(t)})


@pattern("rate_weeks", RATE, RATE, [
    "{name} reads {r} pages every day. How many pages does {he} read in {w} weeks?",
    "A bakery sells {r} loaves of bread each day. How many loaves does it sell in {w} weeks?",
    "{name} walks {r} kilometers a day. How many kilometers does {he} walk in {w} weeks?",
], "a daily rate over whole weeks (7 days a week is implicit)", gaps=("constants",))
def rate_weeks(g: Ctx) -> Draft:
    p = g.person()
    r, w = g.big(2, 60), g.int(2, 8)
    tr = _over_units(g, ("per_day", r), ("weeks", w), 7)
    return Draft(tr, {**who(p), "r": g.n(r), "w": g.n(w)})


@pattern("rate_minutes_hours", RATE, RATE, [
    "{name} types {r} words per minute. How many words can {he} type in {h} hours?",
    "A fountain pumps {r} liters of water every minute. How many liters does it pump in {h} hours?",
    "A machine fills {r} bottles a minute. How many bottles does it fill in {h} hours of work?",
], "a per-minute rate over hours (60 minutes an hour is implicit)", gaps=("constants",))
def rate_minutes_hours(g: Ctx) -> Draft:
    p = g.person()
    r, h = g.big(3, 90), g.int(2, 8)
    tr = _over_units(g, ("per_minute", r), ("hours", h), 60)
    return Draft(tr, {**who(p), "r": g.n(r), "h": g.n(h)})


@pattern("rate_work_left", RATE, RATE, [
    "A crew must pave {total} meters of road. They pave {r} meters per day. How many meters are still left "
    "to pave after {d} days?",
    "{name} has to read a {total}-page book. {He} reads {r} pages a day. How many pages are left after {d} days?",
    "A tank holds {total} liters of water and leaks {r} liters per hour. How many liters are left after {d} "
    "hours?",
], "total minus rate times time")
def rate_work_left(g: Ctx) -> Draft:
    p = g.person()
    r, d = g.big(3, 40), g.int(2, 10)
    total = r * d + g.big(5, 200)
    tr = g.trace("rate_equation")
    inits(tr, ("total", total), ("rate", r), ("time", d))
    done = tr.compute("mul", ["rate", "time"])
    tr.finish("sub", ["total", done])
    return Draft(tr, {**who(p), "total": g.dec(total), "r": g.n(r), "d": g.n(d)})


@pattern("rate_fill_time", RATE, RATE, [
    "A pool holds {cap} gallons and already has {have} gallons in it. A hose adds {r} gallons per minute. "
    "How many minutes until the pool is full?",
    "A {cap}-liter tank contains {have} liters. Water flows in at {r} liters a minute. How many minutes will "
    "it take to fill the tank?",
    "{name} is saving for a {cap} dollar bike and has {have} dollars so far. {He} saves {r} dollars a week. "
    "How many weeks until {he} has enough?",
], "what is missing, divided by the rate", gaps=("interleaved",))
def rate_fill_time(g: Ctx) -> Draft:
    p = g.person()
    r, t = g.big(2, 30), g.int(2, 20)
    have = g.big(5, 300)
    cap = have + r * t
    tr = g.trace("rate_equation")
    chain(tr, ("capacity", cap), ("sub", ("current", have)), ("div", ("rate", r)))
    return Draft(tr, {**who(p), "cap": g.dec(cap), "have": g.dec(have), "r": g.n(r)})


@pattern("rate_wage_days", RATE, RATE, [
    "{name} earns {wage} an hour {job}. {He} works {h} hours a day for {d} days. How much does {he} earn?",
    "For {job}, {name} is paid {wage} per hour. Working {h} hours each day, how much does {he} make in {d} days?",
    "A {job} job pays {wage} an hour. {name} puts in {h} hours a day, {d} days in a row. What are {his} total "
    "earnings?",
], "hourly wage times hours per day times days", decimals=True, gaps=("many_inits",))
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


@pattern("rate_months_years", RATE, RATE, [
    "{name} pays {r} a month for a phone plan. How much does {he} pay in {y} years?",
    "A gym membership costs {r} per month. What does it cost to stay a member for {y} years?",
    "{name} puts {r} into a savings jar every month. How much has {he} put in after {y} years?",
], "a monthly amount over whole years (12 months a year is implicit)", gaps=("constants",))
def rate_months_years(g: Ctx) -> Draft:
    p = g.person()
    r, y = g.big(10, 90), g.int(2, 6)
    tr = _over_units(g, ("per_month", r), ("years", y), 12)
    return Draft(tr, {**who(p), "r": g.money(r), "y": g.n(y)})


@pattern("rate_hours_days", RATE, RATE, [
    "A server handles {r} requests every hour. How many requests does it handle in {d} days?",
    "A leaky faucet drips {r} milliliters of water per hour. How many milliliters does it drip in {d} days?",
    "A bakery oven runs all day and night and bakes {r} rolls an hour. How many rolls does it bake in {d} days?",
], "an hourly rate over whole days (24 hours a day is implicit)", gaps=("constants",))
def rate_hours_days(g: Ctx) -> Draft:
    r, d = g.big(3, 80), g.int(2, 7)
    tr = _over_units(g, ("per_hour", r), ("days", d), 24)
    return Draft(tr, {"r": g.n(r), "d": g.n(d)})
