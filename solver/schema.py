"""Trace data structures and the conversion from loaded YAML (or plain Python data) to a Trace.

The loader hands over plain strings for every scalar (no YAML 1.1 implicit typing), so this module
decides what is a number and what is a name. Conversion never raises: a malformed trace becomes a
``Trace`` whose ``error`` says what is wrong and where.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

from .experts import COMPOSITION, COMPUTE_ARITY, EXPERTS, STEP_OPS
from .limits import MAX_ARGS, MAX_NAME_CHARS, MAX_STEPS, MAX_SUBTRACES
from .numbers import Number, normalize, parse_value

NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
SOURCE_RE = re.compile(r"prev\.result|sub([1-9][0-9]{0,2})\.result")

Operand = str | int | Fraction  # a variable name, or an exact literal

# Allowed fields of each step op, in canonical order ("op" first, always).
FIELDS: dict[str, tuple[str, ...]] = {
    "init": ("var", "value", "source", "from", "ref"),  # from: alias of source
    "compute": ("compute_op", "args", "var"),
    "query": ("var",),
    "percent_of": ("base", "rate", "var"),
    "percent_off": ("base", "rate", "var"),
    "percent_increase": ("base", "rate", "var"),
    "transfer": ("from", "to", "amount"),
    "consume": ("var", "amount"),
    "add_entity": ("var", "amount"),
}
# init takes exactly one of value / source / from / ref (checked in _init); every other field is required.
REQUIRED: dict[str, frozenset[str]] = {
    op: frozenset(f for f in fields if op != "init" or f == "var") for op, fields in FIELDS.items()
}
ALLOWED: dict[str, frozenset[str]] = {op: frozenset(("op", *fields)) for op, fields in FIELDS.items()}


class TraceError(Exception):
    """A trace is malformed or cannot run; the message is meant for the model to read."""


class Step(NamedTuple):
    """One step. A NamedTuple rather than a dataclass: immutable and several times faster to build."""

    op: str
    var: str | None = None
    value: Number | None = None  # init value
    source: str | None = None  # init source: "prev.result" or "subN.result"
    ref: int | None = None  # init ref: 1-based quantity index
    compute_op: str | None = None
    args: tuple[Operand, ...] = ()
    base: Operand | None = None
    rate: Operand | None = None
    amount: Operand | None = None
    giver: str | None = None  # transfer `from`
    taker: str | None = None  # transfer `to`


@dataclass(frozen=True)
class SubTrace:
    expert: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Trace:
    """A parsed trace attempt. ``error`` is set when the attempt is malformed (then ``subtraces``
    holds only what was read before the problem)."""

    expert: str | None  # "composition" for a composed trace; None when unreadable
    composed: bool
    subtraces: tuple[SubTrace, ...]
    error: str | None = None
    step: int | None = None  # 0-based step of the error within its sub-trace
    subtrace: int | None = None  # 0-based sub-trace of the error (composed traces)
    readable: bool = True  # False when the document could not be read at all (too long, aliases, ...)

    @property
    def ok(self) -> bool:
        return self.error is None


_name_match = NAME_RE.fullmatch


def _name(value: object, what: str) -> str:
    if type(value) is str and len(value) <= MAX_NAME_CHARS and _name_match(value):
        return value
    if not isinstance(value, str):
        raise TraceError(f"{what} must be a variable name, got {_show(value)}")
    raise TraceError(f"{what} {_show(value)} is not a valid name (letters, digits, _ and ., not starting with a digit)")


def _number(value: object, what: str) -> Number:
    kind = type(value)
    if kind is str:
        try:
            return parse_value(value)  # type: ignore[arg-type]
        except ValueError as err:
            raise TraceError(f"{what} must be a number: {err}") from None
    if kind is int:
        return value  # type: ignore[return-value]
    if kind is Fraction:
        return normalize(value)  # type: ignore[arg-type]
    if kind is float:
        from .numbers import parse_number

        try:
            return normalize(parse_number(value))
        except ValueError as err:
            raise TraceError(f"{what}: {err}") from None
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise TraceError(f"{what} must be a number, got {_show(value)}")


def _operand(value: object, what: str) -> Operand:
    if type(value) is str:
        if len(value) <= MAX_NAME_CHARS and _name_match(value):
            return value
        try:
            return parse_value(value)
        except ValueError:
            raise TraceError(f"{what} {_show(value)} is neither a variable name nor a number") from None
    return _number(value, what)


def _show(value: object) -> str:
    text = repr(value) if isinstance(value, str) else ("a list" if isinstance(value, list) else (
        "a mapping" if isinstance(value, dict) else ("nothing" if value is None else repr(value))))
    return text if len(text) <= 40 else text[:37] + "..."


def _step(raw: object, ops: frozenset[str], compute_ops: frozenset[str], expert: str) -> Step:
    if type(raw) is not dict:
        raise TraceError(f"a step must be a mapping like {{op: init, var: x, value: 5}}, got {_show(raw)}")
    op = raw.get("op")
    if type(op) is not str or op not in STEP_OPS:
        raise TraceError(f"unknown op {_show(op)}; ops are {', '.join(sorted(STEP_OPS))}")
    if op not in ops:
        raise TraceError(f"op {op!r} is not in the {expert} expert's vocabulary ({', '.join(sorted(ops))})")
    keys = raw.keys()
    if not keys <= ALLOWED[op]:
        unknown = next(k for k in raw if k not in ALLOWED[op])
        extra = " (init takes exactly one of value, source, ref)" if op == "init" else ""
        raise TraceError(f"{op} step has unknown field {_show(unknown)}; fields are {', '.join(FIELDS[op])}{extra}")
    if not REQUIRED[op] <= keys:
        missing = [f for f in FIELDS[op] if f in REQUIRED[op] and f not in raw]
        raise TraceError(f"{op} step is missing {', '.join(missing)}")
    if op == "init":
        return _init(raw)
    if op == "compute":
        return _compute(raw, compute_ops, expert)
    if op == "query":
        return Step(op, var=_name(raw["var"], "query var"))
    if op in _PERCENT_OPS:
        return Step(op, var=_name(raw["var"], "var"), base=_operand(raw["base"], "base"),
                    rate=_operand(raw["rate"], "rate"))
    if op == "transfer":
        return Step(op, giver=_name(raw["from"], "transfer from"), taker=_name(raw["to"], "transfer to"),
                    amount=_operand(raw["amount"], "amount"))
    return Step(op, var=_name(raw["var"], "var"), amount=_operand(raw["amount"], "amount"))


_PERCENT_OPS = frozenset({"percent_of", "percent_off", "percent_increase"})
_INIT_SOURCES = ("value", "source", "from", "ref")


def _init(raw: dict) -> Step:
    var = _name(raw["var"], "init var")
    if len(raw) != 3:  # op, var and exactly one of value / source / from / ref
        given = [k for k in _INIT_SOURCES if k in raw]
        raise TraceError(f"init {var!r} needs exactly one of value, source, ref (got {', '.join(given) or 'none'})")
    if "value" in raw:
        return Step("init", var=var, value=_number(raw["value"], "init value"))
    if "ref" in raw:
        ref = raw["ref"]
        try:
            index = _number(ref, "init ref")
        except TraceError:
            index = None
        if type(index) is not int or index < 1:
            raise TraceError(f"init {var!r} ref must be a quantity number 1, 2, 3, ..., got {_show(ref)}")
        return Step("init", var=var, ref=index)
    key = "source" if "source" in raw else "from"
    source = raw[key]
    if not isinstance(source, str) or SOURCE_RE.fullmatch(source.strip()) is None:
        raise TraceError(f"init {var!r} {key} must be prev.result or subN.result, got {_show(source)}")
    return Step("init", var=var, source=source.strip())


def _compute(raw: dict, compute_ops: frozenset[str], expert: str) -> Step:
    cop = raw["compute_op"]
    var = _name(raw["var"], "compute var")
    if type(cop) is not str or cop not in COMPUTE_ARITY:
        raise TraceError(f"unknown compute_op {_show(cop)}; compute ops are {', '.join(sorted(COMPUTE_ARITY))}")
    if cop not in compute_ops:
        raise TraceError(f"compute_op {cop!r} is not in the {expert} expert's vocabulary ({', '.join(sorted(compute_ops))})")
    args = raw["args"]
    if type(args) is not list:
        args = [args] if isinstance(args, (str, int, Fraction)) and not isinstance(args, bool) else None
    if args is None:
        raise TraceError(f"compute {var!r} args must be a list like [a, b], got {_show(raw['args'])}")
    low, high = COMPUTE_ARITY[cop]
    if not low <= len(args) <= min(high, MAX_ARGS):
        want = f"exactly {low}" if low == high else f"{low} to {MAX_ARGS}"
        raise TraceError(f"compute {cop} takes {want} args, got {len(args)}")
    return Step("compute", var=var, compute_op=cop, args=tuple([_operand(a, "arg") for a in args]))


def _subtrace(raw: dict) -> tuple[SubTrace, TraceError | None, int | None]:
    """Build one sub-trace; returns what was read, plus the error and its step if malformed."""
    expert = raw.get("expert")
    for key in raw:
        if key not in ("expert", "trace"):
            return SubTrace("", ()), TraceError(f"unknown top-level key {_show(key)}; a trace has expert and trace"), None
    if "expert" not in raw:
        return SubTrace("", ()), TraceError("missing expert"), None
    if not isinstance(expert, str) or expert not in EXPERTS:
        hint = " (composition is the label of a composed trace: a list of sub-traces)" if expert == COMPOSITION else ""
        return SubTrace("", ()), TraceError(f"unknown expert {_show(expert)}; experts are {', '.join(EXPERTS)}{hint}"), None
    spec = EXPERTS[expert]
    steps_raw = raw.get("trace")
    if "trace" not in raw:
        return SubTrace(expert, ()), TraceError("missing trace (the list of steps)"), None
    if not isinstance(steps_raw, list):
        return SubTrace(expert, ()), TraceError(f"trace must be a list of steps, got {_show(steps_raw)}"), None
    if not steps_raw:
        return SubTrace(expert, ()), TraceError("trace is empty"), None
    if len(steps_raw) > MAX_STEPS:
        return SubTrace(expert, ()), TraceError(f"too many steps ({len(steps_raw)}, limit {MAX_STEPS})"), None
    steps: list[Step] = []
    for i, raw_step in enumerate(steps_raw):
        try:
            step = _step(raw_step, spec.step_ops, spec.compute_ops, expert)
        except TraceError as err:
            return SubTrace(expert, tuple(steps)), err, i
        if step.op == "query" and i != len(steps_raw) - 1:
            return SubTrace(expert, tuple(steps)), TraceError("query must be the last step"), i
        steps.append(step)
    if steps[-1].op != "query":
        return SubTrace(expert, tuple(steps)), TraceError("trace has no query step (end with {op: query, var: NAME})"), None
    return SubTrace(expert, tuple(steps)), None, None


def is_attempt(data: object) -> bool:
    """Loaded YAML counts as a trace attempt if it is (a list holding) a mapping with expert or trace."""
    if isinstance(data, dict):
        return "expert" in data or "trace" in data
    if isinstance(data, list):
        return any(isinstance(item, dict) and ("expert" in item or "trace" in item) for item in data)
    return False


def where(step: int | None, subtrace: int | None, op: str | None = None) -> str:
    """Human location prefix for messages (1-based, unlike the 0-based fields)."""
    parts = []
    if subtrace is not None:
        parts.append(f"sub-trace {subtrace + 1}")
    if step is not None:
        parts.append(f"step {step + 1}" + (f" ({op})" if op else ""))
    return ", ".join(parts) + ": " if parts else ""


def build_trace(data: object) -> Trace:
    """Convert loaded data to a Trace; malformed data gives a Trace with ``error`` set."""
    if isinstance(data, dict):
        sub, err, step = _subtrace(data)
        expert = data.get("expert") if isinstance(data.get("expert"), str) else None
        if err is not None:
            return Trace(expert, False, (sub,) if sub.steps else (), where(step, None) + str(err), step, None)
        return _bounded(Trace(expert, False, (sub,)))
    if isinstance(data, list):
        if len(data) > MAX_SUBTRACES:
            return Trace(COMPOSITION, True, (), f"too many sub-traces ({len(data)}, limit {MAX_SUBTRACES})")
        subs: list[SubTrace] = []
        for k, item in enumerate(data):
            if not isinstance(item, dict):
                return Trace(COMPOSITION, True, tuple(subs), f"sub-trace {k + 1}: must be a mapping with expert and trace", None, k)
            sub, err, step = _subtrace(item)
            if err is not None:
                return Trace(COMPOSITION, True, tuple(subs), where(step, k) + str(err), step, k)
            subs.append(sub)
        if not subs:
            return Trace(COMPOSITION, True, (), "composed trace is empty")
        return _bounded(Trace(COMPOSITION, True, tuple(subs)))
    return Trace(None, False, (), f"a trace must be a mapping with expert and trace, got {_show(data)}")


def _bounded(trace: Trace) -> Trace:
    total = sum(len(s.steps) for s in trace.subtraces)
    if total > MAX_STEPS:
        return Trace(trace.expert, trace.composed, (), f"too many steps ({total}, limit {MAX_STEPS})")
    return trace
