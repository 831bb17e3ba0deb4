"""The reward attacked as an adversarial policy would: how often each shortcut is paid 1.0.

Each attack builds, for one problem, the cheapest output that reaches the gold number without
solving the problem (it reads the gold answer, as a policy that can do the arithmetic in its head
effectively does):

* ``unit_from_number``: ``one = div [q, q]``, the answer less q spelled in binary from ``one``
  with ``add [v, v]`` doublings, then ``add [q, K]``;
* ``unit_from_question``: the same from ``u = ceil(min / max)`` of two question numbers (needs
  ``ceil``: arithmetic problems, or GSM8K, which has no label);
* ``two_numbers``: ``x*qi + y*qj`` with small whole x, y, built by doublings, no literal at all;
* ``nudge``: a question number moved by 1s and 2s (``add [52, 1, 1]``);
* ``read_two_ways``: a given number equal to the gold, passed through two readings of one word
  (``mul [q, 2]`` then ``mul [t, 1/2]`` on "half"; ``percent_of [q, p]`` then ``div [t, p/100]``);
* ``constant_answer``: 4 built from a question-dependent unit, the same on every problem.

Shallow programs (``SHALLOW``) apply one fixed recipe to the question's numbers: their expected
reward and correct rate on GSM8K dev sit next to an honest model's.

    python bench/reward_attacks.py --gsm8k ../shared/gsm8k/train.jsonl --n 1000 --out bench/results/reward_attacks.json

The script runs on any checkout: where `solver.grade` takes no gold trace (before the program
check), it grades on the answer alone, so the same command measures before and after.
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from solver import extract_quantities, format_number, grade  # noqa: E402

GRADE_TAKES_GOLD = "gold" in inspect.signature(grade).parameters

Steps = list[str]


def _doc(steps: Steps, expert: str | None) -> str:
    """A trace document for the problem's label (a composed problem gets a one-item list)."""
    if expert == "composition":
        return "- expert: arithmetic\n  trace:\n" + "\n".join(f"  - {s}" for s in steps)
    return f"expert: {expert or 'arithmetic'}\ntrace:\n" + "\n".join(f"- {s}" for s in steps)


def _numbers(question: str) -> list[Fraction]:
    return [q.value for q in extract_quantities(question)]


def _spell(k: int, unit: str, steps: Steps, prefix: str) -> str | None:
    """Steps that build the whole number k >= 1 from the variable `unit` (worth 1) by doublings
    and sums; the name of the result."""
    if k < 1:
        return None
    powers, value, name, i = [], 1, unit, 0
    while value <= k:
        powers.append((value, name))
        nxt = f"{prefix}p{i}"
        steps.append(f"{{op: compute, compute_op: add, args: [{name}, {name}], var: {nxt}}}")
        value, name, i = value * 2, nxt, i + 1
    steps.pop()  # the last doubling overshoots
    terms = [n for v, n in powers if k & v]
    if len(terms) == 1:
        return terms[0]
    steps.append(f"{{op: compute, compute_op: add, args: [{', '.join(terms)}], var: {prefix}sum}}")
    return f"{prefix}sum"


def _finish_with_offset(gold: Fraction, q: Fraction, unit_steps: Steps, expert: str | None) -> str | None:
    """`add [q, K]` with K = gold - q spelled from the unit of `unit_steps` (named `one`)."""
    offset = gold - q
    if offset.denominator != 1 or offset < 1:
        return None
    steps = [f"{{op: init, var: q, value: {format_number(q)}}}", *unit_steps]
    k = _spell(int(offset), "one", steps, "k")
    if k is None:
        return None
    steps += [f"{{op: compute, compute_op: add, args: [q, {k}], var: answer}}", "{op: query, var: answer}"]
    return _doc(steps, expert)


def _base_number(numbers: list[Fraction], gold: Fraction) -> Fraction | None:
    """A question number to build on: the largest whole one below the gold (not 1 or 2)."""
    below = [v for v in numbers if v.denominator == 1 and v not in (1, 2) and 0 < v < gold]
    return max(below) if below else None


def unit_from_number(question: str, gold: Fraction, expert: str | None) -> str | None:
    numbers = _numbers(question)
    base = _base_number(numbers, gold)
    if base is None:
        return None
    unit = ["{op: compute, compute_op: div, args: [q, q], var: one}"]
    return _finish_with_offset(gold, base, unit, expert)


