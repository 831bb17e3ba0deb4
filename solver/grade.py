"""The graded reward: one ladder for single and composed traces.

0.0 no parseable trace; 0.3 the expert differs from the problem's label (only when a label is
given; checked before validity, for every attempt, including ones refused for their size or
aliases); 0.5 invalid trace; 0.7 runs to a wrong answer; 1.0 correct.

A fault of the grader itself is not the policy's: it becomes the category ``grader_error`` with
no reward (``None``), is logged with its traceback, and ``Outcome.checked()`` raises it.

``check`` is the gold-free check, what a solver can say at test time where no gold exists: the
trace parses, is grounded in the question and runs (category ``runs``, no reward), or it does
not (``invalid`` / ``unparseable``). ``grade_and_check`` gives both from one parse and one run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from fractions import Fraction

from . import variants
from .execute import SELECTING_OPS, Execution, Program, execute
from .extract import find_trace
from .memo import remembered
from .numbers import format_number, parse_number
from .schema import Trace

REWARDS: dict[str, float] = {
    "correct": 1.0,
    "wrong_answer": 0.7,
    "invalid": 0.5,
    "wrong_expert": 0.3,
    "unparseable": 0.0,
}
GRADER_ERROR = "grader_error"  # a bug in the grader: no reward, logged, raised by Outcome.checked()
RUNS = "runs"  # the gold-free check's verdict on a trace that runs: no gold to grade it, so no reward
# A valid trace executes to an answer: right, wrong, or (checked without gold) unjudged. Invalid,
# wrong-expert (checked before execution) and unparseable ones are not; every report counts
# "valid" by this one set.
VALID_CATEGORIES = frozenset({"correct", "wrong_answer", RUNS})
WRONG_PROGRAM = "right number, wrong program"  # the error of a trace right on the problem, wrong on a variant
REL_TOL = Fraction(1, 10**6)  # for non-integer gold answers only; integer answers compare exactly


_log = logging.getLogger(__name__)


class GraderError(RuntimeError):
    """The grader failed on an input: a bug in GSMTrace, never scored as the policy's fault."""


@dataclass(frozen=True)
class Outcome:
    reward: float | None  # None for GRADER_ERROR and for RUNS (a gold-free check does not grade)
    category: str  # "correct" | "wrong_answer" | "invalid" | "wrong_expert" | "unparseable" | "grader_error" | "runs"
    answer: Fraction | None = None  # computed value (None unless executed)
    error: str | None = None
    step: int | None = None  # 0-based failing step within the failing sub-trace
    subtrace: int | None = None  # 0-based failing sub-trace (composed traces)
    expert: str | None = None  # the trace's expert ("composition" for a composed trace)
    variants: int = 0  # variants of the question the trace was checked on (0: graded on the answer alone)

    @property
    def parsed(self) -> bool:
        return self.category not in ("unparseable", GRADER_ERROR)

    def checked(self) -> Outcome:
        """This outcome, or GraderError when the grader itself failed."""
        if self.category == GRADER_ERROR:
            raise GraderError(self.error)
        return self

    @property
    def program_checked(self) -> bool:
        """Whether the trace ran against the gold program on variants of the question."""
        return self.variants > 0

    @property
    def answer_correct(self) -> bool:
        """Right on the problem itself: correct, or the right number from a wrong program."""
        return self.correct or (self.category == "wrong_answer" and (self.error or "").startswith(WRONG_PROGRAM))

    @property
    def valid(self) -> bool:
        return self.category in VALID_CATEGORIES

    @property
    def correct(self) -> bool:
        return self.category == "correct"

    def to_dict(self) -> dict:
        return {
            "reward": self.reward,
            "category": self.category,
            "answer": None if self.answer is None else format_number(self.answer),
            "error": self.error,
            "step": self.step,
            "subtrace": self.subtrace,
            "expert": self.expert,
            "variants": self.variants,
            "parsed": self.parsed,
            "valid": self.valid,
            "correct": self.correct,
            "answer_correct": self.answer_correct,
        }

    def feedback(self) -> str:
        """A one-paragraph message for multi-turn refinement (never reveals the gold answer)."""
        if self.category == "correct":
            return f"Your trace is correct: it computes {format_number(self.answer)}."
        if self.category == "unparseable":
            why = f" ({self.error.split(' (', 1)[1]}" if self.error and " (" in self.error else ""
            return (f"No trace was found in your answer{why}. Write a YAML trace: a line `expert: NAME`, "
                    "then `trace:` with one step per line such as `- {op: init, var: x, value: 5}`, ending "
                    "with `- {op: query, var: NAME}`.")
        if self.category == "wrong_expert":
            return (f"The expert {self.expert!r} does not fit this problem. Choose the expert whose "
                    "operations the problem needs and write the whole trace again.")
        if self.category == "invalid":
            return f"Your trace is invalid: {self.error}. Fix this and write the whole trace again."
        if self.category == RUNS:
            return f"Your trace runs: it computes {format_number(self.answer)}."
        return (f"Your trace runs and computes {format_number(self.answer)}, but that is not the right "
                "answer. Check which quantities you used and how you combined them, then write the whole "
                "trace again.")


