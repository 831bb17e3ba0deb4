"""The composition grid: every first sub-structure ("head") wired to every second one ("tail"),
except the wirings held out as the "patterns" family.

A hand-written composition comes with its own pairing, so a model can learn which second
sub-trace follows which first one and never read the end of the question (before the grid it
appended comparison to every entity_track head of the held-out compositions). Here each head
is followed by several tails and each tail follows several heads, so the second sub-trace is
decided by the question's last sentences alone: the factorised decision a held-out wiring needs.

Every head and tail has exactly the shape of a sub-structure a trained pattern already produces:

    heads (their result is a count of {items})
      events   entity_track   A gives B some, then B loses some: what B has (et_give_then_lose)
      stock    entity_track   a holder gets some, then loses some (comp_rate_then_events's second)
      compare  comparison     B has x, A has `more` more: together (cmp_more_total)
      fewer    comparison     B has x, A has `fewer` fewer: together (cmp_fewer_total)
      rate     rate_equation  r per hour for h hours (rate_total)
      team     rate_equation  two machines' rates added, times hours (rate_combined)
      sum      arithmetic     x, then y more (a two-number sum)
      left     arithmetic     x, less y (a two-number difference)
      groups   arithmetic     x containers of y (a product)
      pct      percentage     rate% of n (pct_of)
    tails (on `prev`, the head's result)
      share    arithmetic     prev / k, exact (comp_percent_share's second sub-trace)
      boxes    arithmetic     prev / k, rounded up (ar_boxes_needed)
      sell     arithmetic     prev * price (comp_sale_quantity's second sub-trace)
      minus    arithmetic     prev - some
      percent  percentage     rate% of prev (comp_together_percent's second sub-trace)
      compare  comparison     prev, prev + more, their sum (comp_events_then_compare's)
      events   entity_track   a holder with some gets prev, then loses some (comp_rate_then_events's)

`select.HELDOUT_WIRINGS` are the held-out compositions' (select.HELDOUT_COMPOSITIONS): a
division tail (share, boxes) after the events, compare or rate head. No cell has one, so the
family stays a test of sub-structures no training stage wired together. Everything around
those cells is trained: the same heads with the other five tails, and the division tails
after the other heads of the same experts (stock, fewer, team) and after the rest.

The wording of each head is the pool `grid_head_<name>` in phrasings/grid.json; each tail has
three pools `grid_tail_<name>_<k>`. A cell's three templates are its head's pool followed by
each of them (the third, as any pattern's last, is held out of training). The tail names the
head's result with the head's noun phrase ({np}, drawn here with the rest of the render). A
fourth template in one sentence ("If <head clause>, and <tail clause>, how many ...?") was tried
and dropped: the held-out compositions fell in both runs that had it (BENCHMARKS.md, "the
composition grid").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from ..builder import Composition, TraceBuilder
from ..context import Ctx, Draft
from ..lexicon import COLLECTIBLES, MACHINES
from ..select import HELDOUT_WIRINGS
from ._common import need, things, who
from ._phrasings import pattern  # each cell's template: phrasings/grid.json
from ._shapes import after, chain, gain_then_loss, percent_result
from .comparison import fewer_than_total, more_than_total
from .composition import C2
from .entity import give_then_lose
from .percentage import _pct

_RATES = (10, 20, 25, 40, 50, 60, 75, 80)
_CONTAINERS = (("bag", "bags"), ("jar", "jars"), ("tin", "tins"), ("pack", "packs"))
_BOXES = (("box", "boxes"), ("crate", "crates"), ("carton", "cartons"), ("case", "cases"))
# Products of MACHINES that read as countable things one shares, packs, sells or loses.
_PRODUCTS = tuple(m for m in MACHINES if m[1] in {
    "widgets", "loaves", "bottles", "flyers", "parts", "scarves", "toys", "bowls", "candles", "donuts", "labels"})


def _actor(subject: str, plural: bool = False, obj: str | None = None) -> dict[str, str]:
    """Slots a tail uses to name who acts on the head's result in the active voice, with the verb
    agreeing: {subj} {s} ("Jonah divides", "they divide"), {does}, and {obj} ("than them")."""
    return {"subj": subject, "s": "" if plural else "s", "does": "do" if plural else "does", "obj": obj or subject}


@dataclass(frozen=True)
class Part:
    """A head (builds the first sub-trace: its result and slots) or a tail (builds the second on `prev`)."""

    name: str
    expert: str
    build: Callable
    ops: tuple[str, ...]  # its operations in order (a head's and a tail's first: select.HELDOUT_WIRINGS)


def _head_events(g: Ctx, c: Composition) -> tuple[Fraction, dict[str, str]]:
    a, b = g.people(2)
    t = g.thing(COLLECTIBLES)
    x, y = g.big(12, 90), g.big(5, 60)
    gift = g.int(2, max(2, min(30, x - 1)))
    lost = g.int(1, min(20, y + gift - 1))
    give_then_lose(c.sub("entity_track"), f"{a.var}.{t.var}", f"{b.var}.{t.var}", x, y, gift, lost)
    np = g.pick((f"the {t.plural} {b.he} has left", f"{b.his} remaining {t.plural}",
                 f"the {t.plural} {b.he} still has"))
    return c.result(1), {"a": a.name, "b": b.name, "his_a": a.his, "his": b.his, **things(t), "x": g.n(x),
                         "y": g.n(y), "gift": g.n(gift), "lost": g.n(lost), "np": np,
                         **_actor(b.name)}


def _head_compare(g: Ctx, c: Composition) -> tuple[Fraction, dict[str, str]]:
    a, b = g.people(2)
    t = g.thing(COLLECTIBLES)
    x, more = g.big(3, 60), g.big(2, 30)
    more_than_total(c.sub("comparison"), f"{b.var}.{t.var}", x, more)
    np = g.pick((f"their {t.plural}", f"all of their {t.plural}", f"the {t.plural} they have together"))
    return c.result(1), {"a": a.name, "b": b.name, **things(t), "x": g.n(x), "more": g.n(more), "np": np,
                         **_actor("they", plural=True, obj="them")}


def _head_stock(g: Ctx, c: Composition) -> tuple[Fraction, dict[str, str]]:
    p = g.person()
    t = g.thing(COLLECTIBLES)
    x, y = g.big(5, 80), g.big(5, 60)
    z = g.int(1, min(40, x + y - 2))
    gain_then_loss(c.sub("entity_track"), t.var, x, ("got", y), ("lost", z))
    np = g.pick((f"the {t.plural} {p.he} has now", f"all of {p.his} {t.plural}", f"the {t.plural} {p.he} still has"))
    return c.result(1), {**who(p), **things(t), "x": g.n(x), "y": g.n(y), "z": g.n(z), "np": np,
                         **_actor(p.name)}


def _head_fewer(g: Ctx, c: Composition) -> tuple[Fraction, dict[str, str]]:
    a, b = g.people(2)
    t = g.thing(COLLECTIBLES)
    x = g.big(10, 80)
    fewer = g.int(1, x - 1)
    fewer_than_total(c.sub("comparison"), f"{b.var}.{t.var}", x, fewer)
    np = g.pick((f"their {t.plural}", f"all of their {t.plural}", f"the {t.plural} they have together"))
    return c.result(1), {"a": a.name, "b": b.name, **things(t), "x": g.n(x), "fewer": g.n(fewer), "np": np,
                         **_actor("they", plural=True, obj="them")}


def _head_team(g: Ctx, c: Composition) -> tuple[Fraction, dict[str, str]]:
    machine, product = g.pick(_PRODUCTS)
    r1, r2, h = g.big(5, 60), g.big(5, 60), g.int(2, 12)
    chain(c.sub("rate_equation"), ("rate1", r1), ("add", ("rate2", r2)), ("mul", ("hours", h)))
    np = g.pick((f"the {product} they make", f"all of those {product}", f"the {product} from both"))
    owner = g.pick(("the owner", "the manager", "the shop"))
    return c.result(1), {"machine": machine, "items": product, "r1": g.n(r1), "r2": g.n(r2), "h": g.n(h),
                         "np": np, **_actor(owner)}


def _head_rate(g: Ctx, c: Composition) -> tuple[Fraction, dict[str, str]]:
    machine, product = g.pick(_PRODUCTS)
    r, h = g.big(5, 120), g.int(2, 12)
    chain(c.sub("rate_equation"), ("rate", r), ("mul", ("hours", h)))
    np = g.pick((f"the {product} it makes", f"all of those {product}", f"the {product} from that run"))
    owner = g.pick(("the owner", "the manager", "the shop"))
    return c.result(1), {"machine": machine, "items": product, "r": g.n(r), "h": g.n(h), "np": np,
                         **_actor(owner)}


def _head_sum(g: Ctx, c: Composition) -> tuple[Fraction, dict[str, str]]:
    p = g.person()
    t = g.thing(COLLECTIBLES)
    x, y = g.big(5, 80), g.big(5, 80)
    chain(c.sub("arithmetic"), ("first", x), ("add", ("second", y)))
    np = g.pick((f"all of {p.his} {t.plural}", f"the {t.plural} {p.he} has now", f"these {t.plural}"))
    return c.result(1), {**who(p), **things(t), "x": g.n(x), "y": g.n(y), "np": np, **_actor(p.name)}


def _head_left(g: Ctx, c: Composition) -> tuple[Fraction, dict[str, str]]:
    p = g.person()
    t = g.thing(COLLECTIBLES)
    x = g.big(20, 120)
    y = g.int(2, x // 2)
    chain(c.sub("arithmetic"), ("start", x), ("sub", ("used", y)))
    np = g.pick((f"the {t.plural} {p.he} has left", f"the rest of {p.his} {t.plural}",
                 f"the remaining {t.plural}"))
    return c.result(1), {**who(p), **things(t), "x": g.n(x), "y": g.n(y), "np": np, **_actor(p.name)}


def _head_groups(g: Ctx, c: Composition) -> tuple[Fraction, dict[str, str]]:
    p = g.person()
    t = g.thing(COLLECTIBLES)
    bag, bags = g.pick(_CONTAINERS)
    x, y = g.int(2, 12), g.int(3, 25)
    chain(c.sub("arithmetic"), ("containers", x), ("mul", ("each", y)))
    np = g.pick((f"all the {t.plural}", f"the {t.plural} from the {bags}", f"all of {p.his} {t.plural}"))
    return c.result(1), {**who(p), **things(t), "bag": bag, "bags": bags, "x": g.n(x), "y": g.n(y), "np": np,
                         **_actor(p.name)}


def _head_pct(g: Ctx, c: Composition) -> tuple[Fraction, dict[str, str]]:
    p = g.person()
    t = g.thing(COLLECTIBLES)
    rate = Fraction(g.pick(_RATES))
    n = g.multiple((rate / 100).denominator, 20, 200)  # counts: rate% of n is whole
    percent_result(c.sub("percentage"), "percent_of", ("collection", n), "rate", rate)
    np = g.pick((f"the {t.plural} {p.he} picked out", f"the chosen {t.plural}", f"those {t.plural}"))
    return c.result(1), {**who(p), **things(t), "n": g.n(n), "rate": _pct(g, rate), "np": np,
                         **_actor(p.name)}


def _tail_share(g: Ctx, tr: TraceBuilder, prev: Fraction) -> dict[str, str]:
    ks = [k for k in range(2, 10) if prev % k == 0 and prev // k >= 2]
    need(bool(ks), "no group size shares the result exactly")
    k = g.pick(ks)
    chain(tr, "prev", ("div", ("groups", k)))
    return {"k": g.n(k)}


def _tail_boxes(g: Ctx, tr: TraceBuilder, prev: Fraction) -> dict[str, str]:
    ks = [k for k in range(4, 25) if prev % k != 0 and prev > k]
    need(bool(ks), "rounding up must matter and take two boxes or more")
    k = g.pick(ks)
    tr.init("per_box", k)
    tr.finish("ceil", [tr.compute("div", ["prev", "per_box"])])
    box, boxes = g.pick(_BOXES)
    return {"k": g.n(k), "box": box, "boxes": boxes}


def _tail_sell(g: Ctx, tr: TraceBuilder, prev: Fraction) -> dict[str, str]:
    price = g.int(2, 15)
    chain(tr, "prev", ("mul", ("price", price)))
    return {"price": g.money(price)}


def _tail_minus(g: Ctx, tr: TraceBuilder, prev: Fraction) -> dict[str, str]:
    need(prev >= 4, "too few to take some away")
    gone = g.int(1, min(40, int(prev) - 2))
    chain(tr, "prev", ("sub", ("gone", gone)))
    return {"gone": g.n(gone)}


def _tail_percent(g: Ctx, tr: TraceBuilder, prev: Fraction) -> dict[str, str]:
    rates = [r for r in _RATES if (prev * r / 100).denominator == 1]
    need(bool(rates), "no rate gives a whole count")
    rate = Fraction(g.pick(rates))
    percent_result(tr, "percent_of", "prev", "rate", rate)
    return {"part_rate": _pct(g, rate)}


def _tail_compare(g: Ctx, tr: TraceBuilder, prev: Fraction) -> dict[str, str]:
    other = g.person()
    more = g.big(2, 30)
    chain(tr, "prev", ("add", ("more", more)), ("add", "prev"))
    return {"c": other.name, "more_c": g.n(more)}


def _tail_events(g: Ctx, tr: TraceBuilder, prev: Fraction) -> dict[str, str]:
    other = g.person()
    had = g.big(5, 80)
    gone = g.int(2, min(40, int(had + prev) - 1))
    gain_then_loss(tr, "holder", had, "prev", ("gone", gone))
    return {"c": other.name, "had": g.n(had), "gone": g.n(gone)}


HEADS = (
    Part("events", "entity_track", _head_events, ("transfer", "consume")),
    Part("stock", "entity_track", _head_stock, ("add_entity", "consume")),
    Part("compare", "comparison", _head_compare, ("add", "add")),
    Part("fewer", "comparison", _head_fewer, ("sub", "add")),
    Part("rate", "rate_equation", _head_rate, ("mul",)),
    Part("team", "rate_equation", _head_team, ("add", "mul")),
    Part("sum", "arithmetic", _head_sum, ("add",)),
    Part("left", "arithmetic", _head_left, ("sub",)),
    Part("groups", "arithmetic", _head_groups, ("mul",)),
    Part("pct", "percentage", _head_pct, ("percent_of",)),
)
TAILS = (
    Part("share", "arithmetic", _tail_share, ("div",)),
    Part("boxes", "arithmetic", _tail_boxes, ("div", "ceil")),
    Part("sell", "arithmetic", _tail_sell, ("mul",)),
    Part("minus", "arithmetic", _tail_minus, ("sub",)),
    Part("percent", "percentage", _tail_percent, ("percent_of",)),
    Part("compare", "comparison", _tail_compare, ("add", "add")),
    Part("events", "entity_track", _tail_events, ("add_entity", "consume")),
)
CELLS = tuple((h, t) for h in HEADS for t in TAILS if (h.expert, h.ops, t.ops[0]) not in HELDOUT_WIRINGS)


def cell_name(head: Part, tail: Part) -> str:
    return f"grid_{head.name}_{tail.name}"


def _cell(head: Part, tail: Part) -> Callable[[Ctx], Draft]:
    def build_cell(g: Ctx) -> Draft:
        c = Composition()
        prev, slots = head.build(g, c)
        extra = tail.build(g, after(c, tail.expert), prev)
        return Draft(c, {**slots, **extra})

    build_cell.__name__ = cell_name(head, tail)
    return build_cell


for _head, _tail in CELLS:
    pattern(cell_name(_head, _tail), "composition", C2,
            f"{_head.name} ({_head.expert}) then {_tail.name} ({_tail.expert}): a composition-grid cell",
            n_experts=2)(_cell(_head, _tail))