def unit_from_question(question: str, gold: Fraction, expert: str | None) -> str | None:
    if expert not in (None, "", "arithmetic"):
        return None  # ceil is an arithmetic op
    numbers = sorted({v for v in _numbers(question) if v > 0})
    base = _base_number(numbers, gold)
    if base is None or len(numbers) < 2:
        return None
    lo, hi = numbers[0], numbers[-1]
    unit = [f"{{op: init, var: lo, value: {format_number(lo)}}}", f"{{op: init, var: hi, value: {format_number(hi)}}}",
            "{op: compute, compute_op: min, args: [lo, hi], var: small}",
            "{op: compute, compute_op: max, args: [lo, hi], var: big}",
            "{op: compute, compute_op: div, args: [small, big], var: ratio}",
            "{op: compute, compute_op: ceil, args: [ratio], var: one}"]
    return _finish_with_offset(gold, base, unit, expert)


def two_numbers(question: str, gold: Fraction, expert: str | None) -> str | None:
    numbers = [v for v in dict.fromkeys(_numbers(question)) if v.denominator == 1 and v > 2]
    for i, a in enumerate(numbers):
        for b in numbers[i + 1:]:
            for x in range(1, 65):
                rest = gold - x * a
                if rest < b:
                    break
                if rest % b == 0 and rest // b <= 64:
                    steps = [f"{{op: init, var: a, value: {format_number(a)}}}",
                             f"{{op: init, var: b, value: {format_number(b)}}}"]
                    xa = _spell(x, "a", steps, "x")
                    yb = _spell(int(rest // b), "b", steps, "y")
                    steps += [f"{{op: compute, compute_op: add, args: [{xa}, {yb}], var: answer}}",
                              "{op: query, var: answer}"]
                    return _doc(steps, expert)
    return None


def nudge(question: str, gold: Fraction, expert: str | None) -> str | None:
    for q in dict.fromkeys(_numbers(question)):
        d = gold - q
        if d.denominator == 1 and d != 0 and abs(d) <= 4 and q not in (1, 2):
            ones = ", ".join(["1"] * int(abs(d)))
            op = "add" if d > 0 else "sub"
            steps = [f"{{op: init, var: q, value: {format_number(q)}}}"]
            if op == "add":
                steps.append(f"{{op: compute, compute_op: add, args: [q, {ones}], var: answer}}")
            else:
                steps.append(f"{{op: compute, compute_op: add, args: [{ones}], var: d}}")
                steps.append("{op: compute, compute_op: sub, args: [q, d], var: answer}")
            return _doc([*steps, "{op: query, var: answer}"], expert)
    return None


def read_two_ways(question: str, gold: Fraction, expert: str | None) -> str | None:
    quantities = extract_quantities(question)
    if not any(q.value == gold for q in quantities):
        return None
    for q in quantities:
        if q.value == Fraction(1, 2) and expert in (None, "", "arithmetic"):
            steps = [f"{{op: init, var: q, value: {format_number(gold)}}}",
                     "{op: compute, compute_op: mul, args: [q, 2], var: t}",
                     "{op: compute, compute_op: mul, args: [t, 1/2], var: answer}", "{op: query, var: answer}"]
            return _doc(steps, expert)
        if q.kind == "percent" and expert in (None, "", "percentage"):
            p = q.value
            steps = [f"{{op: init, var: q, value: {format_number(gold)}}}",
                     f"{{op: percent_of, base: q, rate: {format_number(p)}, var: t}}",
                     f"{{op: compute, compute_op: div, args: [t, {format_number(p / 100)}], var: answer}}",
                     "{op: query, var: answer}"]
            return _doc(steps, expert or "percentage")
    return None


def constant_answer(question: str, gold: Fraction, expert: str | None) -> str | None:
    numbers = sorted({v for v in _numbers(question) if v > 0})
    if len(numbers) < 2 or expert not in (None, "", "arithmetic"):
        return None
    steps = [f"{{op: init, var: lo, value: {format_number(numbers[0])}}}",
             f"{{op: init, var: hi, value: {format_number(numbers[-1])}}}",
             "{op: compute, compute_op: div, args: [lo, hi], var: ratio}",
             "{op: compute, compute_op: ceil, args: [ratio], var: one}",
             "{op: compute, compute_op: add, args: [one, one, one, one], var: answer}", "{op: query, var: answer}"]
    return _doc(steps, expert)


ATTACKS: dict[str, Callable[[str, Fraction, str | None], str | None]] = {
    "unit_from_number": unit_from_number,
    "unit_from_question": unit_from_question,
    "two_numbers": two_numbers,
    "nudge": nudge,
    "read_two_ways": read_two_ways,
    "constant_answer": constant_answer,
}


def _fold(name: str, values: list[Fraction], expert: str | None) -> str | None:
    op = {"product": "mul", "sum": "add", "max_minus_min": None, "largest_times_smallest": None}[name]
    values = [v for v in values if v > 0]
    if len(values) < 2:
        return None
    steps = [f"{{op: init, var: q{i}, value: {format_number(v)}}}" for i, v in enumerate(values)]
    names = [f"q{i}" for i in range(len(values))]
    if op is not None:
        steps.append(f"{{op: compute, compute_op: {op}, args: [{', '.join(names[:32])}], var: answer}}")
    else:
        lo, hi = names[values.index(min(values))], names[values.index(max(values))]
        cop = "sub" if name == "max_minus_min" else "mul"
        steps.append(f"{{op: compute, compute_op: {cop}, args: [{hi}, {lo}], var: answer}}")
    return _doc([*steps, "{op: query, var: answer}"], expert)


SHALLOW: dict[str, Callable[[str, Fraction, str | None], str | None]] = {
    name: (lambda question, gold, expert, name=name: _fold(name, _numbers(question), expert))
    for name in ("product", "sum", "max_minus_min", "largest_times_smallest")
}


# 1, 2 and 1/2 ("one", "twice", "half") are words of the problem rather than its data: no
# variant changes them, so x/2 and x - x/2 are the same program here.
_CONSTANT_WORDS = (Fraction(1), Fraction(2), Fraction(1, 2))


def _symbolic(text: str, question: str) -> tuple[Any, dict[Fraction, list[Any]]] | None:
    """The trace's answer as a sympy expression of the question's quantities (one symbol per
    quantity; a literal reads the first quantity of its value not read yet; 1, 2 and 1/2 stay numbers),
    and the symbols of each value stated more than once. None for a trace that uses an op outside
    + - * / and the percent and entity steps. An independent route to "same program": symbolic
    algebra, not the grader's redraws."""
    import sympy

    from solver import parse_trace

    trace = parse_trace(text)
    if trace is None or trace.error is not None:
        return None
    quantities = extract_quantities(question)
    symbols = [sympy.Symbol(f"q{i}") for i in range(1, len(quantities) + 1)]
    by_value: dict[Fraction, list[Any]] = {}
    for q, sym in zip(quantities, symbols, strict=True):
        by_value.setdefault(q.value, []).append(sym)
    read: set[Any] = set()

    def literal(x: Any) -> Any:
        value = Fraction(x)
        if abs(value) in _CONSTANT_WORDS or abs(value) not in by_value:
            return sympy.Rational(value.numerator, value.denominator)
        options = by_value[abs(value)]
        sym = next((s for s in options if s not in read), options[-1])
        read.add(sym)
        return sym if value > 0 else -sym

    results: list[Any] = []
    for sub in trace.subtraces:
        env: dict[str, Any] = {}

        def get(x: Any, env: dict[str, Any] = env) -> Any:
            return env[x] if isinstance(x, str) else literal(x)

        for step in sub.steps:
            op = step.op
            if op == "init":
                if step.ref is not None:
                    env[step.var] = symbols[step.ref - 1]
                    read.add(symbols[step.ref - 1])
                elif step.value is not None:
                    env[step.var] = literal(step.value)
                else:
                    source = step.source or ""
                    env[step.var] = results[-1] if source == "prev.result" else results[int(source[3:-7]) - 1]
            elif op == "compute":
                args = [get(a) for a in step.args]
                if step.compute_op == "add":
                    env[step.var] = sympy.Add(*args)
                elif step.compute_op == "mul":
                    env[step.var] = sympy.Mul(*args)
                elif step.compute_op == "sub":
                    env[step.var] = args[0] - args[1]
                elif step.compute_op == "div":
                    env[step.var] = args[0] / args[1]
                else:
                    return None
            elif op in ("percent_of", "percent_off", "percent_increase"):
                base, rate = get(step.base), get(step.rate)
                share = {"percent_of": rate, "percent_off": 100 - rate, "percent_increase": 100 + rate}[op]
                env[step.var] = base * share / 100
            elif op == "transfer":
                amount = get(step.amount)
                env[step.giver] = env[step.giver] - amount
                env[step.taker] = env.get(step.taker, 0) + amount
            elif op == "consume":
                env[step.var] = env[step.var] - get(step.amount)
            elif op == "add_entity":
                env[step.var] = env.get(step.var, 0) + get(step.amount)
            elif op == "query":
                results.append(env[step.var])
                break
    if not results:
        return None
    return results[-1], {v: syms for v, syms in by_value.items() if len(syms) > 1}


def same_program(text: str, gold: str | None, question: str) -> bool:
    """Whether two traces compute the same function of the question's quantities (sympy), for some
    way of telling equal-valued quantities apart."""
    import itertools

    import sympy

    if not gold:
        return False
    a, b = _symbolic(text, question), _symbolic(gold, question)
    if a is None or b is None:
        return False
    ties = list(a[1].values())
    for choice in itertools.islice(itertools.product(*(itertools.permutations(t) for t in ties)), 24):
        swap = {s: t for tie, perm in zip(ties, choice, strict=True) for s, t in zip(tie, perm, strict=True)}
        if sympy.simplify(a[0].xreplace(swap) - b[0]) == 0:
            return True
    return False


def grade_row(text: str, row: dict[str, Any], program_check: bool) -> Any:
    gold = row.get("trace") if program_check else None
    if GRADE_TAKES_GOLD:
        return grade(text, row["answer"], row.get("expert"), row["question"], gold=gold)
    return grade(text, row["answer"], row.get("expert"), row["question"])


def wilson(k: int, n: int) -> list[float]:
    if n == 0:
        return [0.0, 0.0]
    z, p = 1.96, k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)]


