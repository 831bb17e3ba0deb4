"""Long arithmetic chains (8+ steps); two of them grow with Difficulty.chain_length."""

from __future__ import annotations

from ..context import Ctx, Draft
from ..lexicon import GOODS
from ._common import count_for, need, unit_price, who
from ._phrasings import pattern  # each pattern's question templates: phrasings.json, under its name
from ._shapes import chain, inits

LONG = "arithmetic_long"


def _listing(parts: list[str]) -> str:
    return ", ".join(parts[:-1]) + " and " + parts[-1]


@pattern("al_shopping_list", "arithmetic", LONG,
         "several goods, each count times price, all summed (length follows chain_length)", decimals=True,
         variable_length=True, gaps=("long", "interleaved", "many_inits"))
def al_shopping_list(g: Ctx) -> Draft:
    p = g.person()
    k = max(3, min(6, g.int(*g.diff.chain_length)))
    tr = g.trace("arithmetic")
    parts, products = [], []
    for i in range(1, k + 1):
        t = g.thing(GOODS)
        price = unit_price(g, t)
        n = count_for(g, price, 2, 9)
        tr.init(f"count{i}", n)
        products.append(tr.compute("mul", [f"count{i}", tr.init(f"price{i}", price)]))
        parts.append(f"{g.n(n)} {t.plural} at {g.money(price)} each")
    tr.finish("add", products)
    return Draft(tr, {**who(p), "listing": _listing(parts)})


@pattern("al_savings_growth", "arithmetic", LONG,
         "an amount that grows by a fixed step, summed over k periods (k follows chain_length)",
         variable_length=True, gaps=("long",))
def al_savings_growth(g: Ctx) -> Draft:
    p = g.person()
    k = max(5, min(10, g.int(*g.diff.chain_length) + 2))
    first, more = g.big(5, 60), g.int(2, 15)
    tr = g.trace("arithmetic")
    inits(tr, ("first", first), ("more", more))
    terms = ["first"]
    for _ in range(k - 1):
        terms.append(tr.compute("add", [terms[-1], "more"]))
    tr.finish("add", terms)
    # The period count is named (a month, an ordinal), never a bare number: the trace length
    # depends on it, and a masked number must not decide a question's structure.
    money = g.phrasing == 0
    last = (_MONTHS if money else _ORDINALS)[k - 1]
    return Draft(tr, {**who(p), "first": g.money(first) if money else g.n(first),
                      "more": g.money(more) if money else g.n(more), "last": last})


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]
_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]


# (outer, unit, item, bad-verb, pack) nouns per phrasing.
_PIPES = (("rows", "trees", "apples"), ("coops", "hens", "eggs"), ("classes", "students", "cookies"))


@pattern("al_harvest_sales", "arithmetic", LONG,
         "nested counts, minus losses, packed, priced (a fixed 12-step chain)",
         gaps=("long", "interleaved", "many_inits"))
def al_harvest_sales(g: Ctx) -> Draft:
    outer, unit, item = _PIPES[g.phrasing % len(_PIPES)]
    a, b, c = g.int(2, 10), g.int(3, 12), g.int(2, 12)
    per = g.int(2, 12)
    total = a * b * c
    bad = (total % per) + per * g.int(0, max(0, min(5, total // per - 2)))
    need(0 < bad < total, "nothing thrown away or nothing left")
    price = g.big(2, 9)
    tr = g.trace("arithmetic")
    chain(tr, (outer, a), ("mul", (unit, b)), ("mul", (f"{item}_each", c)), ("sub", ("bad", bad)),
          ("div", ("per_pack", per)), ("mul", ("price", price)))
    return Draft(tr, {"a": g.n(a), "b": g.n(b), "c": g.n(c), "bad": g.n(bad), "per": g.n(per),
                      "price": g.money(price)})
