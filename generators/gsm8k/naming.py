"""Grounded variable names: a short word taken from the text around a number.

Hybrid naming (the seed experiment's best setting): inits get a semantic name read from the
question (`eggs`, `price_per_hour`), intermediates get scaffolding names (`step1`, `result`).
"""

from __future__ import annotations

import re
from fractions import Fraction

_STOP_WORDS = (
    """a an the of more less fewer times than per each every his her their its my your our and or to
    for in on at with by as is are was were be been being that this these those other another new old
    big small large extra total all some only just about over under same different which who whom what
    how many much if then so but it he she they we you i me him them us there here one ones also still
    already again now later first second third last next few several most least up down out off into
    from after before during while when until since both either neither not no yes do does did has
    have had will would can could should may might must shall get gets got make makes made take takes
    took give gives gave buy buys bought sell sells sold pay pays paid cost costs spend spends spent
    earn earns earned save saves saved want wants need needs use uses used than half twice full
    whole remaining rest left another additional respectively altogether together around nearly
    almost exactly least dollars dollar worth value"""
)
_STOP = frozenset(_STOP_WORDS.split())
_MULTIPLIER_TEXT = (
    "half twice double triple thrice quadruple third quarter fourth fifth sixth seventh eighth ninth "
    "tenth dozen hundred thousand"
)
_MULTIPLIER_WORDS = frozenset(_MULTIPLIER_TEXT.split())
_RATE_WORDS = frozenset({"a", "an", "per", "each", "every"})
_RESERVED = re.compile(r"^(?:step\d+|result|prev|sub\d+|sum)$")
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
_CLAUSE_END = re.compile(r"[.?!;:\n]")
MAX_NAME = 20


def _words_after(text: str, end: int, limit: int = 4) -> list[str]:
    stop = _CLAUSE_END.search(text, end)
    span = text[end : stop.start() if stop else len(text)]
    return [w.lower() for w in _WORD.findall(span)][:limit]


def _words_before(text: str, start: int, limit: int = 4) -> list[str]:
    head = text[:start]
    cut = max((m.end() for m in _CLAUSE_END.finditer(head)), default=0)
    return [w.lower() for w in _WORD.findall(head[cut:])][-limit:]


def unit_word(question: str, end: int) -> str:
    """The word right after a number, singular (`6 hours` -> `hour`); empty when none follows."""
    m = re.match(r"[ -](?:(?:a|an|of|the) )?([A-Za-z]{2,})", question[end:])
    if not m:
        return ""
    word = m.group(1).lower()
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _clean(word: str) -> str:
    word = re.sub(r"[^a-z_]", "", word.lower().replace("'", ""))
    return word[:MAX_NAME].strip("_")


def _first_content(words: list[str]) -> str | None:
    for word in words:
        if word not in _STOP and len(word) > 1:
            return word
    return None


def quantity_name(question: str, text: str, start: int, end: int, kind: str) -> str:
    """A base name for the quantity `text` found at question[start:end]."""
    lowered = text.lower().strip()
    for word in _WORD.findall(lowered):
        stem = re.sub(r"(?:d|s|ds)$", "", word) if word.startswith(("doubl", "tripl", "quadrupl")) else word
        if stem in _MULTIPLIER_WORDS and kind in ("word", "fraction"):
            return _clean(stem)
    after = _words_after(question, end)
    before = _words_before(question, start)
    if kind == "money":
        if after and after[0] in _RATE_WORDS and len(after) > 1 and after[1] not in _STOP:
            return _clean(f"per_{after[1]}")
        noun = _first_content(after) or _first_content(list(reversed(before)))
        return _clean(f"{noun}_cost") if noun else "dollars"
    noun = _first_content(after) or _first_content(list(reversed(before)))
    base = _clean(noun) if noun else "num"
    if kind == "percent":
        return f"{base}_pct" if noun else "pct"
    return base or "num"