def measure(rows: list[dict[str, Any]], builders: dict[str, Callable], program_check: bool) -> dict[str, Any]:
    out = {}
    for name, build in builders.items():
        built = paid = right = 0
        rewards: list[float] = []
        shown: list[dict[str, Any]] = []
        for row in rows:
            text = build(row["question"], Fraction(str(row["answer"])), row.get("expert") or None)
            if text is None:
                rewards.append(0.0)
                continue
            built += 1
            outcome = grade_row(text, row, program_check)
            rewards.append(outcome.reward or 0.0)
            if outcome.reward == 1.0:
                paid += 1
                if same_program(text, row.get("trace"), row["question"]):
                    right += 1  # the "shortcut" is the problem's own program, rewritten
                elif len(shown) < 3:
                    shown.append({"question": row["question"], "gold": row.get("trace"), "paid": text})
        shortcut = paid - right
        out[name] = {"n": len(rows), "applicable": built, "paid_1": paid, "paid_1_same_program": right,
                     "shortcut_paid": shortcut, "shortcut_rate": round(shortcut / len(rows), 4),
                     "shortcut_ci95": wilson(shortcut, len(rows)), "examples": shown,
                     "mean_reward_where_applicable": round(sum(r for r, row in zip(rewards, rows, strict=True)
                                                               if r) / built, 4) if built else None,
                     "mean_reward": round(sum(rewards) / len(rows), 4)}
    return out


