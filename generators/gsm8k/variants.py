"""Numeric variants of a converted problem as new training problems: new numbers in the text, the
same program.

The grader's program check (`solver.variants`) decides which numbers may move and draws them;
this module writes a variant out. Of the values the solver moves, only those the text can show
again are redrawn: written in digits (numbers, money, percents, "3 dozen"), stated once (a value
written twice leaves doubt about which number changed), and not a fraction (its denominator is
what moves). A variant is kept only when the gold program runs inside its domain on the new
numbers (every value that was whole stays whole, none turns negative, the answer keeps its
sign: `solver.execute.Program.run`), its answer is positive, and the solver grades the
rewritten trace 1.0 against the rewritten question.
"""

from __future__ import annotations

import copy
import random
import re
from fractions import Fraction
from typing import Any

import solver
from solver import format_number
from solver.variants import Movable, draw_from, gold_program, movable, sample

from ..numbers import trace_value
from .problems import magnitude

_NUM_IN_TEXT = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+")
_WRITTEN = ("number", "money", "percent")


class _Slot:
    """A movable value the text shows in digits once: where its digits sit and how they are written."""

    def __init__(self, value: Movable, start: int, end: int, digits: str) -> None:
        self.value = value
        self.start, self.end = start, end
        self.decimals = len(digits.split(".")[1]) if "." in digits else 0
        self.commas = "," in digits


def _slots(question: str) -> list[_Slot]:
    quantities = solver.extract_quantities(question)
    slots = []
    for m in movable(question):
        if len(m.indices) != 1 or m.numerator is not None:
            continue  # stated twice, or a fraction
        q = quantities[m.indices[0] - 1]
        found = _NUM_IN_TEXT.search(q.text)
        if q.kind not in _WRITTEN or not found or Fraction(found.group().replace(",", "")) != m.base:
            continue  # "five", "1 1/2": the digits are not the number that moves
        slots.append(_Slot(m, q.start + found.start(), q.start + found.end(), found.group()))
    return slots


def _render(value: Fraction, slot: _Slot) -> str:
    scaled = value * 10**slot.decimals
    whole, frac = divmod(int(scaled), 10**slot.decimals)
    text = f"{whole}.{frac:0{slot.decimals}d}" if slot.decimals else str(whole)
    if slot.commas:
        whole_part, _, frac_part = text.partition(".")
        text = f"{int(whole_part):,}" + (f".{frac_part}" if frac_part else "")
    return text


def _moved_literals(chosen: list[_Slot], draw: dict) -> dict[Fraction, Fraction]:
    """Each value a trace literal may write for a moved number -> its new value: the number itself
    (its quantity's entry in the draw) and its other written forms (the draw's value keys)."""
    out = {slot.value.value: Fraction(draw[slot.value.names[0]]) for slot in chosen}
    out.update((Fraction(k), Fraction(v)) for k, v in draw.items() if not isinstance(k, str))
    return out


def _rewrite(data: Any, moved: dict[Fraction, Fraction]) -> Any:
    """The trace data with every literal of a moved number replaced by its new value."""
    def number(x: Any) -> Any:
        if isinstance(x, bool) or not isinstance(x, (int, str, Fraction, float)):
            return x
        try:
            value = Fraction(str(x).replace(",", ""))
        except ValueError:
            return x  # a variable name
        new = moved.get(abs(value))
        return x if new is None else trace_value(new if value >= 0 else -new)

    out = copy.deepcopy(data)
    for sub in out if isinstance(out, list) else [out]:
        for step in sub.get("trace", []):
            for key in ("value", "base", "rate", "amount"):
                if key in step:
                    step[key] = number(step[key])
            if "args" in step:
                step["args"] = [number(a) for a in step["args"]]
    return out


def augment(problem: dict[str, Any], n: int = 4, seed: int = 0, *, tries: int = 40) -> list[dict[str, Any]]:
    """Up to `n` consistent numeric variants of a Problem dict; the same inputs give the same list."""
    data, question, trace = problem.get("trace_data"), problem.get("question"), problem.get("trace")
    if not isinstance(data, (dict, list)) or not isinstance(question, str) or not isinstance(trace, str):
        return []
    program = gold_program(trace, question)
    slots = _slots(question) if program is not None else []
    if not slots:
        return []
    others = {q.value for q in solver.extract_quantities(question)}
    variants: list[dict[str, Any]] = []
    seen = {question}
    for attempt in range(tries):
        if len(variants) >= n:
            break
        rng = random.Random(f"{seed}:{problem.get('id', '')}:{attempt}")
        chosen = [s for s in slots if rng.random() < 0.7] or [rng.choice(slots)]
        bases = [Fraction(sample(s.value.base, s.value.counts, s.value.decimals, rng)) for s in chosen]
        values = [Fraction(s.value.value_for(b)) for s, b in zip(chosen, bases, strict=True)]
        if any(v == s.value.value or v in others for s, v in zip(chosen, values, strict=True)):
            continue  # unchanged, or now equal to another number in the text (ambiguous)
        if len(set(values)) != len(values):
            continue
        draw = draw_from([s.value for s in chosen], [[b] for b in bases])
        answer = program.run(draw, domain=True)  # type: ignore[union-attr]
        if answer is None or answer <= 0:
            continue
        variant = _variant(problem, question, data, chosen, bases, draw, Fraction(answer), len(variants))
        if variant is not None and variant["question"] not in seen:
            seen.add(variant["question"])
            variants.append(variant)
    return variants


def _variant(problem: dict[str, Any], question: str, data: Any, chosen: list[_Slot], bases: list[Fraction],
             draw: dict, answer: Fraction, k: int) -> dict[str, Any] | None:
    text = question
    for slot, base in sorted(zip(chosen, bases, strict=True), key=lambda sb: -sb[0].start):  # right to left
        text = text[: slot.start] + _render(base, slot) + text[slot.end :]
    new_data = _rewrite(data, _moved_literals(chosen, draw))
    new_trace = solver.format_trace(new_data)
    expert = new_data.get("expert") if isinstance(new_data, dict) else problem.get("expert")
    answer_text = format_number(answer)
    if solver.grade(new_trace, answer_text, expert=expert, question=text).reward != 1.0:
        return None
    out = copy.deepcopy(problem)
    out.update(id=f"{problem.get('id', 'gsm8k')}-aug{k}", question=text, answer=answer_text, trace=new_trace,
               trace_data=new_data)
    if isinstance(out.get("difficulty"), dict):
        out["difficulty"] = {**out["difficulty"], "magnitude": magnitude(new_data, answer_text)}
    return out
