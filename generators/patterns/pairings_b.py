"""Trained compositions whose second sub-trace is entity_track: pairings that no other trained
composition has, so that composition is learnt as chaining any two experts' sub-traces.

Each sub-trace has exactly the shape of a sub-structure a trained pattern already produces; the
second reads the first one's result as `prev` (its first step, as in every composition).

    comp_rate_then_events     rate_equation (rate_total: rate * hours)
                              -> entity_track (a holder with x gets prev, then uses some: the
                                 add_entity / consume steps of et_buy_packs and et_dozens_bought)
    comp_percent_then_events  percentage (pct_of: rate% of a base)
                              -> entity_track (the same: a holder with x gets prev, then loses some)
    comp_compare_then_events  comparison (cmp_more_total: B has x, A has `more` more, together)
                              -> entity_track (prev is the holder's start, then a gain and a loss:
                                 et_running_balance over two days)
"""

from __future__ import annotations

from fractions import Fraction

from ..builder import Composition
from ..context import Ctx, Draft
from ..lexicon import CLUBS, COLLECTIBLES, MACHINES
from ._common import need, things, who
from ._phrasings import pattern  # each pattern's question templates: phrasings/pairings_b.json
from ._shapes import after, chain, gain_then_loss, percent_result
from .comparison import more_than_total
from .composition import C2
from .percentage import _base_for, _pct

# Products that someone who runs the machine keeps in stock and sells.
_STOCKED = tuple(m for m in MACHINES if m[1] not in ("pages", "copies", "cars", "meals", "flyers", "newspapers", "pizzas",
                                                              "donuts"))
_SHARE_RATES = (10, 20, 25, 30, 40, 50, 60, 75, 80)


def _gain_then_loss(c: Composition, holder: str, x: int, loss_name: str, loss: int) -> Fraction:
    """prev; a holder that had x gets prev, then loses `loss`: how many the holder has now."""
    return gain_then_loss(after(c, "entity_track"), holder, x, "prev", (loss_name, loss))


@pattern("comp_rate_then_events", "composition", C2,
         "rate times time (rate_equation), then that output added to a stock and some sold (entity_track)",
         n_experts=2)
def comp_rate_then_events(g: Ctx) -> Draft:
    p = g.person()
    machine, product = g.pick(_STOCKED)
    r, h = g.big(5, 120), g.int(2, 12)  # rate_total's numbers
    x = g.big(5, 80)
    z = g.int(2, x + r * h - 1)
    var = product.replace(" ", "_")
    c = Composition()
    chain(c.sub("rate_equation"), ("rate", r), ("mul", ("hours", h)))
    _gain_then_loss(c, var, x, "sold", z)
    return Draft(c, {**who(p), "machine": machine, "product": product, "r": g.n(r), "h": g.n(h), "x": g.n(x),
                     "z": g.n(z)})


@pattern("comp_percent_then_events", "composition", C2,
         "a percent of a collection given to someone (percentage), who had some and then loses some (entity_track)",
         n_experts=2)
def comp_percent_then_events(g: Ctx) -> Draft:
    a, b = g.people(2)
    t = g.thing(COLLECTIBLES)
    rate = Fraction(g.pick(_SHARE_RATES))
    n = _base_for(g, rate, 20, 200)
    x = g.big(5, 80)
    got = n * rate / 100
    have = x + got
    need(have > 3, "too few to lose some")
    z = g.int(2, min(40, int(have) - 1))
    c = Composition()
    percent_result(c.sub("percentage"), "percent_of", (f"{b.var}.{t.var}", n), "rate", rate)
    _gain_then_loss(c, f"{a.var}.{t.var}", x, "lost", z)
    return Draft(c, {"a": a.name, "b": b.name, "he": a.he, "He": a.he.capitalize(), "his": a.his,
                     "his_b": b.his, **things(t), "n": g.n(n), "rate": _pct(g, rate), "x": g.n(x), "z": g.n(z)})


@pattern("comp_compare_then_events", "composition", C2,
         "more than, then the total (comparison), then that pooled total gains some and gives some away "
         "(entity_track)", n_experts=2)
def comp_compare_then_events(g: Ctx) -> Draft:
    a, b = g.people(2)
    t = g.thing(COLLECTIBLES)
    x, more = g.big(3, 60), g.big(2, 30)  # cmp_more_total's numbers
    y = g.big(2, 40)
    z = g.int(2, min(60, 2 * x + more + y - 1))
    c = Composition()
    more_than_total(c.sub("comparison"), f"{b.var}.{t.var}", x, more)
    s2 = after(c, "entity_track")  # the pooled total is the holder: et_running_balance's gain, then loss
    s2.add_entity("prev", s2.init("donated", y))
    s2.consume("prev", s2.init("given", z))
    s2.query("prev")
    return Draft(c, {"a": a.name, "b": b.name, **things(t), "x": g.n(x), "more": g.n(more), "y": g.n(y),
                     "z": g.n(z), "club": g.pick(CLUBS), "box": g.pick(("box", "jar", "bin", "tub", "crate"))})