def _matches(value: Fraction, gold: Fraction) -> bool:
    if gold.denominator == 1:
        return value == gold
    return abs(value - gold) <= REL_TOL * abs(gold)


def _outcome(category: str, **fields: object) -> Outcome:
    return Outcome(REWARDS.get(category), category, **fields)  # type: ignore[arg-type]


def grade(text: str, answer: object, expert: str | None = None, question: str | None = None,
          gold: str | None = None) -> Outcome:
    """Grade one model output against the gold answer (and optional expert label and question).

    ``expert`` None or "" means the problem has no label (no expert check). ``gold`` is the
    problem's gold trace text, when it has one: the trace is then checked as a program, on
    variants of the question (`solver.variants`), and is correct only when it is right on every
    one. Without it, the answer must still move when the question's quantities do. Never raises:
    a fault of the grader becomes a ``grader_error`` outcome with no reward, logged with its
    traceback.
    """
    return grade_and_check(text, answer, expert, question, gold)[0]


def check(text: str, question: str | None = None) -> Outcome:
    """The gold-free check: what a solver can say about a trace with no gold answer, gold trace or
    expert label, as at test time. ``runs`` (no reward) when the trace parses, is grounded in the
    question and runs to an answer that moves with the question; else ``invalid`` or
    ``unparseable`` with the same error, step and reward `grade` gives them. Never raises."""
    return grade_and_check(text, _NO_GOLD, None, question, None)[1]


def grade_and_check(text: str, answer: object, expert: str | None = None, question: str | None = None,
                    gold: str | None = None) -> tuple[Outcome, Outcome]:
    """`grade` and `check` of one output from one parse and one run: (graded, checked)."""
    try:
        if isinstance(text, str) and len(text) <= REMEMBERED_CHARS:
            try:
                return _remembered(text, answer, expert or None, question, gold or None)
            except TypeError as err:  # an unhashable argument (a list as the answer): grade afresh
                if "unhashable" not in str(err):
                    raise
        return _assess(text, answer, expert or None, question, gold or None)
    except Exception as err:  # a bug must not take down a training run, nor be scored as the policy's
        _log.exception("grader fault on a %d-character output", len(text) if isinstance(text, str) else -1)
        fault = _outcome(GRADER_ERROR, error=f"grader fault (not the policy's): {type(err).__name__}: {err}")
        return fault, fault


REMEMBERED_CHARS = 4096  # outputs up to this long are remembered; -1 grades every output afresh
_NO_GOLD = object()  # the answer of a gold-free check: `_assess` then grades nothing


@remembered(4096)
def _remembered(text: str, answer: object, expert: str | None, question: str | None,
                gold: str | None) -> tuple[Outcome, Outcome]:
    """`_assess` of short outputs, remembered: it is a pure function of its arguments, and a
    GRPO group often holds the same completion several times (Outcome is immutable)."""
    return _assess(text, answer, expert, question, gold)


