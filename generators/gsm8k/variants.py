"""Numeric variants of a converted problem: new numbers in the text, the same trace re-executed.

Only quantities whose role is certain are re-sampled: written in digits (number, money,
percent), bound to exactly one init of the trace, and unique in the question (a value written
twice, or also grounding another init, leaves doubt about which number changed, so it stays).
Constant values (7, 12, 60, and unit constants such as 30 when months are named) stay too:
the solution may use them as units. A variant
is kept only when every step stays non-negative, the answer stays positive, every value that
was whole stays whole, and the solver grades the new trace 1.0 against the new question.
"""

from __future__ import annotations

import copy
import math
import random
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import solver
from solver import format_number

from ..numbers import trace_value
from .conversion import question_constants
from .problems import magnitude

_NUM_IN_TEXT = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+")
_REWRITABLE = ("number", "money", "percent")


@dataclass(frozen=True)
class Slot:
    """A re-samplable quantity: the init step it feeds and where its digits sit in the question."""

    step: int  # index of the init step in the trace
    kind: str  # the quantity's kind: number, money or percent
    relation: str  # "value" or "percent" (init = quantity / 100)
    start: int  # digits span in the question
    end: int
    value: Fraction  # the quantity's value (a percent's points)
    decimals: int  # digits after the point as written
    commas: bool


def _slots(question: str, steps: list[dict], quantities: list[Any], constants: frozenset[Fraction]) -> list[Slot]:
    values = [Fraction(q.value) for q in quantities]
    slots = []
    for i, step in enumerate(steps):
        if step.get("op") != "init" or "value" not in step:
            continue
        v = Fraction(str(step["value"]))
        owners = [k for k, q in enumerate(quantities) if v in q.grounds]
        if len(owners) != 1:
            continue
        q = quantities[owners[0]]
        relation = "value" if v == q.value else ("percent" if q.kind == "percent" and v * 100 == q.value else "")
        same_init = sum(1 for s in steps if s.get("op") == "init" and "value" in s and Fraction(str(s["value"])) == v)
        if not relation or q.kind not in _REWRITABLE or values.count(Fraction(q.value)) != 1 or same_init != 1:
            continue
        if Fraction(q.value) in constants or q.value <= 0:
            continue
        m = _NUM_IN_TEXT.search(q.text)
        if not m or Fraction(m.group().replace(",", "")) != q.value:
            continue  # "2 thousand", "1 1/2": the digits are not the whole value
        digits = m.group()
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        slots.append(Slot(i, q.kind, relation, q.start + m.start(), q.start + m.end(), Fraction(q.value), decimals, "," in digits))
    return slots


