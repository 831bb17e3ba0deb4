"""Run a trace exactly: single assignment, grounding, provenance, limits.

Every value carries its provenance (``solver.provenance``): the queried value must not merely pass
a given number along, and the answer must depend on the question. Constants need their cue in the
question, may not be negative, add/sub/min/max need an operand from the question, and each
constant is used at most ``MAX_CONSTANT_USES`` times.

Nothing here raises for a bad trace: every problem becomes ``Execution.error`` with the failing
step and sub-trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

from . import provenance as prov
from .constants import CONSTANT_VALUES, CONSTANTS, COUNTING_CONSTANTS, UNIT_CONSTANTS, question_constants
from .limits import MAX_CONSTANT_USES
from .memo import remembered
from .numbers import Number, format_number, normalize
from .ops import check, compute, percent
from .quantities import _extract, question_grounds
from .schema import Operand, Step, SubTrace, Trace, TraceError, build_trace, where


@dataclass(frozen=True)
class Execution:
    value: Fraction | None  # the last sub-trace's queried value; None on error
    error: str | None = None
    step: int | None = None  # 0-based failing step within the failing sub-trace
    subtrace: int | None = None  # 0-based failing sub-trace (composed traces only)
    results: tuple[Fraction, ...] = ()  # queried value of each sub-trace that completed
    program: Program | None = None  # with record=True: the trace as a program to run on variants

    @property
    def ok(self) -> bool:
        return self.error is None


class _Value(NamedTuple):
    """A value in a trace: exact number, provenance signature, and the constant whose use budget
    it spends (a table constant, or a 1 or 2 the question states; None for anything computed)."""

    number: Number
    sig: prov.Sig
    constant: Fraction | None = None
    constant_only: bool = False  # computed from table constants alone (no number of the question)
    slot: int = -1  # where the recorded program computes it (-1: not recording)


_COUNTING_OPS = frozenset({"add", "sub", "min", "max"})


class _Context:
    """What a sub-trace can see: grounding, question quantities, earlier results, provenance."""

    __slots__ = ("question", "grounds", "_constants", "quantities", "results", "index", "composed", "given",
                 "constant_uses", "taken", "tape", "still", "notes", "fetched")

    def __init__(self, question: str | None, composed: bool, record: bool = False,
                 still: frozenset[int] = frozenset()) -> None:
        self.question = question
        self.grounds = question_grounds(question) if question is not None else None
        self._constants: frozenset[Fraction] | None = None if question is not None else frozenset()
        self.quantities = _extract(question) if question is not None else None
        self.results: list[_Value] = []
        self.index = 0
        self.composed = composed
        self.given: set[prov.Sig] = set()  # signatures of given numbers and earlier results
        self.constant_uses: dict[Fraction, int] = {}
        self.taken: set[int] = set()  # quantities the trace has read, by ref or by value
        self.tape: list[tuple] | None = [] if record else None  # the program, step by step (Program)
        self.still = still  # slots found constant on the draws (Program.still)
        self.notes: list[StepRun] | None = None  # with `explain`: each step as it ran
        self.fetched: list[tuple[Operand, _Value]] = []  # with `explain`: the current step's operands

    def record(self, kind: int, x: object, y: object, number: Number) -> int:
        """Append one value's instruction to the program; its slot (-1 when not recording)."""
        if self.tape is None:
            return -1
        self.tape.append((kind, x, y, number))
        return len(self.tape) - 1

    @property
    def has_others(self) -> bool:
        """Whether the question states a number other than 1 and 2. If it does not ("a bag of
        chips, then twice as many"), its 1s and 2s are all it has, and count as full quantities."""
        return _states_others(self.question)  # type: ignore[arg-type]

    @property
    def constants(self) -> frozenset[Fraction]:
        """The constants the question's cues allow (looked up only when a literal needs them)."""
        if self._constants is None:
            self._constants = question_constants(self.question)  # type: ignore[arg-type]
        return self._constants

    def given_value(self, value: Number, ref: int | None = None) -> _Value:
        """A number of the question (or any literal, when grading without a question)."""
        key = self._quantity_key(abs(value), ref)
        sig = prov.quantity(self.question, key)
        self.given.add(sig)
        return _Value(check(value), prov.sub(prov.constant(0), sig) if value < 0 else sig,
                      slot=self.record(_GIVEN, key, value < 0, value))

    def _quantity_key(self, magnitude: Number, ref: int | None) -> Number | str:
        """Stand-ins belong to quantities: two equal numbers of the question are two quantities ("3
        oranges, 6 lemons, 3 eaten"). A literal reads the first quantity of its value that the trace
        has not read yet (the last one once all are read), so a number stated once cancels with
        itself however it is written; other grounds (25 of "25%" as 0.25, the 12 of "N dozen") are
        keyed by value."""
        if self.quantities is None:
            return magnitude
        if ref is None:
            indices = _quantity_indices(self.question).get(magnitude)  # type: ignore[arg-type]
            if not indices:
                return magnitude
            ref = next((i for i in indices if i not in self.taken), indices[-1])
        self.taken.add(ref)
        return f"#{ref}"

    def ambiguous_value(self, value: Number) -> _Value:
        """A number the question states that is also a counting constant ("one bundle", "2 packs",
        "half") in a question that states other numbers too: a stand-in of its own, so
        cancellations and pass-throughs are still seen, but one that counts as a constant for
        question dependence (the same in every draw). Otherwise a question that says "one" and
        "two" would let 1s and 2s spell any answer."""
        sig = prov.quantity(self.question, abs(value))
        sig = (sig[0],) * len(sig)
        self.given.add(sig)
        # Its uses count against the constant budget too: "48 + 1 + 1 + 1 + ..." in a question that
        # says "one" somewhere is head arithmetic in unary.
        return _Value(check(value), prov.sub(prov.constant(0), sig) if value < 0 else sig, Fraction(abs(value)),
                      slot=self.record(_FIXED, None, None, value))

    def literal(self, value: Number, what: str) -> _Value:
        grounds = self.grounds
        if grounds is not None and abs(value) in COUNTING_CONSTANTS and abs(value) in grounds:
            if self.has_others:
                return self.ambiguous_value(value)
            # Only 1s and 2s in the question: full quantities, but their uses still count against
            # the constant budget, so they cannot spell a large answer.
            return self.given_value(value)._replace(constant=Fraction(abs(value)))
        if grounds is None or value in grounds or -value in grounds:
            return self.given_value(value)
        if value in self.constants:
            return _Value(check(value), prov.constant(value), Fraction(value), True,
                          self.record(_FIXED, None, None, value))
        if value < 0 and -value in self.constants:
            raise TraceError(f"{what} {format_number(Fraction(value))}: constants are never negative "
                             "(subtract instead)")
        if abs(value) in CONSTANT_VALUES:
            meaning = CONSTANTS[abs(Fraction(value))]
            raise TraceError(
                f"{what} {format_number(Fraction(value))} is not in the question; as a constant ({meaning}) "
                "it needs the question to name its unit"
            )
        raise TraceError(
            f"{what} {format_number(Fraction(value))} does not appear in the question and is not a "
            "known constant; use only numbers from the question (or ref: N)"
        )

    def use(self, value: _Value, counting: bool) -> None:
        """Count a use of a table constant: a handful per trace converts units; more spells numbers.
        A 1 or 2 the question states counts only where it counts up or down (add, sub, min, max,
        entity amounts): "48 + 1 + 1 + ..." spells a number, doubling five times is the problem's."""
        if value.constant is None or not (value.constant_only or counting):
            return
        uses = self.constant_uses[value.constant] = self.constant_uses.get(value.constant, 0) + 1
        if uses > MAX_CONSTANT_USES:
            raise TraceError(
                f"the constant {format_number(value.constant)} is used more than {MAX_CONSTANT_USES} times; "
                "constants convert units, they do not build numbers"
            )