def part_name(base: str, text: str, part: Fraction, whole: Fraction) -> str:
    """Name for a number a quantity grounds besides its value (`4 dozen` -> 12, `2/3` -> 3)."""
    for word, size in (("dozen", 12), ("thousand", 1000), ("million", 10**6), ("billion", 10**9)):
        if word in text.lower():
            return word if part == size else base  # `4 dozen`: 12 is the dozen, 4 the count
    if whole.denominator != 1 and part == whole.denominator:
        return f"{base}_den"
    if whole.denominator != 1 and part == whole.numerator:
        return f"{base}_num"
    return f"{base}_part"


# (value, context pattern or None, name): the first entry whose pattern the context matches wins.
_CONSTANT_NAMES: tuple[tuple[Fraction, str | None, str], ...] = (
    (Fraction(1), None, "one"),
    (Fraction(2), None, "two"),
    (Fraction(3), r"\byards?", "feet_per_yard"),
    (Fraction(3), r"\btriplets", "triplets"),
    (Fraction(3), r"\btricycles?", "wheels_per_tricycle"),
    (Fraction(3), r"\btriangles?", "sides_per_triangle"),
    (Fraction(4), r"\bquarters?\b", "quarters_per_dollar"),
    (Fraction(4), r"\bgallons?|\bquarts?", "quarts_per_gallon"),
    (Fraction(4), r"\bsquares?|\brectangles?", "sides_per_square"),
    (Fraction(4), r"\bmonths?", "weeks_per_month"),
    (Fraction(5), r"\bnickels?", "cents_per_nickel"),
    (Fraction(5), r"\bweekdays?|\bwork ?days?|\bschool ?days?", "weekdays_per_week"),
    (Fraction(7), None, "days_per_week"),
    (Fraction(10), r"\bdimes?", "cents_per_dime"),
    (Fraction(10), r"\bdecades?", "years_per_decade"),
    (Fraction(12), r"\binch", "inches_per_foot"),
    (Fraction(12), r"\bmonths?", "months_per_year"),
    (Fraction(12), None, "dozen"),
    (Fraction(16), None, "ounces_per_pound"),
    (Fraction(24), None, "hours_per_day"),
    (Fraction(25), None, "cents_per_quarter"),
    (Fraction(30), None, "days_per_month"),
    (Fraction(36), None, "inches_per_yard"),
    (Fraction(52), None, "weeks_per_year"),
    (Fraction(60), r"\bseconds?\b(?!.*\bhours?\b)", "seconds_per_minute"),
    (Fraction(60), None, "minutes_per_hour"),
    (Fraction(100), r"percent|%", "percent"),
    (Fraction(100), r"\bcentur", "years_per_century"),
    (Fraction(100), r"\bcents?\b|\bpenn", "cents_per_dollar"),
    (Fraction(100), None, "percent"),
    (Fraction(128), None, "ounces_per_gallon"),
    (Fraction(365), None, "days_per_year"),
    (Fraction(1000), r"\bgrams?\b|\bkg\b|kilogram", "grams_per_kg"),
    (Fraction(1000), r"\bml\b|millilit|\blit(?:er|re)", "ml_per_liter"),
    (Fraction(1000), r"\bmet(?:er|re)s?\b|\bkm\b|kilomet", "meters_per_km"),
    (Fraction(1000), None, "thousand"),
    (Fraction(1, 20), None, "dollars_per_nickel"),
    (Fraction(1, 10), None, "dollars_per_dime"),
    (Fraction(1, 4), None, "dollars_per_quarter"),
    (Fraction(1, 100), None, "dollars_per_cent"),
)


def constant_name(value: Fraction, context: str) -> str:
    """Name for an implicit constant; the context (question + solution) picks among meanings."""
    for known, pattern, name in _CONSTANT_NAMES:
        if known == value and (pattern is None or re.search(pattern, context, re.IGNORECASE | re.DOTALL)):
            return name
    return "const_" + str(value).replace("/", "_over_").replace("-", "minus_")


class NameBook:
    """Hands out unique variable names."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, base: str) -> str:
        base = _clean(base) or "num"
        if not re.match(r"[a-z_]", base) or _RESERVED.match(base):
            base = f"{base}_q"
        name, n = base, 2
        while name in self.used:
            name = f"{base}_{n}"
            n += 1
        self.used.add(name)
        return name
