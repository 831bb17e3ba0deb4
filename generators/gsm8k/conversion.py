"""GSM8K solution -> gold trace, verified by the solver (grounding included)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction

from solver import extract_quantities, format_number, format_trace, grade
from solver.constants import question_constants as cued_constants

from .algebra import Solved, solved_equations
from .binder import Binder, BindError, QuantityRef
from .equations import Equation, extract_equations
from .graph import PERCENT_OPS, Graph, render
from .loader import parse_gold_answer

PERCENTAGE_COMPUTE_OPS = frozenset({"add", "sub", "mul", "div"})
REVIEW = "review"  # status prefix: deciding would need the gold answer, so nothing is accepted


@dataclass(frozen=True)
class Binding:
    """An init that reads a question quantity: what augmentation may re-sample."""

    var: str
    index: int  # 0-based position in extract_quantities(question)
    text: str
    start: int
    end: int
    kind: str
    quantity_value: Fraction
    relation: str  # "value" (init = quantity), "percent" (init = quantity/100), "part"
    init_value: Fraction


@dataclass(frozen=True)
class Conversion:
    trace: str | None  # canonical trace text, only when status is "ok"
    status: str  # "ok", or a reason ("ungrounded_number: 5", "review: ...")
    expert: str | None = None
    answer: str | None = None  # canonical gold answer
    trace_data: dict | None = None
    steps: int = 0  # computing steps (compute and percent ops)
    notes: tuple[str, ...] = ()
    bindings: tuple[Binding, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def reason(self) -> str:
        """Histogram key: the status up to its first colon."""
        return self.status.split(":", 1)[0]


def question_constants(question: str) -> frozenset[Fraction]:
    """Values this question may use without stating them: the solver's constants whose cue or
    unit the question names (``solver.constants.question_constants``)."""
    return cued_constants(question)


def _answer_node(binder: Binder, gold: Fraction) -> int | None:
    for stated, gid in reversed(binder.results):
        if stated == gold and binder.graph.nodes[gid].value == gold:
            return gid
    return None


_ROUND_DOWN = re.compile(r"\bround(?:s|ed|ing)?\s+(?:it\s+|that\s+)?down\b", re.IGNORECASE)
_ROUND_UP = re.compile(r"\bround(?:s|ed|ing)?\s+(?:it\s+|that\s+)?up\b", re.IGNORECASE)


def _written_rounding(binder: Binder, solution: str, gold: Fraction) -> int | None:
    """The last result rounded as the solution says in words ("which rounds down to 15")."""
    if not binder.results:
        return None
    down, up = bool(_ROUND_DOWN.search(solution)), bool(_ROUND_UP.search(solution))
    if down == up:
        return None  # no rounding written, or both directions: the text does not decide
    gid = binder.results[-1][1]
    value = binder.graph.nodes[gid].value
    op = "floor" if down else "ceil"
    if value.denominator == 1 or Fraction(math.floor(value) if down else math.ceil(value)) != gold:
        return None
    gid = binder.graph.compute(op, [gid])
    binder.notes.append((gid, f"{op}: the solution rounds {'down' if down else 'up'} in words"))
    return gid


# the unit the question asks for, and the factor from the last result (dollars, a share) to it
_ASKED_UNITS = (
    (re.compile(r"\b(?:how many cents|in cents)\b", re.IGNORECASE), Fraction(100), "cents"),
    (re.compile(r"\bwhat (?:percent|percentage)\b", re.IGNORECASE), Fraction(100), "a percentage"),
)


def _asked_unit(binder: Binder, question: str, gold: Fraction) -> int | None:
    """The last result converted to the unit the question asks in ("how many cents", "what
    percentage") when the solution stops one conversion short (`$0.25`, `0.8`)."""
    if not binder.results:
        return None
    ask = question[question.rfind(".", 0, len(question.rstrip(" ?."))) + 1 :]
    gid = binder.results[-1][1]
    value = binder.graph.nodes[gid].value
    for pattern, factor, unit in _ASKED_UNITS:
        if pattern.search(ask) and value * factor == gold and factor in binder.constants:
            gid = binder.graph.compute("mul", [gid, binder.constant(factor)])
            binder.notes.append((gid, f"unit: the question asks in {unit}"))
            return gid
    return None


def _failure(binder: Binder, gold: Fraction, failures: list[BindError], quantities: list[QuantityRef]) -> str:
    if failures:  # a root cause first: "uses_failed_result" only echoes an earlier failure
        first = sorted(failures, key=lambda f: f.reason == "uses_failed_result")[0]
        return f"{first.reason}: {first.detail}" if first.detail else first.reason
    if binder.results:
        last = binder.graph.nodes[binder.results[-1][1]].value
        if gold in (Fraction(math.floor(last)), Fraction(math.ceil(last))) and last != gold:
            return f"{REVIEW}: rounding the last result {format_number(last)} to the gold answer"
    if any(q.value == gold for q in quantities):
        return "answer_not_computed"
    return "answer_not_reached" if binder.results else "no_equations"


def _bind_all(
    question: str, solution: str, quantities: list[QuantityRef], percent_ops: bool, derive: bool
) -> tuple[Binder, list[BindError]]:
    binder = Binder(question, solution, quantities, question_constants(question), percent_ops=percent_ops, derive=derive)
    events: list[tuple[int, Equation | Solved]] = [(e.start, e) for e in extract_equations(solution)]
    events += [(s.start, s) for s in solved_equations(solution)]
    failures: list[BindError] = []
    pending: dict[str, BindError] = {}  # unknown -> why its first equation failed
    solved: set[str] = set()
    for start, item in sorted(events, key=lambda e: e[0]):
        line, before = _line(solution, start)
        if isinstance(item, Solved):
            if item.letter in solved:
                continue  # later restatements (`3x = 21`, `x = 7`) add nothing
            err = binder.try_equation(item.node, item.value, item.text, line, before)
            if err is None:
                solved.add(item.letter)
                pending.pop(item.letter, None)
            else:
                pending.setdefault(item.letter, err)
            continue
        err = binder.try_equation(item.node, item.stated, item.text, line, before)
        if err is not None:
            failures.append(err)
    failures.extend(pending.values())
    return binder, failures


def _line(solution: str, pos: int) -> tuple[str, str]:
    """The solution line around `pos`, and its part before `pos`."""
    start = solution.rfind("\n", 0, pos) + 1
    end = solution.find("\n", pos)
    return solution[start : end if end >= 0 else len(solution)], solution[start:pos]


def _expert(graph: Graph, needed: list[int]) -> tuple[str, bool]:
    """Expert label and whether it is consistent with the steps (see docs/gsm8k.md)."""
    kinds = {graph.nodes[g].kind for g in needed}
    ops = {graph.nodes[g].op for g in needed if graph.nodes[g].kind == "compute"}
    if kinds & set(PERCENT_OPS):
        return "percentage", ops <= PERCENTAGE_COMPUTE_OPS
    return "arithmetic", True


def _bindings(graph: Graph, needed: list[int], names: dict[int, str], quantities: list[QuantityRef]) -> tuple[Binding, ...]:
    out = []
    for gid in needed:
        node = graph.nodes[gid]
        if node.kind == "init" and node.origin and node.origin[0] == "quantity":
            q = quantities[node.origin[1]]
            out.append(Binding(names[gid], q.index, q.text, q.start, q.end, q.kind, q.value, node.origin[2], node.value))
    return tuple(out)


def convert_example(question: str, solution: str, *, percent_ops: bool = True, derive: bool = True) -> Conversion:
    """Convert one GSM8K item. Never raises on bad data: the status says what went wrong.

    `percent_ops` turns `A * p/100`-style arithmetic on a `p%` quantity into percent steps
    (expert `percentage`); `derive` lets one-operation derivations fill numbers that the
    solution computed without writing the arithmetic (each one is listed in `notes`).
    """
    if not isinstance(question, str) or not isinstance(solution, str):
        return Conversion(None, "bad_input: question and solution must be strings")
    try:
        return _convert(question, solution, percent_ops, derive)
    except (ArithmeticError, LookupError, RecursionError, TypeError, ValueError) as err:  # a bug: report, not raise
        return Conversion(None, f"internal_error: {type(err).__name__}: {err}")


def _convert(question: str, solution: str, percent_ops: bool, derive: bool) -> Conversion:
    try:
        answer = parse_gold_answer(solution)
    except ValueError as err:
        return Conversion(None, f"no_gold_answer: {err}")
    gold = Fraction(answer)
    quantities = [QuantityRef.wrap(i, q) for i, q in enumerate(extract_quantities(question))]
    binder, failures = _bind_all(question, solution, quantities, percent_ops, derive)
    answer_gid = _answer_node(binder, gold)
    if answer_gid is None:
        answer_gid = _written_rounding(binder, solution, gold)
    if answer_gid is None:
        answer_gid = _asked_unit(binder, question, gold)
    if answer_gid is None:
        return Conversion(None, _failure(binder, gold, failures, quantities), answer=answer)
    needed = binder.graph.needed(answer_gid)
    expert, consistent = _expert(binder.graph, needed)
    if not consistent:  # percent steps next to floor/ceil: fall back to plain arithmetic
        return _convert(question, solution, False, derive)
    data, names = render(binder.graph, answer_gid, expert)
    text = format_trace(data)
    outcome = grade(text, answer, expert=expert, question=question)
    notes = tuple(note for gid, note in binder.notes if gid in set(needed))
    steps = sum(1 for g in needed if binder.graph.nodes[g].kind != "init")
    if outcome.reward != 1.0:
        status = f"solver_{outcome.category}: {outcome.error or format_number(outcome.answer or Fraction(0))}"
        return Conversion(None, status, expert, answer, None, steps, notes)  # only verified traces leave
    return Conversion(text, "ok", expert, answer, data, steps, notes, _bindings(binder.graph, needed, names, quantities))


__all__ = ["Binding", "Conversion", "convert_example", "question_constants"]
