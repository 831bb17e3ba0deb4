"""Trace shapes that several patterns share.

`chain` is the common left-to-right shape: start from a quantity, then combine the running
value with one operand per step, the last step being `result` (then queried). An operand
written as (name, value) is initialised right where it is used, so a chain of such operands
interleaves inits and computes the way the question introduces its numbers.
"""

from __future__ import annotations

from fractions import Fraction

from ..builder import Composition, Num, TraceBuilder

Operand = tuple[str, Num] | str | int | Fraction  # (name, value) to init here | a defined name | a literal


def _operand(tr: TraceBuilder, x: Operand) -> str | Num:
    return tr.init(*x) if isinstance(x, tuple) else x


def inits(tr: TraceBuilder, *pairs: tuple[str, Num]) -> list[str]:
    """Init each (name, value) in order: how a trace that reads every quantity first opens."""
    return [tr.init(name, value) for name, value in pairs]


def chain(tr: TraceBuilder, start: Operand, *links: tuple[str, Operand]) -> Fraction:
    """start, then `op operand` per link (steps step1, step2, ..., result); queries the result."""
    acc = _operand(tr, start)
    for op, x in links[:-1]:
        acc = tr.compute(op, [acc, _operand(tr, x)])
    op, x = links[-1]
    return tr.finish(op, [acc, _operand(tr, x)])


def percent_result(tr: TraceBuilder, op: str, base: Operand, rate_name: str, rate: Fraction) -> Fraction:
    """The base, then the rate, then the percent op as `result`, queried."""
    base = _operand(tr, base)
    return tr.query(tr.percent(op, base, tr.init(rate_name, rate), var="result"))


def gain_then_loss(tr: TraceBuilder, holder: str, start: Num, gain: Operand, loss: tuple[str, Num]) -> Fraction:
    """A holder starts with `start`, gets `gain` (add_entity), then loses `loss` (consume); queried."""
    tr.init(holder, start)
    tr.add_entity(holder, _operand(tr, gain))
    tr.consume(holder, _operand(tr, loss))
    return tr.query(holder)


def after(c: Composition, expert: str) -> TraceBuilder:
    """The next sub-trace of `c`, starting from the previous one's result as `prev`."""
    t = c.sub(expert)
    c.link(t)
    return t
