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

Small counts are read from the question's wording instead, each from a quantity the wording
names and checked against the solution line that uses the count:

* parts of a total: "twice as many A as B ... 180 in total" splits the total into 2 + 1 = 3
  parts (`add [twice, 1]`), "3 times as many" into 4; the question must name a total and the
  solution must write the count as the coefficient of an unknown (`x + 2x = 3x`, `3(trucks)`),
  since a bare `150 / 3` in such a question may divide by three remaining days;
* counting oneself: "Jack and his 4 friends", "herself and her 3 sisters", "Suzie and 5 of her
  friends", "Aku invited 4 friends" are 4 + 1 = 5 people (`add [friends, 1]`); the solution
  line must speak of the people (each, share, person, including ...) or write the sum;
* the share a percent is of the whole: 25% is 100 / 25 = 4 parts (`div [100, pct]`), when the
  solution divides by that count (`200 / 4`) or names the percent on the same line;
* what a percent leaves or adds: "20% off" leaves 1 - 0.2 = 0.8 of the price (`sub [1, rate]`),
  "25% more" is 1 + 0.25 = 1.25 times it (`add [1, rate]`); only for targets that are not whole
  (a whole 60 next to a 40% is as likely minutes as 100 - 40).

Algebra also combines and expands terms in writing. `find_expansion` takes a product only from
an expansion the solution writes, `a(... b ...) = ... target ...` (`Pigs: 2(4+x) = 8+2x` is
`mul [twice, cows]`, `3 * 2x = 6x` is `mul [3, twice]`), a sum only from `a + (b + ...) = target
+ ...`, with at least one operand from the question; `like_terms` takes a sum of
coefficients only from like terms the solution combines, `x + 2x + 4x = 7x` (`add [1, twice, 4]`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from solver import format_number
from solver.constants import CONSTANT_CUES, question_constants

# The counting constants (1 and 2: oneself, a pair) need no cue in the question, so a sum or
# product of constants that lands on one of them means that count ("x + x" is 2 x). Folding to
# a unit constant (1 + 1 + 1 = 3 feet per yard) would name a count after a unit, so it is not done.
COUNTING_CONSTANTS = frozenset(value for value, cue in CONSTANT_CUES.items() if cue is None)


def folds_to(value: Fraction, allowed: frozenset[Fraction]) -> bool:
    """Whether a step on implicit constants alone may become the constant `value`."""
    return value in COUNTING_CONSTANTS and value in allowed


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
    span: tuple[int, int] = (-1, -1)  # for quantities: where the question writes it
    quantity_kind: str = ""  # for quantities: "number", "word", "percent", ...


def unit_named(constant: Fraction, line: str) -> bool:
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
            fits = unit_named(c.value, a.unit) if a.kind == "quantity" else unit_named(c.value, line)
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


MAX_COUNT = Fraction(12)  # the counting shapes below read small counts only
_MULTIPLIER = re.compile(r"twice|double|triple|thrice|quadruple", re.IGNORECASE)
_COMPARISON = re.compile(
    r"\s+(?:times\s+)?(?:as|the|that|what|more|less|fewer|longer|shorter|faster|slower|older|younger|"
    r"bigger|larger|smaller|heavier|higher|its|his|her|their)\b",
    re.IGNORECASE,
)
_TOTAL = re.compile(r"\b(?:total|totals|altogether|combined|together|in all|sum|both)\b", re.IGNORECASE)
_PEOPLE = (
    r"friends?|brothers?|sisters?|siblings?|cousins?|children|kids|sons?|daughters?|classmates?|"
    r"teammates?|co-?workers?|colleagues?|roommates?|guests?|family members?|people|persons?"
)
_AFTER_PEOPLE = re.compile(
    rf"\s+(?:of\s+(?P<poss>his|her|their|my|our)\s+)?(?:[a-z]+\s+)?(?:{_PEOPLE})\b", re.IGNORECASE
)
_BEFORE_SELF = re.compile(
    r"\b(?:(?:and|with)\s+(?:for\s+)?(?P<poss>his|her|their|my|our)?|(?P<host>invit(?:es|ed|ing)))\s*$",
    re.IGNORECASE,
)
_SHARING = re.compile(
    r"\b(?:each|person|persons|people|including|share[sd]?|split|equally|everyone|ways|"
    rf"{_PEOPLE})\b",
    re.IGNORECASE,
)


def _coefficient(target: Fraction, text: str) -> bool:
    """The text writes `target` as the coefficient of an unknown (`3x`, `4*c`, `3(trucks)`),
    not as a factor of a number (`3 x 5`, `3 x $5`)."""
    t = re.escape(str(target))
    return bool(re.search(rf"(?<![\d.,]){t}\s*(?:\*\s*)?(?:\(|[A-Za-z](?![A-Za-z])(?!\s*[\d$.]))", text))


def _like_terms(multiplier: Fraction, text: str) -> bool:
    """The text adds an unknown to its multiple: `x + 2x`, `2C + C`, `c + 3*c`."""
    m = re.escape(str(multiplier))
    term = rf"(?<![\d.]){m}\s*\*?\s*"
    return bool(re.search(rf"\b([A-Za-z])\s*\+\s*{term}\1\b|{term}([A-Za-z])\s*\+\s*\2\b", text))


def _divides_or_scales(target: Fraction, line: str) -> bool:
    """The line divides by `target` or writes it as a coefficient (`180 / 3`, `3x`, `3(`)."""
    t = re.escape(str(target))
    return bool(re.search(rf"(?:/|÷)\s*\(?{t}(?![\d.])|(?<![\d.,]){t}\s*\(?[A-Za-z](?![A-Za-z])", line))


def _is_multiplier(q: Operand, question: str) -> bool:
    """`twice as many`, `3 times as many`, `four times less`: a quantity that compares two parts."""
    start, end = q.span
    text = question[start:end]
    after = question[end:]
    if _MULTIPLIER.fullmatch(text.strip()):
        return bool(_COMPARISON.match(after))
    return bool(re.match(r"\s+times\b", after)) and bool(_COMPARISON.match(after))


def _counts_oneself(q: Operand, question: str) -> bool:
    """`and his 4 friends`, `herself and her 3 sisters`, `and 5 of her friends`."""
    start, end = q.span
    people = _AFTER_PEOPLE.match(question[end:])
    if people is None:
        return False
    sentence_start = max(question.rfind(".", 0, start), question.rfind("?", 0, start)) + 1
    before = _BEFORE_SELF.search(question[sentence_start:start])
    return before is not None and bool(before.group("poss") or people.group("poss") or before.group("host"))


def _about_people(q: Operand, target: Fraction, question: str, line: str) -> bool:
    """The solution line uses the count for the people: it speaks of them (each, share, persons),
    writes the sum (`3+1`), or divides by the count where the question's sentence shares out."""
    if _SHARING.search(line):
        return True
    n, t = re.escape(format_number(q.value)), re.escape(str(target))
    if re.search(rf"(?<![\d.]){n}\s*\+\s*1(?![\d.])|(?<![\d.])1\s*\+\s*{n}(?![\d.])", line):
        return True
    start = max(question.rfind(".", 0, q.span[0]), question.rfind("?", 0, q.span[0])) + 1
    end = min((i for i in (question.find(".", q.span[1]), question.find("?", q.span[1])) if i >= 0), default=len(question))
    return bool(_SHARING.search(question[start:end])) and bool(re.search(rf"(?:/|÷)\s*\(?{t}(?![\d.])", line))


def find_count(
    target: Fraction, operands: list[Operand], question: str, line: str, solution: str = ""
) -> tuple[str, Operand, Operand, str] | None:
    """(op, a, b, why) for a small count the question's wording implies (see the module doc).

    `line` is the solution line that needs the count, `solution` the whole worked solution."""
    if target.denominator != 1 or not 2 < target <= MAX_COUNT:
        return None
    quantities = [o for o in operands if o.kind == "quantity" and o.span[0] >= 0]
    # the constants themselves, even where the question also writes a 1 ("one ticket"): oneself
    # and "per hundred" are the counting facts, not the question's number
    one, hundred = Operand(Fraction(1), "constant", None), Operand(Fraction(100), "constant", None)
    if _coefficient(target, solution or line):
        for q in quantities:
            if q.value + 1 == target and _is_multiplier(q, question) and (
                _TOTAL.search(question) or _like_terms(q.value, solution)
            ):
                return "add", q, one, "parts of a total"
    for q in quantities:
        if q.value + 1 == target and _counts_oneself(q, question) and _about_people(q, target, question, line):
            return "add", q, one, "counting oneself"
    if Fraction(100) in question_constants(question):
        for q in quantities:
            if q.quantity_kind == "percent" and q.value and hundred.value / q.value == target and (
                _divides_or_scales(target, line) or re.search(r"%|percent", line, re.IGNORECASE)
            ):
                return "div", hundred, q, "parts a percent makes of the whole"
    return None


def find_share(target: Fraction, operands: list[Operand], question: str) -> tuple[str, Operand, Operand, str] | None:
    """(op, a, b, why) for what a percent of the question leaves or adds (see the module doc)."""
    percents = [o for o in operands if o.kind == "quantity" and o.quantity_kind == "percent" and 0 < o.value < 100]
    if not percents or Fraction(100) not in question_constants(question):
        return None
    if target.denominator == 1:
        return None
    one = Operand(Fraction(1), "constant", None)
    for q in percents:
        rate = Operand(q.value / 100, "quantity", q.ref, span=q.span, quantity_kind=q.quantity_kind)
        if target == 1 - rate.value:
            return "sub", one, rate, "what a percent leaves"
        if target == 1 + rate.value:
            return "add", one, rate, "a percent added to the whole"
    return None


def find_worded(
    target: Fraction, operands: list[Operand], question: str, line: str, solution: str
) -> tuple[str, Operand, Operand, str] | None:
    """The worded shapes in turn: counts, percent shares, then an expansion the solution writes."""
    found = find_count(target, operands, question, line, solution) or find_share(target, operands, question)
    if found is None:
        expansion = find_expansion(target, operands, solution)
        found = (*expansion, "an expansion the solution writes") if expansion else None
    return found


# `a(... b ...) = ...` and `a + (... b ...) = ...`: the factor or term, the bracket, the right side
_EXPANSION = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(\*|\+)?\s*\(([^()=\n]*)\)\s*=\s*([^=\n]*)")
# `3 * 2x = 6x`, `2*x*2 = 4*x`: a product of two numbers and one unknown, then its coefficient
_SCALED = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)\s*[*×]\s*(?:(\d+(?:\.\d+)?)\s*\*?\s*([A-Za-z])|([A-Za-z])\s*[*×]\s*(\d+(?:\.\d+)?))"
    r"(?![A-Za-z\d])\s*=\s*(\d+(?:\.\d+)?)\s*\*?\s*(?:\3|\4)(?![A-Za-z])"
)
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?")