def _sample(slot: Slot, rng: random.Random) -> Fraction:
    """A new value written like the old one: same decimals, same roundness, similar size."""
    scale = 10**slot.decimals
    whole = int(slot.value * scale)  # a count of the last written digit
    if slot.kind == "percent" and slot.value < 100:
        step = 5 if whole % 5 == 0 else 1
        return Fraction(rng.randint(1, 95 // step) * step, scale)
    step = 10 ** max(0, len(str(whole)) - 2) if whole % 10 == 0 else 1  # 250 -> steps of 10
    if step == 1 and whole % 5 == 0 and whole >= 10:
        step = 5
    lo, hi = max(1, whole // 2), max(whole * 2, 10)
    choice = rng.randint(max(1, lo // step), max(1, hi // step)) * step
    if slot.decimals and whole % 10 and choice % 10 == 0:
        choice += rng.randint(1, 9)  # $1.2 -> $1.7, never the odd-looking $1.0
    return Fraction(choice, scale)


def _render(value: Fraction, slot: Slot) -> str:
    text = _fixed(value, slot.decimals)
    if slot.commas:
        whole, _, frac = text.partition(".")
        text = f"{int(whole):,}" + (f".{frac}" if frac else "")
    return text


def _fixed(value: Fraction, decimals: int) -> str:
    scaled = value * 10**decimals
    whole, frac = divmod(int(scaled), 10**decimals)
    return f"{whole}.{frac:0{decimals}d}" if decimals else str(whole)


def _run(steps: list[dict]) -> tuple[list[Fraction], Fraction] | None:
    """Values of every step and the queried value; None when a step cannot run here."""
    try:
        return _run_steps(steps)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None


def _run_steps(steps: list[dict]) -> tuple[list[Fraction], Fraction] | None:
    env: dict[str, Fraction] = {}
    out = []
    answer = None
    for step in steps:
        op = step.get("op")
        if op == "query":
            answer = env.get(step.get("var"))
            continue
        if op == "init" and "value" in step:
            value = Fraction(str(step["value"]))
        elif op == "compute":
            value = _compute(step["compute_op"], [_arg(a, env) for a in step["args"]])
        elif op in ("percent_of", "percent_off", "percent_increase"):
            base, rate = _arg(step["base"], env), _arg(step["rate"], env)
            value = base * {"percent_of": rate / 100, "percent_off": 1 - rate / 100, "percent_increase": 1 + rate / 100}[op]
        else:
            return None  # entity ops and sources are outside what augmentation re-runs
        if value is None:
            return None
        env[step["var"]] = value
        out.append(value)
    return (out, answer) if answer is not None else None


def _arg(arg: Any, env: dict[str, Fraction]) -> Fraction:
    return env[arg] if isinstance(arg, str) and arg in env else Fraction(str(arg))


def _compute(op: str, args: list[Fraction]) -> Fraction | None:
    if op == "add":
        return sum(args, Fraction(0))
    if op == "mul":
        return math.prod(args, start=Fraction(1))
    if op == "sub":
        return args[0] - args[1]
    if op == "div":
        return args[0] / args[1] if args[1] else None
    if op == "floor":
        return Fraction(math.floor(args[0]))
    if op == "ceil":
        return Fraction(math.ceil(args[0]))
    return None


def augment(problem: dict[str, Any], n: int = 4, seed: int = 0, *, tries: int = 40) -> list[dict[str, Any]]:
    """Up to `n` consistent numeric variants of a Problem dict; the same inputs give the same list."""
    data = problem.get("trace_data")
    if not isinstance(data, dict) or not isinstance(data.get("trace"), list):
        return []  # composed traces are left alone
    question, steps = problem["question"], data["trace"]
    original = _run(steps)
    if original is None:
        return []
    slots = _slots(question, steps, solver.extract_quantities(question), question_constants(question))
    if not slots:
        return []
    others = {Fraction(q.value) for q in solver.extract_quantities(question)}
    variants: list[dict[str, Any]] = []
    seen = {question}
    for attempt in range(tries):
        if len(variants) >= n:
            break
        rng = random.Random(f"{seed}:{problem.get('id', '')}:{attempt}")
        chosen = [s for s in slots if rng.random() < 0.7] or [rng.choice(slots)]
        new_values = {s.step: _sample(s, rng) for s in chosen}
        if any(v == s.value or v in others for s in chosen for v in [new_values[s.step]]):
            continue  # unchanged, or now equal to another number in the text (ambiguous)
        if len(set(new_values.values())) != len(new_values):
            continue
        variant = _variant(problem, question, data, chosen, new_values, original, len(variants), solver)
        if variant is not None and variant["question"] not in seen:
            seen.add(variant["question"])
            variants.append(variant)
    return variants


def _variant(
    problem: dict[str, Any],
    question: str,
    data: dict,
    chosen: list[Slot],
    new_values: dict[int, Fraction],
    original: tuple[list[Fraction], Fraction],
    k: int,
    solver: Any,
) -> dict[str, Any] | None:
    new_data = copy.deepcopy(data)
    text = question
    for slot in sorted(chosen, key=lambda s: -s.start):  # right to left keeps spans valid
        value = new_values[slot.step]
        text = text[: slot.start] + _render(value, slot) + text[slot.end :]
        init = value / 100 if slot.relation == "percent" else value
        new_data["trace"][slot.step]["value"] = trace_value(init)
    ran = _run(new_data["trace"])
    if ran is None:
        return None
    values, result = ran
    if result <= 0 or any(v < 0 for v in values):
        return None
    if any(old.denominator == 1 and new.denominator != 1 for old, new in zip(original[0], values, strict=True)):
        return None
    answer = format_number(result)
    trace = solver.format_trace(new_data)
    if solver.grade(trace, answer, expert=new_data.get("expert"), question=text).reward != 1.0:
        return None
    out = copy.deepcopy(problem)
    out.update(id=f"{problem.get('id', 'gsm8k')}-aug{k}", question=text, answer=answer, trace=trace, trace_data=new_data)
    if isinstance(out.get("difficulty"), dict):
        out["difficulty"] = {**out["difficulty"], "magnitude": magnitude(new_data, answer)}
    return out