@remembered(4096)
def _quantity_indices(question: str) -> dict[Number, tuple[int, ...]]:
    """Each value the question states -> the 1-based indices of its quantities (values normalised,
    so an int looks up without building a Fraction)."""
    indices: dict[Number, list[int]] = {}
    for i, q in enumerate(_extract(question), 1):
        indices.setdefault(normalize(q.value), []).append(i)
    return {value: tuple(found) for value, found in indices.items()}


@remembered(4096)
def _states_others(question: str) -> bool:
    return any(value not in COUNTING_CONSTANTS for value in _quantity_indices(question))


_GIVEN, _FIXED, _COMPUTE, _PERCENT, _TAKE, _GAIN = range(6)  # Program instructions
# Steps signatures cannot follow exactly: they select an operand or round (solver.provenance).
SELECTING_OPS = frozenset({"min", "max", "floor", "ceil", "round", "floordiv", "mod", "pow"})
_RUN_FAILURES = (TraceError, ArithmeticError, ValueError)


@dataclass(frozen=True)
class Program:
    """A trace as it ran: one instruction per value, so it can run again on a variant of the
    question (`solver.variants`) without parsing, grounding or provenance. A number of the
    question is read by its quantity ("#3") or, for the other grounds, by value; a variant's
    draw gives its new value, and every other number stays."""

    tape: tuple[tuple, ...]
    answer: int  # the slot of the answer

    @property
    def value(self) -> Number:
        """The answer as the trace computed it on the question itself."""
        return self.tape[self.answer][3]

    def run(self, draw: dict, domain: bool = False) -> Number | None:
        """The answer with the question's numbers taken from `draw`; None where the trace fails
        there (a division by zero, an entity below zero, a limit). With `domain=True` (a gold
        program), also None where a value that was whole is not, a value that was not negative
        is, or the answer changes sign: the variant is outside the problem's domain."""
        values = self.values(draw, domain)
        if values is None:
            return None
        answer = values[self.answer]
        if domain and (answer > 0) != (self.value > 0):
            return None
        return answer

    def arithmetic(self) -> list[tuple[str, tuple[Number, ...], Number]]:
        """The computations of the trace as it ran, in order: (operation, operand values, result).
        Operations are compute ops ("add", "ceil", ...), percent ops, "take" and "gain" (an
        entity losing or receiving an amount). What a chain-of-thought rendering of it needs."""
        out = []
        for kind, x, y, number in self.tape:
            if kind == _COMPUTE:
                out.append((x, tuple(self.tape[i][3] for i in y), number))
            elif kind == _PERCENT:
                out.append((x, (self.tape[y[0]][3], self.tape[y[1]][3]), number))
            elif kind in (_TAKE, _GAIN):
                out.append(("take" if kind == _TAKE else "gain", (self.tape[x][3], self.tape[y][3]), number))
        return out

    def still(self, draws: Sequence[dict]) -> frozenset[int]:
        """The slots of selecting and rounding steps (min, max, floor, ceil, round, floordiv, mod,
        pow) whose operands move on the draws while their result never does: `ceil(min / max)` is
        1 whatever the question says. Signatures cannot see these constants in disguise."""
        runs = [v for v in (self.values(d) for d in draws) if v is not None]
        out = set()
        for slot, (kind, cop, operands, number) in enumerate(self.tape):
            if kind != _COMPUTE or cop not in SELECTING_OPS:
                continue
            if all(run[slot] == number for run in runs) and any(
                    run[i] != self.tape[i][3] for run in runs for i in operands):
                out.add(slot)
        return frozenset(out) if runs else frozenset()

    def values(self, draw: dict, domain: bool = False) -> list[Number] | None:
        """Every slot's value on `draw` (None where the trace fails there, or leaves the domain)."""
        values: list[Number] = []
        for kind, x, y, number in self.tape:
            try:
                if kind == _GIVEN:
                    new = draw.get(x)
                    value = number if new is None else (-new if y else new)
                elif kind == _FIXED:
                    value = number
                elif kind == _COMPUTE:
                    value = check(compute(x, [values[i] for i in y])[0])
                elif kind == _PERCENT:
                    value = check(percent(x, values[y[0]], values[y[1]])[0])
                else:
                    held, amount = values[x], values[y]
                    if amount < 0 or (kind == _TAKE and held < amount):
                        return None
                    value = check(held - amount if kind == _TAKE else held + amount)
            except _RUN_FAILURES:
                return None
            if domain and ((number.denominator == 1 and value.denominator != 1) or (number >= 0 > value)):
                return None
            values.append(value)
        return values