def _assess(text: str, answer: object, expert: str | None, question: str | None,
            gold: str | None) -> tuple[Outcome, Outcome]:
    """(graded, checked): the two verdicts share the parse, the run and the dependence test and
    part only where the gold or the label decides."""
    trace, problem = find_trace(text) if isinstance(text, str) else (None, None)
    if trace is None:
        none = _outcome("unparseable", error="no YAML trace found" + (f" ({problem})" if problem else ""))
        return none, none
    question = question if isinstance(question, str) else None
    graded = answer is not _NO_GOLD
    gold = gold if graded and question is not None and isinstance(gold, str) else None
    wrong_expert = expert is not None and trace.expert != expert
    checks = variants.gold_variants(gold, question) if gold and not wrong_expert else ()
    # Signatures already tell whether a +-*/ program depends on the question; only steps they cannot
    # follow (min, max, rounding, mod, pow) need the answer moved for real.
    opaque = question is not None and _opaque(trace)
    run = execute(trace, question, record=bool(checks) or opaque)
    if opaque and run.program is not None:  # constants in disguise (ceil(min / max)) obey the constant rules
        still = run.program.still(variants.dependence_draws(question))
        if still:
            run = execute(trace, question, record=True, still=still)
    failed = run.error is not None or run.value is None
    if failed:
        checked = _outcome("invalid", error=run.error, step=run.step, subtrace=run.subtrace, expert=trace.expert)
    elif opaque and _stays_put(run, variants.dependence_draws(question)):
        checked = _outcome("invalid", expert=trace.expert, error=(
            "the answer does not depend on the question: it stays "
            f"{format_number(run.value)} when the question's numbers change; compute it from them"))
    else:
        checked = _outcome(RUNS, answer=run.value, expert=trace.expert)
    if not graded:
        return checked, checked
    if wrong_expert:  # the label is checked before validity
        return _wrong_expert(trace), checked
    # An answer that stays put is invalid, unless the gold program stays put as well.
    if checked.category == "invalid" and (failed or gold is None or variants.gold_moves(gold, question)):
        return checked, checked
    return _graded(run, trace, answer, question, checks), checked


def _wrong_expert(trace: Trace) -> Outcome:
    return _outcome("wrong_expert", expert=trace.expert,
                    error=f"expert {trace.expert!r} does not match the problem's expert")


def _graded(run: Execution, trace: Trace, answer: object, question: str | None,
            checks: tuple[variants.Variant, ...]) -> Outcome:
    """The grade of a trace that ran: its answer against the gold, then its program on variants."""
    try:
        gold_answer = parse_number(answer)
    except ValueError as err:
        return _outcome("wrong_answer", answer=run.value, expert=trace.expert, error=f"gold answer unusable: {err}")
    n = len(checks)
    if not _matches(run.value, gold_answer):
        return _outcome("wrong_answer", answer=run.value, expert=trace.expert, variants=n)
    if checks:  # right on the problem: is it the problem's program? Some binding of tied quantities
        misses = [_first_miss(run.program, checks, binding) for binding in variants.bindings(question)]
        if all(misses):
            return _outcome("wrong_answer", answer=run.value, expert=trace.expert, variants=n, error=(
                f"{WRONG_PROGRAM}: with the question's numbers changed (variant {misses[0]} of {n}) the trace "
                "no longer matches the problem's program"))
    return _outcome("correct", answer=run.value, expert=trace.expert, variants=n)


def _first_miss(program: Program, checks: tuple[variants.Variant, ...], binding: dict[str, str]) -> int:
    """The 1-based number of the first variant the program gets wrong; 0 when it gets none wrong."""
    for k, check in enumerate(checks, 1):
        alt = program.run(variants.rebind(check.draw, binding))
        if alt is None or (alt != check.answer and not _matches(Fraction(alt), Fraction(check.answer))):
            return k
    return 0


def _opaque(trace: Trace) -> bool:
    return any(step.compute_op in SELECTING_OPS for sub in trace.subtraces for step in sub.steps)


def _stays_put(run: Execution, draws: tuple[dict, ...]) -> bool:
    """The answer never moves on the draws where the trace runs, though the question's numbers do."""
    ran = [a for a in (run.program.run(d) for d in draws) if a is not None]  # type: ignore[union-attr]
    return bool(ran) and all(a == run.value for a in ran)
