"""Canonical trace text: one flow-style line per step, fixed key order per op.

``format_trace`` accepts a Trace or plain data (dict / list in the documented shape, numbers as
int, Fraction or numeric strings) and raises ValueError on anything malformed. Its output parses
back (``parse_trace``) to an equal Trace, and formatting that Trace gives the same text again.
"""

from __future__ import annotations

from fractions import Fraction

from .numbers import format_number
from .schema import Operand, Step, SubTrace, Trace, build_trace


def _operand(value: Operand) -> str:
    return value if isinstance(value, str) else format_number(Fraction(value))


def format_step(step: Step) -> str:
    op = step.op
    if op == "init":
        if step.value is not None:
            tail = f"value: {format_number(Fraction(step.value))}"
        elif step.ref is not None:
            tail = f"ref: {step.ref}"
        else:
            tail = f"source: {step.source}"
        return f"{{op: init, var: {step.var}, {tail}}}"
    if op == "compute":
        args = ", ".join(_operand(a) for a in step.args)
        return f"{{op: compute, compute_op: {step.compute_op}, args: [{args}], var: {step.var}}}"
    if op == "query":
        return f"{{op: query, var: {step.var}}}"
    if op.startswith("percent_"):
        return f"{{op: {op}, base: {_operand(step.base)}, rate: {_operand(step.rate)}, var: {step.var}}}"  # type: ignore[arg-type]
    if op == "transfer":
        return f"{{op: transfer, from: {step.giver}, to: {step.taker}, amount: {_operand(step.amount)}}}"  # type: ignore[arg-type]
    return f"{{op: {op}, var: {step.var}, amount: {_operand(step.amount)}}}"  # type: ignore[arg-type]


def _sub_lines(sub: SubTrace, indent: str) -> list[str]:
    return [f"{indent}- {format_step(step)}" for step in sub.steps]


def format_trace(data: Trace | dict | list) -> str:
    """Canonical text of a trace (no trailing newline)."""
    trace = data if isinstance(data, Trace) else build_trace(data)
    if trace.error is not None:
        raise ValueError(f"cannot format a malformed trace: {trace.error}")
    if not trace.composed:
        sub = trace.subtraces[0]
        return "\n".join([f"expert: {sub.expert}", "trace:", *_sub_lines(sub, "")])
    lines: list[str] = []
    for sub in trace.subtraces:
        lines += [f"- expert: {sub.expert}", "  trace:", *_sub_lines(sub, "  ")]
    return "\n".join(lines)
