"""Recombined compositions: two sub-traces, each with exactly the shape of a sub-structure a trained
pattern already produces, wired in a way no trained composition wires them.

Three form the held-out "patterns" family (select.HELDOUT_COMPOSITIONS): only the wiring is new, a
division of the result of a transfer then a loss, of more-than then together, or of rate times
hours (select.HELDOUT_WIRINGS).
comp_total_then_tax is trained like any pattern: its pairing, arithmetic -> percentage, is not new
(the trained comp3_games_total has it as its sub1 -> sub2), so it cannot measure a new composition.

    comp_share_after_events  entity_track (et_give_then_lose)  -> arithmetic (prev / groups, as comp_percent_share)
    comp_compare_then_pack   comparison (cmp_more_total)       -> arithmetic (ar_boxes_needed: div, ceil)
    comp_total_then_tax      arithmetic (ar_shopping_total)    -> percentage (percent_increase, as pct_tip_total)
    comp_rate_then_pack      rate_equation (rate_total)        -> arithmetic (exact division, as ar_share_equally)
"""

from __future__ import annotations

import math
from fractions import Fraction

from ..builder import Composition
from ..context import Ctx, Draft
from ..lexicon import COLLECTIBLES, GOODS, MACHINES, SHOPS
from ._common import count_for, need, things, unit_price, who
from ._phrasings import pattern  # each pattern's question templates: phrasings/recombined.json
from ._shapes import after, chain, inits, percent_result
from .comparison import more_than_total
from .composition import C2
from .entity import give_then_lose
from .percentage import _pct

# Containers the products of MACHINES are packed in (products not listed here are not packed).
_CONTAINERS = {
    "widgets": ("box", "crate", "carton"), "loaves": ("crate", "basket", "tray"),
    "bottles": ("crate", "case", "carton"), "flyers": ("bundle", "box"), "parts": ("box", "bin", "crate"),
    "scarves": ("box", "bag"), "planks": ("bundle",), "toys": ("box", "crate", "carton"),
    "newspapers": ("bundle",), "bags of popcorn": ("box", "carton"), "bowls": ("box", "crate"),
    "donuts": ("box", "tray"), "candles": ("box", "carton", "case"), "patches": ("bag", "box", "envelope"),
}
_PACKED = tuple(m for m in MACHINES if m[1] in _CONTAINERS)
_SALES_TAX = (5, 10, 15, 20)  # rates the trained percentage patterns use (pct_increase: 5 to 50)


def _container(g: Ctx, options: tuple[str, ...]) -> dict[str, str]:
    box = g.pick(options)
    return {"box": box, "boxes": box + ("es" if box.endswith("x") else "s")}


def _boxes_needed(c: Composition, per_box: int) -> Fraction:
    """prev into boxes of `per_box`, a part-full box still counting: ar_boxes_needed's div then ceil."""
    s2 = after(c, "arithmetic")
    s2.init("per_box", per_box)
    step = s2.compute("div", ["prev", "per_box"])
    return s2.finish("ceil", [step])


@pattern("comp_share_after_events", "composition", C2,
         "a transfer then a loss tracked, then what is left shared equally", n_experts=2)
def comp_share_after_events(g: Ctx) -> Draft:
    a, b = g.people(2)
    t = g.thing(COLLECTIBLES)
    x, y = g.big(12, 90), g.big(5, 60)
    gift = g.int(2, max(2, min(30, x - 1)))
    k = g.int(2, 8)
    have = y + gift
    # et_give_then_lose's loss range, narrowed to the losses that leave a multiple of k (at least 2 each)
    losses = [n for n in range(1, min(20, have - 1) + 1) if (have - n) % k == 0 and have - n >= 2 * k]
    need(bool(losses), "no loss leaves an equal share")
    lost = g.pick(losses)
    c = Composition()
    give_then_lose(c.sub("entity_track"), f"{a.var}.{t.var}", f"{b.var}.{t.var}", x, y, gift, lost)
    chain(after(c, "arithmetic"), "prev", ("div", ("groups", k)))  # as comp_percent_share
    return Draft(c, {"a": a.name, "b": b.name, "his_a": a.his, "he": b.he, "him": b.him, "his": b.his, **things(t),
                     "x": g.n(x), "y": g.n(y), "gift": g.n(gift), "lost": g.n(lost), "k": g.n(k)})


