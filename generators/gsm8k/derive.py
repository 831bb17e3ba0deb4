"""Conservative reconstruction of a number the solution computed without writing the arithmetic.

GSM8K solutions sometimes state a value in prose ("Two hours are 120 minutes", "Together they
pack 90 boxes an hour"). Searching every pair of known values for such a number finds the
right step, but also coincidences (`1 = 3 - 2`, `32 = 20 + 12`), so only three shapes are tried:

* unit conversion: a quantity or result times / divided by an implicit constant (not 2), when the
  unit fits (`60` needs "hour", "minute" or "second"): a quantity's own unit word must fit; for
  a result, the solution line must name such a unit;
* ratio of like quantities: two question quantities followed by the same unit word
  (`6 hours` / `2 hours` = 3);
* sum or difference, for targets above 10 only (small numbers are mostly world facts such as
  4 weeks a month or 5 cents a nickel, which no search should invent): the most recent result
  plus / minus a question quantity or an earlier result (no constants), and only when both
  operands are written in the solution line before the equation (`$900 - ($250 + $350)`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

MIN_TARGET = Fraction(10)
UNIT_WORDS = {
    3: r"yard|feet|foot|triplet|tricycle|triangle",
    4: r"month|week|quarter|gallon|quart|square|rectangle|side",
    5: r"nickel|weekday|work ?day|school ?day",
    7: r"week|day",
    10: r"dime|decade|year",
    12: r"dozen|month|year|inch|foot|feet",
    16: r"pound|ounce|\blbs?\b",
    24: r"day|hour",
    25: r"quarter|cent",
    30: r"month|day",
    36: r"yard|inch",
    52: r"week|year",
    60: r"hour|minute|second",
    100: r"percent|%|cents?\b|centimet|\bcm\b|\bmeters?\b|\bmetres?\b|centur",
    128: r"gallon|ounce",
    365: r"day|year",
    1000: r"gram|kilo|\bkg\b|met(?:er|re)|lit(?:er|re)|\bml\b|\bkm\b",
}


@dataclass(frozen=True)
class Operand:
    value: Fraction
    kind: str  # "result" | "quantity" | "constant"
    ref: Any  # node id for results, quantity index for quantities
    recent: bool = False  # the most recent result
    unit: str = ""  # for quantities: the word after the number, singular


def _unit_named(constant: Fraction, line: str) -> bool:
    pattern = UNIT_WORDS.get(int(constant)) if constant.denominator == 1 else None
    return bool(pattern and re.search(pattern, line, re.IGNORECASE))


def _written(value: Fraction, text: str) -> bool:
    for m in re.finditer(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+", text):
        if Fraction(m.group().replace(",", "")) == value:
            return True
    return False


def find_derivation(
    target: Fraction, operands: list[Operand], line: str, before: str = ""
) -> tuple[str, Operand, Operand] | None:
    """(op, a, b) with `a op b == target` under the rules above, or None.

    `line` is the solution line of the equation that needs `target`; `before` the part of that
    line in front of the equation.
    """
    others = [o for o in operands if o.kind != "constant" and o.value > 0]
    for c in (o for o in operands if o.kind == "constant" and o.value != 2):
        for a in others:
            fits = _unit_named(c.value, a.unit) if a.kind == "quantity" else _unit_named(c.value, line)
            if fits and a.value * c.value == target:
                return "mul", a, c
            if fits and a.value / c.value == target:
                return "div", a, c
    quantities = [o for o in others if o.kind == "quantity" and o.unit]
    for a in quantities:
        for b in quantities:
            if a is not b and a.unit == b.unit and a.value / b.value == target:
                return "div", a, b
    if target <= MIN_TARGET:
        return None
    for r in (o for o in others if o.recent and _written(o.value, before)):
        for b in others:
            if b is r or not _written(b.value, before):
                continue
            if r.value + b.value == target:
                return "add", r, b
            if r.value - b.value == target:
                return "sub", r, b
            if b.value - r.value == target:
                return "sub", b, r
    return None
