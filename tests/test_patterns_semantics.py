"""Every pattern's answer, recomputed here from the question's own numbers.

The gold answer of a synthetic item is its gold trace executed, so the trace builder and the
solver only check each other's arithmetic, not whether the trace answers the question. Here
each pattern states what its question asks as plain Python over the numbers the question
shows. The numbers are read from the question text: the item's phrasing template (the item
records which one) is turned into a regular expression, so each number is read by its role
(`{price}`, `{rate}`, ...) whatever order the phrasing mentions them in. Nothing here runs the
trace or the pattern's build function.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Callable
from fractions import Fraction

import pytest

from generators import PATTERNS, generate, make_config
from generators.core import wording_of

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_WORDS = {w: i for i, w in enumerate(_ONES)} | {w: 10 * i for i, w in enumerate(_TENS, start=2)}
_FRACTION_WORDS = {"half": Fraction(1, 2), "a third": Fraction(1, 3), "a quarter": Fraction(1, 4)}


def number(text: str) -> Fraction:
    """A number as a question writes it: 12, 1,200, $3.50, twelve, 25% (-> 25), half, twice, 3 times."""
    t = text.strip().lower()
    if t in _FRACTION_WORDS:
        return _FRACTION_WORDS[t]
    if t == "twice":
        return Fraction(2)
    for suffix in (" times", "%", " percent"):
        t = t.removesuffix(suffix)
    t = t.removeprefix("$").replace(",", "")
    if t in _WORDS:
        return Fraction(_WORDS[t])
    if not re.fullmatch(r"\d+(\.\d+)?(/\d+)?", t):
        raise ValueError(f"not a number: {text!r}")
    return Fraction(t)


def _a_an(text: str) -> str:
    # Question text turns "a" into "an" before a vowel; compare both sides without that.
    return re.sub(r"\b([Aa])n\b", r"\1", text)


def read_slots(template: str, question: str) -> dict[str, Fraction | str]:
    """The value of every `{slot}` of `template` in `question`: a Fraction where the text is a
    number, else the text. Capitalised slots (`{He}`) read as their lower-case name."""
    pattern, names = [], []
    for literal, name, _, _ in string.Formatter().parse(re.sub(r"\s+", " ", template).strip()):
        pattern.append(re.escape(_a_an(literal)))
        if name is not None:
            name = name[:1].lower() + name[1:]
            # A slot named twice holds the same text both times (up to a capital letter).
            pattern.append(f"(?P={name})" if name in names else f"(?P<{name}>.*?)")  # a slot may be empty ({s} of "they divide")
            names.append(name)
    m = re.fullmatch("".join(pattern), _a_an(question), re.IGNORECASE | re.DOTALL)
    assert m, f"question does not follow its template\n{template}\n{question}"
    slots: dict[str, Fraction | str] = {}
    for name, text in m.groupdict().items():
        try:
            slots[name] = number(text)
        except ValueError:
            slots[name] = text
    return slots


def listing(text: str) -> list[tuple[Fraction, Fraction]]:
    """(count, price) pairs of "3 pens at $2 each, 4 cups at $1.50 each and ..."."""
    pairs = re.findall(r"(?:^|, | and )(\S+) [^$]*? at (\$[\d,.]*\d) each", text)
    assert pairs, text
    return [(number(n), number(p)) for n, p in pairs]


_GAIN = ("finds", "gets", "bought")
_LOSS = ("loses", "gives away", "traded away")


def events(text: str) -> list[Fraction]:
    """Signed changes of "On Monday he finds 5 more. On Tuesday he loses 2. ..."."""
    changes = []
    for sentence in re.split(r"(?<=\.) ", text.strip()):
        gain, loss = any(w in sentence for w in _GAIN), any(w in sentence for w in _LOSS)
        assert gain != loss, sentence
        amounts = [n for n in map(_try_number, sentence.rstrip(".").split()) if n is not None]
        assert len(amounts) == 1, sentence
        changes.append(amounts[0] if gain else -amounts[0])
    return changes


def _try_number(word: str) -> Fraction | None:
    try:
        return number(word)
    except ValueError:
        return None


_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october"]
_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
_PERIODS = {w: i for names in (_MONTHS, _ORDINALS) for i, w in enumerate(names, start=1)}


def _growth(s) -> Fraction:
    # first, first + more, first + 2*more, ... over k periods
    k = _PERIODS[s["last"].lower()]
    return k * s["first"] + s["more"] * k * (k - 1) / 2


def _off(price, rate):
    return price * (100 - rate) / 100


def _up(price, rate):
    return price * (100 + rate) / 100


def _of(base, rate):
    return base * rate / 100


# What each question asks, from the numbers it shows (slot name -> value).
SEMANTICS: dict[str, Callable[[dict], Fraction]] = {
    # arithmetic, sequential
    "ar_shopping_total": lambda s: s["n1"] * s["p1"] + s["n2"] * s["p2"],
    "ar_change_due": lambda s: s["paid"] - s["n"] * s["price"],
    "ar_boxes_needed": lambda s: math.ceil(s["n"] / s["per_box"]),
    "ar_share_equally": lambda s: (s["a"] + s["b"]) / s["k"],
    "ar_average": lambda s: (s["s1"] + s["s2"] + s["s3"]) / s["k"],
    "ar_fraction_left": lambda s: s["money"] - s["money"] * s["frac"],
    "ar_dozen_cost": lambda s: s["price"] * s["n"] / 12,
    "ar_cents_to_dollars": lambda s: s["cents"] * s["n"] / 100,
    "ar_leftover_groups": lambda s: s["n"] % s["k"],
    "ar_sum_then_subtract": lambda s: s["a"] + s["b"] + s["c"] - s["d"],
    # arithmetic, long chains
    "al_shopping_list": lambda s: sum(n * p for n, p in listing(s["listing"])),
    "al_savings_growth": _growth,
    "al_harvest_sales": lambda s: (s["a"] * s["b"] * s["c"] - s["bad"]) / s["per"] * s["price"],
    # arithmetic, interleaved
    "ai_nested_groups": lambda s: s["a"] * s["b"] * s["c"],
    "ai_feed_remaining": lambda s: s["n"] * s["cups"] - s["morning"] - s["afternoon"],
    "ai_cost_change": lambda s: s["paid"] - s["n"] * s["price"] - s["extra"],
    "ai_fraction_then_half": lambda s: s["money"] * (1 - s["frac"]) / 2,
    "ai_pack_leftovers": lambda s: (s["n"] - s["eaten"]) / s["per_bag"],
    "ai_add_then_multiply": lambda s: (s["a"] + s["b"]) * s["k"],
    "ai_broken_jars": lambda s: s["a"] * s["b"] * s["c"] - s["broken"],
    "ai_decimal_weight": lambda s: s["w"] * s["bags"] - s["used"],
    # comparison
    "cmp_times_more": lambda s: s["x"] * s["times"] - s["x"],
    "cmp_sum_difference": lambda s: (s["total"] + s["more"]) / 2,
    "cmp_more_total": lambda s: s["x"] + (s["x"] + s["more"]),
    "cmp_fewer_total": lambda s: s["x"] + (s["x"] - s["fewer"]),
    "cmp_half_as_many": lambda s: s["x"] - s["x"] / 2,
    "cmp_range": lambda s: max(s["x"], s["y"], s["z"]) - min(s["x"], s["y"], s["z"]),
    "cmp_chain_total": lambda s: s["x"] + s["x"] * s["times"] + (s["x"] * s["times"] - s["fewer"]),
    "cmp_how_many_times": lambda s: s["x"] / s["y"],
    # entity tracking
    "et_sell_leftovers": lambda s: (s["n"] - s["eaten"] - s["given"]) * s["price"],
    "et_give_then_lose": lambda s: s["y"] + s["gift"] - s["lost"],
    "et_transfer_difference": lambda s: (s["x"] - s["gift"]) - (s["y"] + s["gift"]),
    "et_buy_packs": lambda s: s["n"] + s["packs"] * s["per_pack"] - s["given"],
    "et_weekly_use": lambda s: s["n"] - s["per_day"] * 7 * s["weeks"],
    "et_dozens_bought": lambda s: s["n"] + 12 * s["dozens"] - s["used"],
    "et_give_half": lambda s: s["y"] + s["x"] * s["frac"],
    "et_running_balance": lambda s: s["n"] + sum(events(s["events"])),
    # percentage
    "pct_of": lambda s: _of(s["n"], s["rate"]),
    "pct_off": lambda s: _off(s["price"], s["rate"]),
    "pct_increase": lambda s: _up(s["price"], s["rate"]),
    "pct_remaining": lambda s: _off(s["n"], s["rate"]),
    "pct_tip_total": lambda s: _up(s["price"], s["rate"]),
    "pct_discount_amount": lambda s: _of(s["price"], s["rate"]),
    "pct_what_percent": lambda s: s["part"] / s["total"] * 100,
    "pct_two_changes": lambda s: _off(_up(s["price"], s["up"]), s["down"]),
    "pct_commission": lambda s: s["base"] + _of(s["sales"], s["rate"]),
    # rates
    "rate_total": lambda s: s["r"] * s["h"],
    "rate_distance": lambda s: s["s"] * s["h"],
    "rate_time": lambda s: s["d"] / s["s"],
    "rate_unit_price": lambda s: s["cost"] / s["n"] * s["m"],
    "rate_combined": lambda s: (s["r1"] + s["r2"]) * s["t"],
    "rate_weeks": lambda s: s["r"] * 7 * s["w"],
    "rate_minutes_hours": lambda s: s["r"] * 60 * s["h"],
    "rate_work_left": lambda s: s["total"] - s["r"] * s["d"],
    "rate_fill_time": lambda s: (s["cap"] - s["have"]) / s["r"],
    "rate_wage_days": lambda s: s["wage"] * s["h"] * s["d"],
    "rate_months_years": lambda s: s["r"] * 12 * s["y"],
    "rate_hours_days": lambda s: s["r"] * 24 * s["d"],
    # two experts
    "comp_sale_quantity": lambda s: _off(s["price"], s["rate"]) * s["n"],
    "comp_flip_profit": lambda s: _of(s["price"], s["rate"]) - s["repairs"],
    "comp_wage_tax": lambda s: _off(s["wage"] * s["h"], s["rate"]),
    "comp_together_percent": lambda s: _of(2 * s["x"] + s["more"], s["rate"]),
    "comp_leftover_percent": lambda s: _of(s["n"] - s["given"] - s["lost"], s["rate"]),
    "comp_distance_compare": lambda s: s["s"] * s["h"] - s["d"],
    "comp_percent_share": lambda s: _of(s["money"], s["rate"]) / s["k"],
    # two experts, recombined (held-out pairings)
    "comp_share_after_events": lambda s: (s["y"] + s["gift"] - s["lost"]) / s["k"],
    "comp_compare_then_pack": lambda s: math.ceil((s["x"] + (s["x"] + s["more"])) / s["k"]),
    "comp_total_then_tax": lambda s: _up(s["n1"] * s["p1"] + s["n2"] * s["p2"], s["rate"]),
    "comp_rate_then_pack": lambda s: s["r"] * s["h"] / s["k"],
    # two experts, trained pairings (pairings_a)
    "comp_events_then_compare": lambda s: 2 * (s["y"] + s["gift"] - s["lost"]) + s["more"],
    "comp_total_then_compare": lambda s: 2 * (s["n1"] * s["p1"] + s["n2"] * s["p2"]) + s["more"],
    "comp_total_then_share": lambda s: (s["n1"] * s["p1"] + s["n2"] * s["p2"]) / s["k"],
    # two experts, trained pairings (pairings_b)
    "comp_rate_then_events": lambda s: s["x"] + s["r"] * s["h"] - s["z"],
    "comp_percent_then_events": lambda s: s["x"] + _of(s["n"], s["rate"]) - s["z"],
    "comp_compare_then_events": lambda s: s["x"] + (s["x"] + s["more"]) + s["y"] - s["z"],
    # three experts
    "comp3_wage_tax_goal": lambda s: s["goal"] - _off(s["wage"] * s["h"], s["rate"]),
    "comp3_games_total": lambda s: s["a"] + s["b"] * s["c"] + _up(s["b"] * s["c"], s["rate"]),
    "comp3_compare_donate_share": lambda s: _of(2 * s["x"] + s["more"], s["rate"]) / s["k"],
    "comp3_discount_change": lambda s: s["paid"] - _off(s["n"] * s["price"], s["rate"]),
}

# The composition grid (patterns/grid.py): what each head counts, then what each tail does to that count.
_GRID_HEADS = {
    "events": lambda s: s["y"] + s["gift"] - s["lost"],  # B's, after A gives and B loses
    "stock": lambda s: s["x"] + s["y"] - s["z"],
    "compare": lambda s: 2 * s["x"] + s["more"],          # B's x and A's x + more, together
    "fewer": lambda s: 2 * s["x"] - s["fewer"],
    "rate": lambda s: s["r"] * s["h"],
    "team": lambda s: (s["r1"] + s["r2"]) * s["h"],
    "sum": lambda s: s["x"] + s["y"],
    "left": lambda s: s["x"] - s["y"],
    "groups": lambda s: s["x"] * s["y"],
    "pct": lambda s: _of(s["n"], s["rate"]),
}
_GRID_TAILS = {
    "share": lambda v, s: v / s["k"],
    "boxes": lambda v, s: math.ceil(v / s["k"]),
    "sell": lambda v, s: v * s["price"],
    "minus": lambda v, s: v - s["gone"],
    "percent": lambda v, s: _of(v, s["part_rate"]),
    "compare": lambda v, s: 2 * v + s["more_c"],           # C has v + more: both together
    "events": lambda v, s: s["had"] + v - s["gone"],      # C had some, gets v, loses some
}
_GRID_HELD_OUT = {(h, t) for h in ("events", "compare", "rate") for t in ("share", "boxes")}
SEMANTICS.update({
    f"grid_{h}_{t}": (lambda s, h=h, t=t: _GRID_TAILS[t](_GRID_HEADS[h](s), s))
    for h in _GRID_HEADS for t in _GRID_TAILS if (h, t) not in _GRID_HELD_OUT
})

# Distractor sentences add numbers that answer nothing; every other knob is exercised.
CONFIGS = (
    dict(n=20, seed=1234, distractors=0.0, number_words=0.0),
    dict(n=10, seed=99, distractors=0.0, number_words=1.0, thousands_separators=1.0, decimals=1.0,
         integer_answers=False),
    dict(n=10, seed=7, preset="hard", distractors=0.0),
)


def test_every_pattern_has_a_semantic_check():
    assert set(SEMANTICS) == set(PATTERNS)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_answer_means_what_the_question_asks(name):
    for cfg in CONFIGS:
        config = make_config(**{k: v for k, v in cfg.items() if k not in ("n", "seed")}, patterns=[name])
        for i, p in enumerate(generate(patterns=[name], **cfg)):
            template = wording_of(cfg["seed"], i, config).text  # the template text with every choice made
            slots = read_slots(template, p.question)
            assert Fraction(p.answer) == SEMANTICS[name](slots), (p.question, p.answer, slots)


def test_reading_by_role_not_by_order():
    # The reader maps numbers to slots by the template, so a phrasing that names the price
    # before the count still gives each number its role.
    slots = read_slots("{n} {items} cost {price} each, {He} pays {paid}.",
                       "Twelve red pens cost $1,250.50 each, She pays 25 percent.")
    assert slots == {"n": 12, "items": "red pens", "price": Fraction(2501, 2), "he": "She", "paid": 25}
    assert read_slots("An {item} is {frac} off {times}.", "An apple is a third off twice.") == \
        {"item": "apple", "frac": Fraction(1, 3), "times": 2}
    assert events("On Monday he finds 5 more. He traded away twelve cards on Tuesday.") == [5, -12]
    assert listing("3 pens at $2 each, four cups at $1.50 each and 10 paint brushes at $7 each") == \
        [(3, 2), (4, Fraction(3, 2)), (10, 7)]
