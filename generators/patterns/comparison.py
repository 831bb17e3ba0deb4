"""comparison patterns: amounts related by "more", "fewer", "times as many", "half as many".

Most share the seed's uniform shape (init, init, compute, compute, query) with entity-anchored
first names (`tom.marbles`) and fixed scaffolding, so the compute ops carry the distinction.
"""

from __future__ import annotations

from fractions import Fraction

from ..builder import TraceBuilder
from ..context import Ctx, Draft
from ..lexicon import COLLECTIBLES
from ._common import need, things
from ._phrasings import pattern  # each pattern's question templates: phrasings.json, under its name
from ._shapes import chain, inits

CMP = "comparison"


def _pair(g: Ctx) -> tuple[dict[str, str], str, str, object]:
    a, b = g.people(2)
    t = g.thing(COLLECTIBLES)
    return {"a": a.name, "b": b.name, **things(t)}, f"{a.var}.{t.var}", f"{b.var}.{t.var}", t


def more_than_total(tr: TraceBuilder, nb: str, x: int, more: int) -> Fraction:
    """B has x, A has `more` more than B: how many together (B's amount, then A's, then the sum)."""
    return chain(tr, (nb, x), ("add", ("more", more)), ("add", nb))


def fewer_than_total(tr: TraceBuilder, nb: str, x: int, fewer: int) -> Fraction:
    """B has x, A has `fewer` fewer than B: how many together (B's amount, then A's, then the sum)."""
    return chain(tr, (nb, x), ("sub", ("fewer", fewer)), ("add", nb))


def _times(g: Ctx, f: int) -> str:
    return "twice" if f == 2 and g.render_rng.random() < 0.5 else f"{g.n(f)} times"


@pattern("cmp_times_more", CMP, CMP, "times as many, then the difference")
def cmp_times_more(g: Ctx) -> Draft:
    slots, _, nb, _ = _pair(g)
    x, f = g.big(3, 40), g.int(2, 6)
    tr = g.trace("comparison")
    chain(tr, (nb, x), ("mul", ("factor", f)), ("sub", nb))
    return Draft(tr, {**slots, "x": g.n(x), "times": _times(g, f)})


@pattern("cmp_sum_difference", CMP, CMP, "total and difference known; find the larger share")
def cmp_sum_difference(g: Ctx) -> Draft:
    slots, _, _, _ = _pair(g)
    small, more = g.big(3, 60), g.big(2, 30)
    total = 2 * small + more
    tr = g.trace("comparison")
    chain(tr, ("total", total), ("add", ("more", more)), ("div", 2))
    return Draft(tr, {**slots, "total": g.n(total), "more": g.n(more)})


@pattern("cmp_more_total", CMP, CMP, "more than, then the total")
def cmp_more_total(g: Ctx) -> Draft:
    slots, _, nb, _ = _pair(g)
    x, more = g.big(3, 60), g.big(2, 30)
    tr = g.trace("comparison")
    more_than_total(tr, nb, x, more)
    return Draft(tr, {**slots, "x": g.n(x), "more": g.n(more)})


@pattern("cmp_fewer_total", CMP, CMP, "fewer than, then the total")
def cmp_fewer_total(g: Ctx) -> Draft:
    slots, _, nb, _ = _pair(g)
    x = g.big(10, 80)
    fewer = g.int(1, x - 1)
    tr = g.trace("comparison")
    fewer_than_total(tr, nb, x, fewer)
    return Draft(tr, {**slots, "x": g.n(x), "fewer": g.n(fewer)})


@pattern("cmp_half_as_many", CMP, CMP, "half as many, then the difference", gaps=("fractions",))
def cmp_half_as_many(g: Ctx) -> Draft:
    slots, _, nb, _ = _pair(g)
    x = g.multiple(2, 6, 90)
    tr = g.trace("comparison")
    tr.init(nb, x)
    step = tr.compute("mul", [nb, tr.init("half", Fraction(1, 2))])
    tr.finish("sub", [nb, step])
    return Draft(tr, {**slots, "x": g.n(x)})


@pattern("cmp_range", CMP, CMP, "largest minus smallest of three", gaps=("many_inits",))
def cmp_range(g: Ctx) -> Draft:
    a, b, c = g.people(3)
    lo_hi = ((10, 90), (100, 190), (40, 400))[g.phrasing % 3]
    x, y, z = (g.int(*lo_hi) for _ in range(3))
    need(len({x, y, z}) == 3, "values should differ")
    tr = g.trace("comparison")
    inits(tr, (a.var, x), (b.var, y), (c.var, z))
    hi = tr.compute("max", [a.var, b.var, c.var])
    lo = tr.compute("min", [a.var, b.var, c.var])
    tr.finish("sub", [hi, lo])
    return Draft(tr, {"a": a.name, "b": b.name, "c": c.name, "x": g.n(x), "y": g.n(y), "z": g.n(z)})


@pattern("cmp_chain_total", CMP, CMP, "a chain of relations, then a three-way total",
         gaps=("interleaved", "many_inits"))
def cmp_chain_total(g: Ctx) -> Draft:
    a, b, c = g.people(3)
    t = g.thing(COLLECTIBLES)
    x, f = g.big(3, 30), g.int(2, 5)
    fewer = g.int(1, x * f - 1)
    tr = g.trace("comparison")
    na = tr.init(f"{a.var}.{t.var}", x)
    nb = tr.compute("mul", [na, tr.init("factor", f)])
    nc = tr.compute("sub", [nb, tr.init("fewer", fewer)])
    tr.finish("add", [na, nb, nc])
    return Draft(tr, {"a": a.name, "b": b.name, "c": c.name, **things(t), "x": g.n(x), "times": _times(g, f),
                      "fewer": g.n(fewer)})


@pattern("cmp_how_many_times", CMP, CMP, "the ratio of two amounts")
def cmp_how_many_times(g: Ctx) -> Draft:
    slots, na, nb, _ = _pair(g)
    y, f = g.big(2, 30), g.int(2, 9)
    x = y * f
    tr = g.trace("comparison")
    inits(tr, (na, x), (nb, y))
    tr.finish("div", [na, nb])
    return Draft(tr, {**slots, "x": g.n(x), "y": g.n(y)})
