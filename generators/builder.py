"""Build gold traces as plain data while tracking every value exactly.

The builder is a tiny independent evaluator: patterns use the values it tracks to keep
numbers sensible (positive, whole), and the final answer it reports is checked against the
real solver at generation time, so the two implementations verify each other.

Naming follows the seed's best run ("hybrid"): inits get names grounded in the question
(`eggs`, `tom.marbles`, `price`), intermediates get fixed scaffolding (`step1`, `step2`, ...)
and the last compute is always `result`.
"""

from __future__ import annotations

import re
from fractions import Fraction

from .numbers import as_fraction, trace_value

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")

Num = int | str | Fraction


class Reject(Exception):
    """The sampled numbers do not make a sensible problem; the pattern samples again."""


class BuildError(Exception):
    """A pattern built a trace that is wrong by construction (a bug, never retried)."""


def _apply(op: str, vals: list[Fraction]) -> Fraction:
    if op == "add":
        return sum(vals, Fraction(0))
    if op == "mul":
        out = Fraction(1)
        for v in vals:
            out *= v
        return out
    if op in ("sub", "div", "floordiv", "mod") and len(vals) != 2:
        raise BuildError(f"{op} takes two arguments")
    if op == "sub":
        return vals[0] - vals[1]
    if op in ("div", "floordiv", "mod"):
        if vals[1] == 0:
            raise Reject("division by zero")
        if op == "div":
            return vals[0] / vals[1]
        q = Fraction(vals[0].numerator * vals[1].denominator // (vals[0].denominator * vals[1].numerator))
        return q if op == "floordiv" else vals[0] - q * vals[1]
    if op == "min":
        return min(vals)
    if op == "max":
        return max(vals)
    if op in ("floor", "ceil", "round"):
        (v,) = vals
        fl = Fraction(v.numerator // v.denominator)
        if op == "floor":
            return fl
        if op == "ceil":
            return fl if fl == v else fl + 1
        return fl + 1 if v - fl >= Fraction(1, 2) else fl  # school rounding, as the solver does
    raise BuildError(f"unknown compute op {op!r}")


def _is_identity(op: str, vals: list[Fraction]) -> bool:
    """Steps the solver's anti-short-circuit rule treats as passing a value along.

    Such steps make degenerate problems (multiply by 1, subtract 0, ...), so patterns resample.
    """
    if op in ("add", "mul"):
        neutral = 0 if op == "add" else 1
        return sum(v != neutral for v in vals) <= 1
    if op in ("min", "max"):
        return all(v == vals[0] for v in vals)
    if op in ("floor", "ceil", "round"):
        return vals[0].denominator == 1
    if op == "sub":
        return vals[1] == 0
    if op == "div":
        return vals[1] == 1
    if op in ("floordiv", "mod") and vals[1] != 0:
        return _apply(op, vals) == vals[0]
    return False


class TraceBuilder:
    """One single-expert trace: steps as plain dicts plus the exact value of every name."""

    def __init__(self, expert: str):
        self.expert = expert
        self.steps: list[dict] = []
        self.env: dict[str, Fraction] = {}
        self._n_steps = 0
        self.answer: Fraction | None = None

    # -- helpers -------------------------------------------------------------------------
    def _new(self, var: str) -> None:
        if not _NAME.match(var):
            raise BuildError(f"bad variable name {var!r}")
        if var in self.env:
            raise BuildError(f"variable {var!r} assigned twice")

    def _val(self, x: str | Num) -> Fraction:
        if isinstance(x, str) and _NAME.match(x):
            if x not in self.env:
                raise BuildError(f"undefined variable {x!r}")
            return self.env[x]
        return as_fraction(x)

    @staticmethod
    def _arg(x: str | Num) -> str | int:
        return x if isinstance(x, str) and _NAME.match(x) else trace_value(as_fraction(x))

    def value(self, var: str) -> Fraction:
        return self.env[var]

    # -- steps ---------------------------------------------------------------------------
    def init(self, var: str, value: Num) -> str:
        self._new(var)
        v = as_fraction(value)
        self.steps.append({"op": "init", "var": var, "value": trace_value(v)})
        self.env[var] = v
        return var

    def source(self, var: str, ref: str, value: Fraction) -> str:
        """`init` from an earlier sub-trace's result (`prev.result`, `sub1.result`)."""
        self._new(var)
        self.steps.append({"op": "init", "var": var, "source": ref})
        self.env[var] = value
        return var

    def compute(self, op: str, args: list[str | Num], var: str | None = None) -> str:
        """A compute step; without `var` it gets the next scaffolding name stepN."""
        if var is None:
            self._n_steps += 1
            var = f"step{self._n_steps}"
        self._new(var)
        vals = [self._val(a) for a in args]
        if _is_identity(op, vals):
            raise Reject(f"{op} {vals} would only pass a value along")
        self.steps.append({"op": "compute", "compute_op": op, "args": [self._arg(a) for a in args], "var": var})
        self.env[var] = _apply(op, vals)
        return var

    def percent(self, kind: str, base: str | Num, rate: str | Num, var: str | None = None) -> str:
        """percent_of / percent_off / percent_increase."""
        if var is None:
            self._n_steps += 1
            var = f"step{self._n_steps}"
        self._new(var)
        b, r = self._val(base), self._val(rate)
        if r == 0 or (kind == "percent_of" and (b == 100 or r == 100)):
            raise Reject(f"{kind} of {b} at {r}% would only pass a value along")
        factor = {"percent_of": r / 100, "percent_off": 1 - r / 100, "percent_increase": 1 + r / 100}[kind]
        self.steps.append({"op": kind, "base": self._arg(base), "rate": self._arg(rate), "var": var})
        self.env[var] = b * factor
        return var

    def transfer(self, src: str, dst: str, amount: str | Num) -> None:
        a = self._val(amount)
        if a <= 0 or self._val(src) < a:
            raise Reject("transfer would go negative or be empty")
        self.steps.append({"op": "transfer", "from": src, "to": dst, "amount": self._arg(amount)})
        self.env[src] -= a
        self.env[dst] += a

    def consume(self, var: str, amount: str | Num) -> None:
        a = self._val(amount)
        if a <= 0 or self._val(var) < a:
            raise Reject("consume would go negative or be empty")
        self.steps.append({"op": "consume", "var": var, "amount": self._arg(amount)})
        self.env[var] -= a

    def add_entity(self, var: str, amount: str | Num) -> None:
        a = self._val(amount)
        if a <= 0:
            raise Reject("add_entity needs a positive amount")
        self.steps.append({"op": "add_entity", "var": var, "amount": self._arg(amount)})
        self.env[var] += a

    def query(self, var: str) -> Fraction:
        self.steps.append({"op": "query", "var": var})
        self.answer = self.env[var]
        return self.answer

    def finish(self, op: str, args: list[str | Num]) -> Fraction:
        """The usual ending: compute `result`, then query it."""
        return self.query(self.compute(op, args, var="result"))

    def data(self) -> dict:
        if self.answer is None:
            raise BuildError("trace has no query")
        return {"expert": self.expert, "trace": self.steps}


class Composition:
    """A composed trace: sub-traces run in order, later ones read earlier results."""

    def __init__(self) -> None:
        self.parts: list[TraceBuilder] = []

    def sub(self, expert: str) -> TraceBuilder:
        if self.parts and self.parts[-1].answer is None:
            raise BuildError("previous sub-trace has no query")
        t = TraceBuilder(expert)
        self.parts.append(t)
        return t

    def result(self, k: int) -> Fraction:
        """Result of sub-trace k (1-based)."""
        ans = self.parts[k - 1].answer
        if ans is None:
            raise BuildError(f"sub-trace {k} has no result yet")
        return ans

    def link(self, t: TraceBuilder, k: int | None = None, var: str | None = None) -> str:
        """Init in `t` from an earlier result: `prev` <- prev.result, or `subK` <- subK.result."""
        idx = self.parts.index(t)
        if idx == 0:
            raise BuildError("the first sub-trace has nothing to read from")
        if k is None:
            return t.source(var or "prev", "prev.result", self.result(idx))
        if not 1 <= k <= idx:
            raise BuildError(f"sub-trace {idx + 1} cannot read sub{k}.result")
        return t.source(var or f"sub{k}", f"sub{k}.result", self.result(k))

    @property
    def answer(self) -> Fraction | None:
        return self.parts[-1].answer if self.parts else None

    def data(self) -> list[dict]:
        return [p.data() for p in self.parts]
