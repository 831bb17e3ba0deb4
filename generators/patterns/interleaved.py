"""Interleaved arithmetic patterns: new quantities appear between computes ((init|compute)+).

The seed found 40% of GSM8K problems introduce a number mid-computation; these patterns
teach the model to decide at each step whether to extract a value or combine existing ones.
"""

from __future__ import annotations

from fractions import Fraction

from ..context import Ctx, Draft
from ..lexicon import ANIMALS, BAKED, GOODS
from ..registry import pattern
from ._common import count_for, need, unit_price, who
from ._shapes import chain

INT = "arithmetic_interleaved"

# (outer, middle, inner) nouns for nested groups, one triple per phrasing.
_NESTS = (("rooms", "shelves", "books"), ("floors", "rows", "cars"), ("rows", "trees", "apples"))


@pattern("ai_nested_groups", "arithmetic", INT, [
    "A library has {a} rooms. Each room has {b} shelves, and each shelf holds {c} books. How many books "
    "does the library hold?",
    "A parking garage has {a} floors. There are {b} rows on every floor, and {c} cars fit in each row. How "
    "many cars can the garage hold?",
    "An orchard is planted in {a} rows with {b} trees in every row. Each tree gives {c} apples. How many "
    "apples does the orchard give?",
], "groups of groups: multiply, then multiply again", gaps=("interleaved",))
def ai_nested_groups(g: Ctx) -> Draft:
    outer, middle, inner = _NESTS[g.phrasing % len(_NESTS)]
    a, b, c = g.int(2, 12), g.int(2, 15), g.big(3, 40)
    tr = g.trace("arithmetic")
    chain(tr, (outer, a), ("mul", (middle, b)), ("mul", (inner, c)))
    return Draft(tr, {"a": g.n(a), "b": g.n(b), "c": g.n(c)})


@pattern("ai_feed_remaining", "arithmetic", INT, [
    "{name} gives each of {his} {n} {animals} {cups} cups of feed a day. {He} gives {morning} cups in the "
    "morning and {afternoon} cups in the afternoon. How many cups must {he} give in the evening?",
    "Each of the {n} {animals} on {name}'s farm needs {cups} scoops of grain daily. The morning feeding "
    "used {morning} scoops and the midday one used {afternoon}. How many scoops are still needed today?",
    "{name} looks after {n} {animals}, and every one of them eats {cups} carrots a day. So far today {he} "
    "has handed out {morning} carrots before noon and {afternoon} after noon. How many more carrots does "
    "{he} need to hand out?",
], "a daily total from a product, minus two partial amounts", gaps=("interleaved", "many_inits"))
def ai_feed_remaining(g: Ctx) -> Draft:
    p, t = g.person(), g.thing(ANIMALS)
    n, cups = g.int(3, 30), g.int(2, 6)
    total = n * cups
    morning = g.int(1, total - 2)
    afternoon = g.int(1, total - morning - 1)
    tr = g.trace("arithmetic")
    tr.init(t.var, n)
    daily = tr.compute("mul", [t.var, tr.init("per_animal", cups)])
    tr.init("morning", morning)
    given = tr.compute("add", ["morning", tr.init("afternoon", afternoon)])
    tr.finish("sub", [daily, given])
    return Draft(tr, {**who(p), "animals": t.plural, "n": g.n(n), "cups": g.n(cups), "morning": g.n(morning),
                      "afternoon": g.n(afternoon)})


@pattern("ai_cost_change", "arithmetic", INT, [
    "{name} buys {n} {items} at {price} each and a {extra_item} for {extra}. {He} pays with {paid}. How "
    "much change does {he} get?",
    "At the {shop}, {n} {items} cost {price} apiece and a {extra_item} costs {extra}. {name} buys them all "
    "and hands over {paid}. How much money comes back?",
    "{name} picks {n} {items} priced at {price} each, then adds one {extra_item} at {extra}. If {he} pays "
    "with {paid}, what is {his} change?",
], "count times price, plus one more item, taken from the payment", decimals=True,
    gaps=("interleaved", "many_inits", "decimals"))
def ai_cost_change(g: Ctx) -> Draft:
    p = g.person()
    t, x = g.thing(GOODS), g.thing(GOODS)
    price = unit_price(g, t)
    # With whole answers only the counted price may carry cents (count makes it whole).
    extra = g.price(x) if g.exact else unit_price(g, x)
    n = count_for(g, price, 2, 8)
    cost = n * price + extra
    paid = next(b for b in (20, 50, 100, 200, 500, 1000, 5000, 10000, 50000, 100000, 500000) if b > cost)
    tr = g.trace("arithmetic")
    tr.init("count", n)
    step = tr.compute("mul", ["count", tr.init("price", price)])
    total = tr.compute("add", [step, tr.init("extra", extra)])
    tr.finish("sub", [tr.init("paid", paid), total])
    return Draft(tr, {**who(p), "items": t.plural, "extra_item": x.singular, "n": g.n(n), "price": g.money(price),
                      "extra": g.money(extra), "paid": g.money(paid), "shop": g.pick(("store", "market", "shop"))})


