"""entity_track patterns: possessions that change hands, get used up, or grow."""

from __future__ import annotations

from fractions import Fraction

from ..builder import TraceBuilder
from ..context import Ctx, Draft
from ..lexicon import BAKED, COLLECTIBLES, FOODS
from ._common import count_for, need, things, unit_price, who
from ._phrasings import pattern  # each pattern's question templates: phrasings.json, under its name
from ._shapes import inits


@pattern("et_sell_leftovers", "entity_track", "entity_track", "start, consume twice, sell the rest",
         decimals=True, gaps=("interleaved", "many_inits"))
def et_sell_leftovers(g: Ctx) -> Draft:
    p, t = g.person(), g.thing(BAKED)
    price = unit_price(g, t)
    left = count_for(g, price, 4, 40)
    eaten, given = g.int(2, 9), g.int(2, 12)
    n = left + eaten + given
    tr = g.trace("entity_track")
    tr.init(t.var, n)
    tr.consume(t.var, tr.init("eaten", eaten))
    tr.consume(t.var, tr.init("given", given))
    tr.finish("mul", [t.var, tr.init("price", price)])
    return Draft(tr, {**who(p), **things(t), "n": g.n(n), "eaten": g.n(eaten), "given": g.n(given),
                      "price": g.money(price)})


def give_then_lose(tr: TraceBuilder, na: str, nb: str, x: int, y: int, gift: int, lost: int) -> None:
    """A holds x, B holds y; A gives B `gift`, then B loses `lost`; query what B holds. The shape of
    et_give_then_lose, which compositions reuse as their entity_track sub-trace."""
    inits(tr, (na, x), (nb, y))
    tr.transfer(na, nb, tr.init("gift", gift))
    tr.consume(nb, tr.init("lost", lost))
    tr.query(nb)


@pattern("et_give_then_lose", "entity_track", "entity_track",
         "transfer between two people, then one loses some", gaps=("many_inits",))
def et_give_then_lose(g: Ctx) -> Draft:
    a, b = g.people(2)
    t = g.thing(COLLECTIBLES)
    x, y = g.big(12, 90), g.big(5, 60)
    gift = g.int(2, max(2, min(30, x - 1)))
    lost = g.int(1, min(20, y + gift - 1))
    tr = g.trace("entity_track")
    give_then_lose(tr, f"{a.var}.{t.var}", f"{b.var}.{t.var}", x, y, gift, lost)
    return Draft(tr, {"a": a.name, "b": b.name, "his_a": a.his, **things(t), "x": g.n(x), "y": g.n(y),
                      "gift": g.n(gift), "lost": g.n(lost)})


@pattern("et_transfer_difference", "entity_track", "entity_track", "transfer, then compare the two holdings")
def et_transfer_difference(g: Ctx) -> Draft:
    a, b = g.people(2)
    t = g.thing(COLLECTIBLES)
    y = g.big(3, 40)
    gift = g.int(2, 12)
    x = y + 2 * gift + g.big(1, 40)
    na, nb = f"{a.var}.{t.var}", f"{b.var}.{t.var}"
    tr = g.trace("entity_track")
    inits(tr, (na, x), (nb, y))
    tr.transfer(na, nb, tr.init("gift", gift))
    tr.finish("sub", [na, nb])
    return Draft(tr, {"a": a.name, "b": b.name, **things(t), "x": g.n(x), "y": g.n(y), "gift": g.n(gift)})


@pattern("et_buy_packs", "entity_track", "entity_track", "buy several packs, then give some away",
         gaps=("interleaved", "many_inits"))
def et_buy_packs(g: Ctx) -> Draft:
    p, t = g.person(), g.thing(COLLECTIBLES)
    n, packs, per_pack = g.big(5, 80), g.int(2, 9), g.int(3, 12)
    given = g.int(2, min(40, n + packs * per_pack - 1))
    tr = g.trace("entity_track")
    inits(tr, (t.var, n), ("packs", packs))
    tr.add_entity(t.var, tr.compute("mul", ["packs", tr.init("per_pack", per_pack)]))
    tr.consume(t.var, tr.init("given", given))
    tr.query(t.var)
    return Draft(tr, {**who(p), **things(t), "n": g.n(n), "packs": g.n(packs), "per_pack": g.n(per_pack),
                      "given": g.n(given)})


@pattern("et_weekly_use", "entity_track", "entity_track",
         "daily use over whole weeks (7 days a week is implicit)", gaps=("constants",))
def et_weekly_use(g: Ctx) -> Draft:
    p, t = g.person(), g.thing(FOODS)
    per_day, weeks = g.int(1, 6), g.int(2, 4)
    n = per_day * weeks * 7 + g.big(1, 40)
    tr = g.trace("entity_track")
    inits(tr, (t.var, n), ("per_day", per_day), ("weeks", weeks))
    step = tr.compute("mul", ["per_day", 7])
    tr.consume(t.var, tr.compute("mul", [step, "weeks"]))
    tr.query(t.var)
    return Draft(tr, {**who(p), **things(t), "n": g.n(n), "per_day": g.n(per_day), "weeks": g.n(weeks)})


