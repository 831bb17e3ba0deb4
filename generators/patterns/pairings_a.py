"""Trained compositions in pairings that teach "composition" as a general construction: two
sub-traces, each with exactly the shape of a sub-structure a trained pattern already produces,
the second reading the first's result as `prev`.

    comp_events_then_compare  entity_track (et_give_then_lose)  -> comparison (cmp_more_total on prev)
    comp_total_then_compare   arithmetic (ar_shopping_total)    -> comparison (cmp_more_total on prev)
    comp_total_then_share     arithmetic (ar_shopping_total)    -> arithmetic (prev / groups, as comp_percent_share)
"""

from __future__ import annotations

from fractions import Fraction

from ..builder import Composition, TraceBuilder
from ..context import Ctx, Draft
from ..lexicon import COLLECTIBLES, GOODS, SHOPS
from ._common import count_for, need, things, unit_price, who
from ._phrasings import pattern  # each pattern's question templates: phrasings/pairings_a.json
from ._shapes import after, chain, inits
from .composition import C2
from .entity import give_then_lose


def _shopping_total(c: Composition, n1: int, p1: Fraction, n2: int, p2: Fraction) -> Fraction:
    """ar_shopping_total's steps: every init, both products, their sum (queried)."""
    s1 = c.sub("arithmetic")
    inits(s1, ("count1", n1), ("price1", p1), ("count2", n2), ("price2", p2))
    first = s1.compute("mul", ["count1", "price1"])
    second = s1.compute("mul", ["count2", "price2"])
    return s1.finish("add", [first, second])


def _more_than_prev_total(tr: TraceBuilder, more: int) -> Fraction:
    """comparison.more_than_total with the first amount being `prev`: prev, prev + more, their sum."""
    return chain(tr, "prev", ("add", ("more", more)), ("add", "prev"))


def _shopping(g: Ctx) -> tuple[dict[str, str], int, Fraction, int, Fraction]:
    """ar_shopping_total's person, goods, prices and counts (and its slots)."""
    p = g.person()
    t1, t2 = g.thing(GOODS), g.thing(GOODS)
    p1, p2 = unit_price(g, t1), unit_price(g, t2)
    n1, n2 = count_for(g, p1, 2, 9), count_for(g, p2, 2, 9)
    slots = {**who(p), "items1": t1.plural, "items2": t2.plural, "n1": g.n(n1), "n2": g.n(n2),
             "p1": g.money(p1), "p2": g.money(p2), "shop": g.pick(SHOPS)}
    return slots, n1, p1, n2, p2


@pattern("comp_events_then_compare", "composition", C2,
         "a transfer then a loss tracked, then someone has more than that: the two together", n_experts=2)
def comp_events_then_compare(g: Ctx) -> Draft:
    a, b, d = g.people(3)
    t = g.thing(COLLECTIBLES)
    x, y = g.big(12, 90), g.big(5, 60)
    gift = g.int(2, max(2, min(30, x - 1)))
    lost = g.int(1, min(20, y + gift - 1))  # et_give_then_lose's numbers
    more = g.big(2, 30)
    c = Composition()
    give_then_lose(c.sub("entity_track"), f"{a.var}.{t.var}", f"{b.var}.{t.var}", x, y, gift, lost)
    _more_than_prev_total(after(c, "comparison"), more)
    return Draft(c, {"a": a.name, "b": b.name, "c": d.name, "his_a": a.his, "he": b.he, "him": b.him,
                     "his": b.his, **things(t), "x": g.n(x), "y": g.n(y), "gift": g.n(gift), "lost": g.n(lost),
                     "more": g.n(more)})


@pattern("comp_total_then_compare", "composition", C2,
         "two kinds of goods, count times price each, summed; then someone spends more: the two together",
         n_experts=2, decimals=True)
def comp_total_then_compare(g: Ctx) -> Draft:
    slots, n1, p1, n2, p2 = _shopping(g)
    friend = g.person()
    more = g.int(2, 40)
    c = Composition()
    _shopping_total(c, n1, p1, n2, p2)
    _more_than_prev_total(after(c, "comparison"), more)
    return Draft(c, {**slots, "friend": friend.name, "more": g.money(more)})


@pattern("comp_total_then_share", "composition", C2,
         "two kinds of goods, count times price each, summed; then the bill split equally (exact division)",
         n_experts=2, decimals=True)
def comp_total_then_share(g: Ctx) -> Draft:
    slots, n1, p1, n2, p2 = _shopping(g)
    total = n1 * p1 + n2 * p2
    # groups (three or more: "{name} and {his} friends") that share the bill exactly (whole dollars, or whole cents without integer answers)
    ks = [k for k in range(3, 9) if ((total / k) if g.exact else (total * 100 / k)).denominator == 1]
    need(bool(ks), "no group size shares the bill exactly")
    k = g.pick(ks)
    c = Composition()
    _shopping_total(c, n1, p1, n2, p2)
    chain(after(c, "arithmetic"), "prev", ("div", ("groups", k)))  # as comp_percent_share
    return Draft(c, {**slots, "k": g.n(k)})