@pattern("comp_compare_then_pack", "composition", C2,
         "more than, then the total (comparison), then boxes needed for it, rounded up", n_experts=2)
def comp_compare_then_pack(g: Ctx) -> Draft:
    a, b = g.people(2)
    t = g.thing(COLLECTIBLES)
    x, more = g.big(3, 60), g.big(2, 30)
    per_box = g.int(4, 24)
    total = 2 * x + more
    need(total > per_box and total % per_box != 0, "rounding up must matter and take two boxes or more")
    c = Composition()
    more_than_total(c.sub("comparison"), f"{b.var}.{t.var}", x, more)
    _boxes_needed(c, per_box)
    return Draft(c, {"a": a.name, "b": b.name, **things(t), "x": g.n(x), "more": g.n(more), "k": g.n(per_box),
                     **_container(g, ("box", "jar", "tin", "bag"))})


@pattern("comp_total_then_tax", "composition", C2,
         "two kinds of goods, count times price each, summed; then sales tax added", n_experts=2, decimals=True)
def comp_total_then_tax(g: Ctx) -> Draft:
    p = g.person()
    t1, t2 = g.thing(GOODS), g.thing(GOODS)
    rate = Fraction(g.pick(_SALES_TAX))
    p1 = unit_price(g, t1)
    n1 = count_for(g, p1, 2, 9)
    cents = g.decimal()
    # ar_shopping_total's second count and price, drawn among those that make the taxed total
    # whole (integer answers) or at most cents
    options = []
    for whole in range(t2.lo, t2.hi + 1):
        for part in ((1, 2, 3) if cents else (0,)):
            price = whole + Fraction(part, 4)
            for n in range(2, 10):
                if g.exact and (n * price).denominator != 1:
                    continue
                taxed = (n1 * p1 + n * price) * (100 + rate) / 100
                if (taxed if g.exact else taxed * 100).denominator == 1:
                    options.append((n, price))
    need(bool(options), "no second purchase makes the taxed total whole")
    n2, p2 = g.pick(options)
    c = Composition()
    s1 = c.sub("arithmetic")
    inits(s1, ("count1", n1), ("price1", p1), ("count2", n2), ("price2", p2))
    first = s1.compute("mul", ["count1", "price1"])
    second = s1.compute("mul", ["count2", "price2"])
    s1.finish("add", [first, second])
    percent_result(after(c, "percentage"), "percent_increase", "prev", "rate", rate)
    return Draft(c, {**who(p), "items1": t1.plural, "items2": t2.plural, "n1": g.n(n1), "n2": g.n(n2),
                     "p1": g.money(p1), "p2": g.money(p2), "rate": _pct(g, rate), "shop": g.pick(SHOPS)})


@pattern("comp_rate_then_pack", "composition", C2,
         "rate times time, then the output packed into full boxes (exact division)", n_experts=2)
def comp_rate_then_pack(g: Ctx) -> Draft:
    machine, product = g.pick(_PACKED)
    h = g.int(2, 12)
    per_box = g.pick([4, 5, 6, 8, 10, 12, 20, 24])
    r = g.multiple(per_box // math.gcd(per_box, h), 5, 120)  # r * h is then a multiple of per_box
    need(r * h >= 2 * per_box, "fills fewer than two boxes")
    c = Composition()
    chain(c.sub("rate_equation"), ("rate", r), ("mul", ("hours", h)))
    chain(after(c, "arithmetic"), "prev", ("div", ("per_box", per_box)))
    return Draft(c, {"machine": machine, "product": product, "r": g.n(r), "h": g.n(h), "k": g.n(per_box),
                     **_container(g, _CONTAINERS[product])})
