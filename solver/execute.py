"""Run a trace exactly: single assignment, grounding, anti-short-circuit, limits.

Nothing here raises for a bad trace: every problem becomes ``Execution.error`` with the failing
step and sub-trace.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .numbers import Number, format_number
from .ops import check, compute, percent
from .quantities import _extract, grounded_values
from .schema import Operand, Step, SubTrace, Trace, TraceError, build_trace, where


@dataclass(frozen=True)
class Execution:
    value: Fraction | None  # the last sub-trace's queried value; None on error
    error: str | None = None
    step: int | None = None  # 0-based failing step within the failing sub-trace
    subtrace: int | None = None  # 0-based failing sub-trace (composed traces only)
    results: tuple[Fraction, ...] = ()  # queried value of each sub-trace that completed

    @property
    def ok(self) -> bool:
        return self.error is None


class _Context:
    """What a sub-trace can see: grounding set, question quantities, earlier results."""

    __slots__ = ("grounded", "quantities", "results", "index", "composed")

    def __init__(self, question: str | None, composed: bool) -> None:
        self.grounded = grounded_values(question) if question is not None else None
        self.quantities = _extract(question) if question is not None else None
        self.results: list[Number] = []
        self.index = 0
        self.composed = composed

    def literal(self, value: Number, what: str) -> Number:
        grounded = self.grounded
        if grounded is not None and value not in grounded and -value not in grounded:
            raise TraceError(
                f"{what} {format_number(Fraction(value))} does not appear in the question and is not a "
                "known constant; use only numbers from the question (or ref: N)"
            )
        return check(value)


def _fetch(env: dict[str, Number], computed: dict[str, bool], ctx: _Context, operand: Operand,
           what: str) -> tuple[Number, bool]:
    if type(operand) is str:
        if operand not in env:
            raise TraceError(f"{what} {operand!r} is not defined")
        return env[operand], computed[operand]
    return ctx.literal(operand, what), False


def _source(step: Step, ctx: _Context) -> Number:
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


def _init(step: Step, ctx: _Context) -> Number:
    if step.value is not None:
        return ctx.literal(step.value, "value")
    if step.ref is not None:
        if ctx.quantities is None:
            raise TraceError("ref needs the question (grade or execute with question=...)")
        if step.ref > len(ctx.quantities):
            raise TraceError(f"ref {step.ref}, but the question has only {len(ctx.quantities)} quantities")
        return check(ctx.quantities[step.ref - 1].value)
    return _source(step, ctx)


def _define(env: dict[str, Number], name: str) -> None:
    if name in env:
        raise TraceError(f"variable {name!r} is already defined; variables are single-assignment")


def _entity(step: Step, env: dict[str, Number], computed: dict[str, bool], ctx: _Context) -> None:
    amount, amount_computed = _fetch(env, computed, ctx, step.amount, "amount")  # type: ignore[arg-type]
    if amount < 0:
        raise TraceError(f"amount must not be negative, got {format_number(Fraction(amount))}")
    if step.op == "transfer":
        giver, taker = step.giver or "", step.taker or ""
        if giver == taker:
            raise TraceError(f"transfer from {giver!r} to itself")
        if giver not in env:
            raise TraceError(f"transfer from {giver!r}, which is not defined")
        left = check(env[giver] - amount)
        if left < 0:
            raise TraceError(f"{giver!r} has {format_number(Fraction(env[giver]))}, cannot give {format_number(Fraction(amount))}")
        env[giver] = left
        computed[giver] = computed[giver] or amount != 0
        _receive(env, computed, taker, amount, amount_computed)
    elif step.op == "consume":
        name = step.var or ""
        if name not in env:
            raise TraceError(f"consume from {name!r}, which is not defined")
        left = check(env[name] - amount)
        if left < 0:
            raise TraceError(f"{name!r} has {format_number(Fraction(env[name]))}, cannot consume {format_number(Fraction(amount))}")
        env[name] = left
        computed[name] = computed[name] or amount != 0
    else:
        _receive(env, computed, step.var or "", amount, amount_computed)


def _receive(env: dict[str, Number], computed: dict[str, bool], name: str, amount: Number, amount_computed: bool) -> None:
    """An entity gains `amount`; a new entity starts from 0, so it just holds the amount."""
    if name in env:
        env[name] = check(env[name] + amount)
        computed[name] = computed[name] or amount != 0
    else:
        env[name] = amount
        computed[name] = amount_computed


def _run_subtrace(sub: SubTrace, ctx: _Context) -> Number:
    env: dict[str, Number] = {}
    computed: dict[str, bool] = {}
    for i, step in enumerate(sub.steps):
        try:
            op = step.op
            if op == "init":
                _define(env, step.var)  # type: ignore[arg-type]
                env[step.var] = _init(step, ctx)  # type: ignore[index]
                computed[step.var] = False  # type: ignore[index]
            elif op == "compute":
                _define(env, step.var)  # type: ignore[arg-type]
                fetched = [_fetch(env, computed, ctx, a, "arg") for a in step.args]
                result, through = compute(step.compute_op or "", [v for v, _ in fetched])
                env[step.var] = check(result)  # type: ignore[index]
                computed[step.var] = True if through is None else fetched[through][1]  # type: ignore[index]
            elif op == "query":
                name = step.var or ""
                if name not in env:
                    raise TraceError(f"{name!r} is not defined")
                if not computed[name]:
                    raise TraceError(
                        f"{name!r} is not computed: it holds a number given in the problem (or passes one "
                        "along through identity steps like add x 0 or mul x 1); the answer must come from computation"
                    )
                return env[name]
            elif op.startswith("percent_"):
                _define(env, step.var)  # type: ignore[arg-type]
                base = _fetch(env, computed, ctx, step.base, "base")  # type: ignore[arg-type]
                rate = _fetch(env, computed, ctx, step.rate, "rate")  # type: ignore[arg-type]
                result, through = percent(op, base[0], rate[0])
                env[step.var] = check(result)  # type: ignore[index]
                computed[step.var] = True if through is None else (base, rate)[through][1]  # type: ignore[index]
            else:
                _entity(step, env, computed, ctx)
        except TraceError as err:
            raise _Located(i, str(err), op) from None
    raise _Located(None, "trace has no query step")


class _Located(Exception):
    def __init__(self, step: int | None, message: str, op: str | None = None) -> None:
        super().__init__(message)
        self.step = step
        self.op = op


def execute(trace: Trace | dict | list | str, question: str | None = None) -> Execution:
    """Execute a parsed trace (or plain data / text, parsed first) against an optional question."""
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
    ctx = _Context(question, trace.composed)
    for k, sub in enumerate(trace.subtraces):
        ctx.index = k
        try:
            ctx.results.append(_run_subtrace(sub, ctx))
        except _Located as err:
            sub_index = k if trace.composed else None
            return Execution(None, where(err.step, sub_index, err.op) + str(err), err.step, sub_index,
                             tuple(Fraction(r) for r in ctx.results))
    results = tuple(Fraction(r) for r in ctx.results)
    return Execution(results[-1], results=results)