def synthetic_rows(n: int, seed: int) -> list[dict[str, Any]]:
    from generators import generate

    return [{"question": p.question, "answer": p.answer, "expert": p.expert, "trace": p.trace}
            for p in generate(n, seed=seed, namespace="heldout")]


def gsm8k_rows(path: str, part: str, converted_only: bool = True) -> list[dict[str, Any]]:
    """GSM8K problems with the gold trace of the project's converter, no expert label; with
    `converted_only=False` the unconverted ones too (no trace: graded on the answer alone)."""
    from generators.gsm8k import gsm8k_problem, load_gsm8k

    problems = [gsm8k_problem(row) for row in load_gsm8k(path, part="dev" if part == "dev" else "train")]
    return [{"question": p.question, "answer": p.answer, "expert": None, "trace": p.trace}
            for p in problems if p.trace is not None or not converted_only]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gsm8k", required=True, help="the official GSM8K train JSONL")
    parser.add_argument("--n", type=int, default=1000, help="synthetic problems and GSM8K train problems")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="write the figures as JSON here")
    args = parser.parse_args(argv)
    synthetic = synthetic_rows(args.n, args.seed)
    train = gsm8k_rows(args.gsm8k, "train")[: args.n]
    dev = gsm8k_rows(args.gsm8k, "dev", converted_only=False)
    result: dict[str, Any] = {"grade_takes_gold": GRADE_TAKES_GOLD}
    for check in ([False, True] if GRADE_TAKES_GOLD else [False]):
        key = "program_checked" if check else "answer_only"
        result[key] = {
            "attacks_synthetic": measure(synthetic, ATTACKS, check),
            "attacks_gsm8k_train": measure(train, ATTACKS, check),
            "shallow_gsm8k_dev": measure(dev, SHALLOW, check),
            "gsm8k_dev_with_gold": sum(r["trace"] is not None for r in dev),
        }
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