@pattern("ai_fraction_then_half", "arithmetic", INT, [
    "{name} has {money}. {He} spends {frac} of it on books and then half of what is left on lunch. How much "
    "money does {he} have now?",
    "A prize of {money} is won by {name}. {He} gives {frac} of it to charity, and then saves half of the "
    "rest. How much is left to spend?",
    "{name}'s savings were {money}. First {frac} of the savings went to a bike repair, then half of the "
    "remaining amount went to a gift. How many dollars are left?",
], "spend a fraction, then half of the remainder", gaps=("interleaved", "fractions"))
def ai_fraction_then_half(g: Ctx) -> Draft:
    p = g.person()
    frac = g.pick([Fraction(1, 3), Fraction(1, 4), Fraction(1, 5), Fraction(2, 5), Fraction(3, 4), Fraction(2, 3)])
    money = g.multiple(frac.denominator * 2, 20, 600)
    tr = g.trace("arithmetic")
    tr.init("money", money)
    spent = tr.compute("mul", ["money", tr.init("fraction", frac)])
    rest = tr.compute("sub", ["money", spent])
    second = tr.compute("mul", [rest, tr.init("half", Fraction(1, 2))])
    tr.finish("sub", [rest, second])
    return Draft(tr, {**who(p), "money": g.money(money), "frac": g.frac(frac)})


@pattern("ai_pack_leftovers", "arithmetic", INT, [
    "{name} bakes {n} {items}. {He} eats {eaten} and packs the rest into bags of {per_bag}. How many bags "
    "does {he} fill?",
    "A tray holds {n} {items}. After {eaten} are set aside for tasting, the others are boxed {per_bag} to a "
    "box. How many boxes are filled?",
    "{name} made {n} {items} for a fair, kept {eaten} for {his} family, and wrapped the remaining ones in "
    "packs of {per_bag}. How many packs did {he} wrap?",
], "take some away, then split the rest into equal groups", gaps=("interleaved",))
def ai_pack_leftovers(g: Ctx) -> Draft:
    p, t = g.person(), g.thing(BAKED)
    per_bag = g.int(2, 12)
    bags = g.int(2, 20)
    eaten = g.int(1, 12)
    n = per_bag * bags + eaten
    tr = g.trace("arithmetic")
    chain(tr, (t.var, n), ("sub", ("eaten", eaten)), ("div", ("per_bag", per_bag)))
    return Draft(tr, {**who(p), "items": t.plural, "n": g.n(n), "eaten": g.n(eaten), "per_bag": g.n(per_bag)})


@pattern("ai_add_then_multiply", "arithmetic", INT, [
    "{name} puts {a} red balloons and {b} blue balloons on each table. There are {k} tables at the party. "
    "How many balloons does {he} use?",
    "Every gift bag gets {a} pencils and {b} erasers. {name} is making {k} gift bags. How many items go into "
    "the bags in total?",
    "Each shelf in {name}'s shop holds {a} large jars and {b} small jars. The shop has {k} shelves. How many "
    "jars are there altogether?",
], "a per-group sum, times the number of groups", gaps=("interleaved",))
def ai_add_then_multiply(g: Ctx) -> Draft:
    p = g.person()
    a, b, k = g.int(2, 15), g.int(2, 15), g.big(3, 40)
    tr = g.trace("arithmetic")
    chain(tr, ("first", a), ("add", ("second", b)), ("mul", ("groups", k)))
    return Draft(tr, {**who(p), "a": g.n(a), "b": g.n(b), "k": g.n(k)})


@pattern("ai_broken_jars", "arithmetic", INT, [
    "A shop orders {a} crates. Each crate has {b} boxes, and each box has {c} jars. {broken} jars arrive "
    "broken. How many jars are in good shape?",
    "A truck carries {a} pallets with {b} cartons on each pallet and {c} bottles in each carton. During the "
    "trip {broken} bottles crack. How many bottles are still whole?",
    "{a} cases of light bulbs arrive, each with {b} packs of {c} bulbs. {broken} bulbs do not work. How "
    "many working bulbs arrived?",
], "nested groups, then some removed", gaps=("interleaved", "many_inits"))
def ai_broken_jars(g: Ctx) -> Draft:
    a, b, c = g.int(2, 12), g.int(2, 10), g.int(2, 24)
    broken = g.int(2, min(60, a * b * c - 1))
    tr = g.trace("arithmetic")
    chain(tr, ("crates", a), ("mul", ("boxes", b)), ("mul", ("per_box", c)), ("sub", ("broken", broken)))
    return Draft(tr, {"a": g.n(a), "b": g.n(b), "c": g.n(c), "broken": g.n(broken)})


@pattern("ai_decimal_weight", "arithmetic", INT, [
    "Each bag of flour weighs {w} kilograms. A baker buys {bags} bags and uses {used} kilograms in a week. "
    "How many kilograms of flour are left?",
    "A bottle holds {w} liters of juice. {name} buys {bags} bottles and pours out {used} liters for a party. "
    "How many liters of juice remain?",
    "One roll of ribbon is {w} meters long. {name} has {bags} rolls and cuts off {used} meters for gifts. "
    "How many meters of ribbon are left?",
], "a decimal unit size times a count, minus an amount used", gaps=("interleaved", "decimals"))
def ai_decimal_weight(g: Ctx) -> Draft:
    p = g.person()
    w = g.pick([Fraction(3, 2), Fraction(5, 2), Fraction(7, 2), Fraction(5, 4), Fraction(9, 4), Fraction(3, 4)])
    bags = w.denominator * g.int(1, 16 // w.denominator)
    total = w * bags
    need(total >= 3, "too little")
    used = g.int(2, int(total) - 1)
    tr = g.trace("arithmetic")
    chain(tr, ("size", w), ("mul", ("count", bags)), ("sub", ("used", used)))
    return Draft(tr, {**who(p), "w": g.dec(w), "bags": g.n(bags), "used": g.n(used)})