@pattern("et_dozens_bought", "entity_track", "entity_track",
         "add whole dozens (12 is implicit), then use some", gaps=("constants",))
def et_dozens_bought(g: Ctx) -> Draft:
    p = g.person()
    n, dozens = g.int(2, 20), g.int(2, 8)
    used = g.int(3, n + dozens * 12 - 1)
    tr = g.trace("entity_track")
    inits(tr, ("eggs", n), ("dozens", dozens))
    tr.add_entity("eggs", tr.compute("mul", ["dozens", 12]))
    tr.consume("eggs", tr.init("used", used))
    tr.query("eggs")
    return Draft(tr, {**who(p), "n": g.n(n), "dozens": g.n(dozens), "used": g.n(used)})


@pattern("et_give_half", "entity_track", "entity_track", "give a fraction of one's things to someone",
         gaps=("fractions",))
def et_give_half(g: Ctx) -> Draft:
    a, b = g.people(2)
    t = g.thing(COLLECTIBLES)
    frac = g.pick([Fraction(1, 2), Fraction(1, 3), Fraction(1, 4), Fraction(2, 3), Fraction(3, 4)])
    x = g.multiple(frac.denominator, 6, 90)
    y = g.big(2, 50)
    na, nb = f"{a.var}.{t.var}", f"{b.var}.{t.var}"
    tr = g.trace("entity_track")
    inits(tr, (na, x), (nb, y))
    tr.transfer(na, nb, tr.compute("mul", [na, tr.init("fraction", frac)]))
    tr.query(nb)
    need(x * frac > 0, "empty gift")
    return Draft(tr, {"a": a.name, "b": b.name, "his_a": a.his, **things(t), "x": g.n(x), "y": g.n(y),
                      "frac": g.frac(frac)})


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Event sentences per tense (gain forms, loss forms), one drawn per event with the render RNG.
# Slots {day} {n} {items} {he} {He} {his}. Present for phrasings 0 and 1, past for phrasing 2 (its
# question is in the past). Each sentence holds one number and one of the verbs finds/gets/bought
# (a gain) or loses/gives away/traded away (a loss); a loss says "of {his} {items}" (it may be 1).
_EVENTS = (
    (("On {day} {he} finds {n} more.", "On {day}, {he} finds {n} more {items}.",
      "{He} finds {n} more {items} on {day}.", "On {day} {he} gets {n} more {items}.",
      "On {day}, {he} gets {n} new {items} from {his} friends.", "{He} gets {n} more {items} on {day}."),
     ("On {day} {he} loses {n} of {his} {items}.", "On {day}, {he} loses {n} of {his} {items}.",
      "{He} loses {n} of {his} {items} on {day}.", "On {day} {he} gives away {n} of {his} {items}.",
      "{He} gives away {n} of {his} {items} on {day}.", "On {day}, {he} gives away {n} of {his} {items} to friends.")),
    (("{He} bought {n} {items} on {day}.", "On {day}, {he} bought {n} more {items}.",
      "On {day} {he} bought another {n} {items}.", "{He} bought {n} more {items} on {day}."),
     ("{He} traded away {n} of {his} {items} on {day}.", "On {day}, {he} traded away {n} of {his} {items}.",
      "On {day} {he} traded away {n} of {his} {items}.", "{He} traded away {n} of {his} {items} to a friend on {day}.")),
)


@pattern("et_running_balance", "entity_track", "entity_track",
         "a week of gains and losses (length follows chain_length)", variable_length=True,
         gaps=("long", "interleaved"))
def et_running_balance(g: Ctx) -> Draft:
    p, t = g.person(), g.thing(COLLECTIBLES)
    k = min(g.int(*g.diff.chain_length), len(_DAYS))
    n = g.big(10, 60)
    tr = g.trace("entity_track")
    tr.init(t.var, n)
    gain_texts, loss_texts = _EVENTS[1 if g.phrasing == 2 else 0]
    sentences = []
    for day in _DAYS[:k]:
        have = tr.value(t.var)
        gain = have < 4 or g.chance(0.5)
        amount = g.int(2, 15) if gain else g.int(1, min(15, int(have) - 1))
        var = tr.init(day.lower(), amount)
        (tr.add_entity if gain else tr.consume)(t.var, var)
        text = g.render_rng.choice(gain_texts if gain else loss_texts)
        sentences.append(text.format(day=day, n=g.n(amount), items=t.plural, he=p.he, He=p.he.capitalize(),
                                     his=p.his))
    tr.query(t.var)
    return Draft(tr, {**who(p), **things(t), "n": g.n(n), "events": " ".join(sentences)})