def _fetch(env: dict[str, _Value], ctx: _Context, operand: Operand, what: str, counting: bool = False) -> _Value:
    if type(operand) is str:
        if operand not in env:
            raise TraceError(f"{what} {operand!r} is not defined")
        value = env[operand]
    else:
        value = ctx.literal(operand, what)
    ctx.use(value, counting)
    if ctx.notes is not None:
        ctx.fetched.append((operand, value))
    return value


def _source(step: Step, ctx: _Context) -> _Value:
    source = step.source or ""
    if not ctx.composed:
        raise TraceError(f"source {source} only works in a composed trace (a list of sub-traces)")
    if source == "prev.result":
        if ctx.index == 0:
            raise TraceError("source prev.result in the first sub-trace: there is no previous result")
        return ctx.results[ctx.index - 1]
    n = int(source[3:-7])
    if n > ctx.index:
        raise TraceError(f"source {source} is not an earlier sub-trace (this is sub-trace {ctx.index + 1})")
    return ctx.results[n - 1]


def _init(step: Step, ctx: _Context) -> _Value:
    if step.value is not None:
        return ctx.literal(step.value, "value")
    if step.ref is not None:
        if ctx.quantities is None:
            raise TraceError("ref needs the question (grade or execute with question=...)")
        if step.ref > len(ctx.quantities):
            raise TraceError(f"ref {step.ref}, but the question has only {len(ctx.quantities)} quantities")
        return ctx.given_value(ctx.quantities[step.ref - 1].value, step.ref)
    return _source(step, ctx)