def _expansions(solution: str) -> list[tuple[str, Fraction, set[Fraction], set[Fraction]]]:
    """(op, outer number, numbers inside, numbers of the result) of each expansion written."""
    out = []
    for m in _EXPANSION.finditer(solution):
        op = "add" if m.group(2) == "+" else "mul"
        inner = {Fraction(n) for n in _NUMBER.findall(m.group(3))}
        out.append((op, Fraction(m.group(1)), inner, {Fraction(n) for n in _NUMBER.findall(m.group(4))}))
    for m in _SCALED.finditer(solution):
        out.append(("mul", Fraction(m.group(1)), {Fraction(m.group(2) or m.group(5))}, {Fraction(m.group(6))}))
    return out


def find_expansion(target: Fraction, operands: list[Operand], solution: str) -> tuple[str, Operand, Operand] | None:
    """(op, a, b) when the solution expands `a(... b ...)` (or `a + (... b ...)`, `a * b x`) into
    terms with `target` among them, `target` being `a * b` (or `a + b`)."""
    by_value: dict[Fraction, Operand] = {}
    for o in operands:  # results first, then quantities, then constants: keep the first
        by_value.setdefault(o.value, o)
    for op, outer, inner, result in _expansions(solution):
        if target not in result:
            continue
        for value in inner:
            a, b = by_value.get(outer), by_value.get(value)
            if a is None or b is None or (a.value * b.value if op == "mul" else a.value + b.value) != target:
                continue
            if a.kind != "constant" or b.kind != "constant":
                return op, a, b
    return None


_LIKE_TARGET = r"=\s*{t}\s*\*?\s*([A-Za-z])(?![A-Za-z])"


def like_terms(target: Fraction, solution: str) -> list[Fraction] | None:
    """The coefficients of `c1 x + c2 x + ... = target x` as the solution writes it (a bare `x`
    is 1), when there are two or more and they add up to `target`; other terms may stand
    between them (`T + 2T + 75 = 3T + 75`), but no term is subtracted."""
    t = re.escape(format_number(target))
    for m in re.finditer(_LIKE_TARGET.format(t=t), solution):
        letter = m.group(1)
        start = max(solution.rfind(c, 0, m.start()) for c in "=\n:")
        left = solution[start + 1 : m.start()]
        if "-" in left or "(" in left:
            continue
        terms = re.findall(rf"(?<![\w.])(\d+(?:\.\d+)?)?\s*\*?\s*{letter}(?![A-Za-z])", left)
        coefficients = [Fraction(c) if c else Fraction(1) for c in terms]
        if len(coefficients) >= 2 and sum(coefficients) == target:
            return coefficients
    return None