def _define(env: dict[str, _Value], name: str) -> None:
    if name in env:
        raise TraceError(f"variable {name!r} is already defined; variables are single-assignment")


def _compute(step: Step, env: dict[str, _Value], ctx: _Context) -> _Value:
    cop = step.compute_op or ""
    args = [_fetch(env, ctx, a, "arg", cop in _COUNTING_OPS) for a in step.args]
    constant_only = all(a.constant_only for a in args)
    if cop in _COUNTING_OPS and constant_only:
        raise TraceError(f"{cop} of constants alone: at least one operand must come from the question")
    result, through = compute(cop, [a.number for a in args])
    sigs = [a.sig for a in args]
    if cop == "add":
        sig = prov.add(sigs)
    elif cop == "mul":
        sig = prov.mul(sigs)
    elif cop == "sub":
        sig = prov.sub(*sigs)
    elif cop == "div":
        sig = prov.div(*sigs)
    elif cop in ("min", "max"):  # the result is the operand they select
        sig = sigs[through]  # type: ignore[index]
    elif cop in ("floor", "ceil", "round"):  # x less the rounding residue of this run
        sig = prov.sub(sigs[0], prov.constant(args[0].number - result))
    elif cop == "floordiv":  # (a - (a mod b)) / b
        sig = prov.div(prov.sub(sigs[0], prov.constant(args[0].number - result * args[1].number)), sigs[1])
    elif cop == "mod":  # a - b * (a // b)
        sig = prov.sub(sigs[0], prov.scale(sigs[1], (args[0].number - result) // args[1].number))
    elif cop == "pow" and not prov.depends_on_question(sigs[1]):
        sig = prov.power(sigs[0], args[1].number)  # type: ignore[arg-type]  # a whole number: checked by pow
    else:  # pow with an exponent that depends on the question
        sig = prov.opaque(cop, *sigs)
    result = check(result)
    slot = ctx.record(_COMPUTE, cop, [a.slot for a in args], result)
    if slot in ctx.still or not prov.depends_on_question(sig) and any(prov.depends_on_question(s) for s in sigs):
        # Computed from question numbers, yet the same whatever they are (div [q, q] is 1): a
        # constant in disguise, which obeys the constant rules (no add of constants alone, the
        # use budget of its value), or one question number spells any answer by doublings. (The
        # 1s and 2s a question states already count as constants where they count.)
        return _Value(result, sig, Fraction(result), True, slot)
    return _Value(result, _passed(sig, sigs, through), None, constant_only, slot)


def _passed(formula: prov.Sig, sigs: list[prov.Sig], through: int | None) -> prov.Sig:
    """The provenance of a step's result. When the other operands are neutral by value (add
    [x, 0], mul [x, 2, 1/2], a 0 or 1 that was computed), the result passes operand `through`
    along, whatever their formulas; unless the formula shows the result does not depend on the
    question at all (div [b, b] is 1, not b)."""
    if through is None or not prov.depends_on_question(formula):
        return formula
    return sigs[through]


_HUNDREDTH = Fraction(1, 100)


def _percent(step: Step, env: dict[str, _Value], ctx: _Context) -> _Value:
    base = _fetch(env, ctx, step.base, "base")  # type: ignore[arg-type]
    rate = _fetch(env, ctx, step.rate, "rate")  # type: ignore[arg-type]
    result, through = percent(step.op, base.number, rate.number)  # through: rate 100 or 0, base 100
    share = rate.sig
    if step.op == "percent_off":
        share = prov.sub(prov.constant(100), rate.sig)
    elif step.op == "percent_increase":
        share = prov.add([prov.constant(100), rate.sig])
    formula = prov.scale(prov.mul([base.sig, share]), _HUNDREDTH)
    result = check(result)
    slot = ctx.record(_PERCENT, step.op, (base.slot, rate.slot), result)
    return _Value(result, _passed(formula, [base.sig, rate.sig], through), None,
                  base.constant_only and rate.constant_only, slot)


def _entity(step: Step, env: dict[str, _Value], ctx: _Context) -> None:
    amount = _fetch(env, ctx, step.amount, "amount", counting=True)  # type: ignore[arg-type]
    if amount.number < 0:
        raise TraceError(f"amount must not be negative, got {format_number(Fraction(amount.number))}")
    if step.op == "transfer":
        giver, taker = step.giver or "", step.taker or ""
        if giver == taker:
            raise TraceError(f"transfer from {giver!r} to itself")
        if giver not in env:
            raise TraceError(f"transfer from {giver!r}, which is not defined")
        env[giver] = _take(env[giver], amount, giver, "give", ctx)
        _receive(env, taker, amount, ctx)
    elif step.op == "consume":
        name = step.var or ""
        if name not in env:
            raise TraceError(f"consume from {name!r}, which is not defined")
        env[name] = _take(env[name], amount, name, "consume", ctx)
    else:
        _receive(env, step.var or "", amount, ctx)


def _take(holder: _Value, amount: _Value, name: str, verb: str, ctx: _Context) -> _Value:
    left = check(holder.number - amount.number)
    if left < 0:
        raise TraceError(f"{name!r} has {format_number(Fraction(holder.number))}, cannot {verb} "
                         f"{format_number(Fraction(amount.number))}")
    formula = prov.sub(holder.sig, amount.sig)
    return _Value(left, _passed(formula, [holder.sig], 0 if amount.number == 0 else None), None,
                  holder.constant_only and amount.constant_only, ctx.record(_TAKE, holder.slot, amount.slot, left))


def _receive(env: dict[str, _Value], name: str, amount: _Value, ctx: _Context) -> None:
    """An entity gains `amount`. A new entity just holds the amount; one that holds 0 passes the
    amount along, and an amount of 0 passes the holding along."""
    held = env.get(name)
    if held is None:
        env[name] = amount
        return
    through = 1 if held.number == 0 else (0 if amount.number == 0 else None)
    formula = prov.add([held.sig, amount.sig])
    total = check(held.number + amount.number)
    env[name] = _Value(total, _passed(formula, [held.sig, amount.sig], through), None,
                       held.constant_only and amount.constant_only, ctx.record(_GAIN, held.slot, amount.slot, total))


def _query(env: dict[str, _Value], ctx: _Context, name: str, last: bool) -> _Value:
    if name not in env:
        raise TraceError(f"{name!r} is not defined")
    value = env[name]
    if value.sig in ctx.given:
        raise TraceError(
            f"{name!r} is not computed: it holds a number given in the problem (or passes one along "
            "through steps that cancel out, like add x 0, mul x 1, or add 7 then sub 7); the answer "
            "must come from computation"
        )
    if last and not prov.depends_on_question(value.sig):
        raise TraceError(
            f"{name!r} does not depend on any quantity of the question: it is built from constants alone "
            "(or the question's numbers cancel out); the answer must be computed from the question"
        )
    return value


def _run_subtrace(sub: SubTrace, ctx: _Context, last: bool) -> _Value:
    env: dict[str, _Value] = {}
    for i, step in enumerate(sub.steps):
        try:
            op = step.op
            if op == "init":
                _define(env, step.var)  # type: ignore[arg-type]
                value = _init(step, ctx)
                if step.source is not None:
                    ctx.given.add(value.sig)
                env[step.var] = value  # type: ignore[index]
            elif op == "compute":
                _define(env, step.var)  # type: ignore[arg-type]
                env[step.var] = _compute(step, env, ctx)  # type: ignore[index]
            elif op == "query":
                answer = _query(env, ctx, step.var or "", last)
                if ctx.notes is not None:
                    _note(ctx, env, i, step)
                return answer
            elif op.startswith("percent_"):
                _define(env, step.var)  # type: ignore[arg-type]
                env[step.var] = _percent(step, env, ctx)  # type: ignore[index]
            else:
                _entity(step, env, ctx)
        except TraceError as err:
            if ctx.notes is not None:
                _note(ctx, env, i, step, str(err))
            raise _Located(i, str(err), op) from None
        if ctx.notes is not None:
            _note(ctx, env, i, step)
    raise _Located(None, "trace has no query step")


class _Located(Exception):
    def __init__(self, step: int | None, message: str, op: str | None = None) -> None:
        super().__init__(message)
        self.step = step
        self.op = op


def execute(trace: Trace | dict | list | str, question: str | None = None, record: bool = False,
            still: frozenset[int] = frozenset()) -> Execution:
    """Execute a parsed trace (or plain data / text, parsed first) against an optional question.

    With `record=True` (and a question), `Execution.program` can run the same trace again on
    variants of the question (`solver.variants`)."""
    if isinstance(trace, str):
        from .extract import parse_trace

        parsed = parse_trace(trace)
        if parsed is None:
            return Execution(None, "no trace found in the text")
        trace = parsed
    elif not isinstance(trace, Trace):
        trace = build_trace(trace)
    if trace.error is not None:
        return Execution(None, trace.error, trace.step, trace.subtrace)
    ctx = _Context(question, trace.composed, record and question is not None, still)
    last = len(trace.subtraces) - 1
    for k, sub in enumerate(trace.subtraces):
        ctx.index = k
        try:
            ctx.results.append(_run_subtrace(sub, ctx, k == last))
        except _Located as err:
            sub_index = k if trace.composed else None
            return Execution(None, where(err.step, sub_index, err.op) + str(err), err.step, sub_index,
                             tuple(Fraction(r.number) for r in ctx.results))
    results = tuple(Fraction(r.number) for r in ctx.results)
    program = Program(tuple(ctx.tape), ctx.results[-1].slot) if ctx.tape is not None else None
    return Execution(results[-1], results=results, program=program)


class Source(NamedTuple):
    """Where one number a step read came from (`explain`)."""

    written: str  # the operand as the trace wrote it: a name, a literal, "ref 3", "prev.result"
    value: Fraction | None  # its value (None where the step failed before reading it)
    kind: str  # "quantity" | "question" | "constant" | "variable" | "result" | "literal"
    ref: int | None = None  # "quantity" (and "question" where one grounds it): 1-based quantity of the question
    meaning: str | None = None  # "constant": what the constant stands for


@dataclass(frozen=True)
class StepRun:
    """One step of a trace as it ran (`explain`)."""

    subtrace: int | None  # 0-based sub-trace (composed traces only)
    step: int  # 0-based step within its sub-trace
    op: str
    text: str  # the step in one line: "total = add(apples, pears)"
    sources: tuple[Source, ...] = ()  # the numbers it read, in order
    values: tuple[tuple[str, Fraction], ...] = ()  # what it set: (variable or entity, value)
    error: str | None = None  # why it failed (the step the run stopped at)
    ran: bool = True  # False: the run stopped before this step (or the trace did not build)


def _operand_text(operand: Operand | None) -> str:
    if operand is None:
        return "?"
    return operand if type(operand) is str else format_number(Fraction(operand))  # type: ignore[arg-type]


def _step_text(step: Step) -> str:
    """A step in one line, for people: "c = add(a, b)", "transfer 3 from ann to bob"."""
    op, var = step.op, step.var or "?"
    if op == "init":
        if step.ref is not None:
            return f"{var} = ref {step.ref}"
        return f"{var} = {step.source if step.source is not None else _operand_text(step.value)}"
    if op == "compute":
        return f"{var} = {step.compute_op}({', '.join(_operand_text(a) for a in step.args)})"
    if op.startswith("percent_"):
        return f"{var} = {op}({_operand_text(step.base)}, {_operand_text(step.rate)})"
    if op == "transfer":
        return f"transfer {_operand_text(step.amount)} from {step.giver} to {step.taker}"
    if op == "consume":
        return f"consume {_operand_text(step.amount)} from {var}"
    if op == "add_entity":
        return f"add {_operand_text(step.amount)} to {var}"
    return f"query {var}"


def _constant_meaning(value: Fraction) -> str | None:
    if value in CONSTANTS:
        return CONSTANTS[value]
    return next((meaning for _, values, meaning in UNIT_CONSTANTS if value in values), None)


def _origin(ctx: _Context, written: str, operand: Operand | None, value: _Value) -> Source:
    number = Fraction(value.number)
    if type(operand) is str:
        return Source(written, number, "variable")
    if ctx.tape is None or value.slot < 0:
        return Source(written, number, "literal")
    kind, key = ctx.tape[value.slot][:2]
    if kind == _GIVEN and isinstance(key, str) and key.startswith("#"):
        return Source(written, number, "quantity", int(key[1:]))
    if kind == _FIXED and value.constant_only:
        return Source(written, number, "constant", meaning=_constant_meaning(abs(number)))
    # Another number the question states: a ground of a quantity (the 0.25 of "25%", the 12 of
    # "a dozen"), or a 1 or 2 it states ("one", "twice") where it states other numbers too (counted
    # as a constant). `ref`: the first quantity that grounds it.
    ref = next((n for n, q in enumerate(ctx.quantities or (), 1) if abs(number) in q.grounds), None)
    return Source(written, number, "question", ref)


def _note(ctx: _Context, env: dict[str, _Value], i: int, step: Step, error: str | None = None) -> None:
    """Record one step as it ran (`explain`): the numbers it read, where they came from, what it set."""
    fetched, ctx.fetched = ctx.fetched, []
    op = step.op
    if op == "init":
        written = (f"ref {step.ref}" if step.ref is not None else step.source if step.source is not None
                   else _operand_text(step.value))
        value = env.get(step.var or "") if error is None else None
        if value is None:
            literal = None if step.value is None else Fraction(step.value)
            sources: tuple[Source, ...] = (Source(written, literal, "literal"),)
        elif step.source is not None:
            sources = (Source(written, Fraction(value.number), "result"),)
        else:
            sources = (_origin(ctx, written, step.value if step.ref is None else None, value),)
    else:
        sources = tuple(_origin(ctx, _operand_text(o), o, v) for o, v in fetched)
    names = {"transfer": (step.giver, step.taker)}.get(op, (step.var,))
    values = () if error is not None else tuple(
        (name, Fraction(env[name].number)) for name in names if name is not None and name in env)
    ctx.notes.append(StepRun(ctx.index if ctx.composed else None, i, op, _step_text(step), sources,  # type: ignore[union-attr]
                             values, error))


def explain(trace: Trace | dict | list | str, question: str | None = None) -> list[StepRun]:
    """Every step of a trace as `execute` runs it against `question`: the values it set, the numbers
    it read and where each came from (a numbered quantity of the question, another number the
    question states, a constant with its meaning, a variable, an earlier sub-trace's result), and
    the error of the step the run stopped at. Steps after it come with `ran=False`, as do all the
    steps of a trace that does not build (its error is `Trace.error`). Text is read as `grade`
    reads it; an empty list when no trace is found. For people reading traces (the HTML report),
    not for grading: `execute` alone decides."""
    if isinstance(trace, str):
        from .extract import find_trace

        trace = find_trace(trace)[0]  # type: ignore[assignment]
        if trace is None:
            return []
    elif not isinstance(trace, Trace):
        trace = build_trace(trace)
    steps = [(k if trace.composed else None, i, step) for k, sub in enumerate(trace.subtraces)
             for i, step in enumerate(sub.steps)]
    notes: list[StepRun] = []
    if trace.error is None:
        ctx = _Context(question, trace.composed, question is not None)
        ctx.notes = notes
        for k, sub in enumerate(trace.subtraces):
            ctx.index = k
            try:
                ctx.results.append(_run_subtrace(sub, ctx, k == len(trace.subtraces) - 1))
            except _Located:
                break
    return notes + [StepRun(k, i, step.op, _step_text(step), ran=False) for k, i, step in steps[len(notes):]]
