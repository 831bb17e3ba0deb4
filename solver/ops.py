"""Exact arithmetic for compute and percent steps, with limits and identity detection.

Each function returns ``(result, passthrough)``. ``passthrough`` is the index of the operand the
result merely passes along, judged by the combined effect of the other operands (``add [x, 0]``,
``add [x, 1, -1]``, ``mul [x, 2, 1/2]``, ``floor`` of an integer, ...), or None when the step
really computed something. The executor lets such a result keep that operand's provenance.
"""

from __future__ import annotations

import math
from fractions import Fraction

from .limits import MAX_ABS, MAX_DENOMINATOR, MAX_EXPONENT
from .numbers import Number, format_number, normalize
from .schema import TraceError

Result = tuple[Number, int | None]


def check(value: Number) -> Number:
    """Keep every value within the magnitude limits; return it normalized."""
    if type(value) is int:
        if -MAX_ABS <= value <= MAX_ABS:
            return value
        raise TraceError(f"value exceeds the magnitude limit ({_sci(value)}; limit 1e18)")
    value = normalize(value)
    if type(value) is int:
        return check(value)
    if value.denominator > MAX_DENOMINATOR:
        raise TraceError(f"value {_sci(value)} needs a denominator over 1e12")
    if abs(value) > MAX_ABS:
        raise TraceError(f"value exceeds the magnitude limit ({_sci(value)}; limit 1e18)")
    return value


def _sci(value: Number) -> str:
    try:
        return f"{float(value):.4g}"
    except OverflowError:
        return "a number with over 300 digits"


def _is_int(value: Number) -> bool:
    return type(value) is int


def _summand_passed(values: list[Number]) -> int | None:
    """Index of an operand the sum merely passes along: the others sum to 0 (``add [x, 1, -1]``)."""
    total = sum(values)
    return next((i for i, v in enumerate(values) if v == total), None)


def _factor_passed(values: list[Number]) -> int | None:
    """Index of an operand the product merely passes along: the others multiply to 1
    (``mul [x, 2, 1/2]``)."""
    product = math.prod(values)
    zeros = [i for i, v in enumerate(values) if v == 0]
    if not zeros:
        return next((i for i, v in enumerate(values) if v == product), None)
    if len(zeros) == 1:  # 0 passes along only when the others multiply to 1
        i = zeros[0]
        return i if math.prod(values[:i] + values[i + 1:]) == 1 else None
    return None


def _div(a: Number, b: Number) -> Number:
    if b == 0:
        raise TraceError("division by zero")
    if _is_int(a) and _is_int(b) and a % b == 0:
        return a // b
    return Fraction(a) / b


def _round_half_up(value: Number) -> int:
    """School rounding: halves go away from zero (Python's round() goes to even)."""
    if _is_int(value):
        return value
    floor = math.floor(value)
    frac = value - floor
    if frac > Fraction(1, 2) or (frac == Fraction(1, 2) and value > 0):
        return floor + 1
    return floor


def _pow(base: Number, exp: Number) -> Number:
    if not _is_int(exp):
        raise TraceError(f"pow exponent must be a whole number, got {format_number(Fraction(exp))}")
    if abs(exp) > MAX_EXPONENT:
        raise TraceError(f"pow exponent {exp} is over the limit {MAX_EXPONENT}")
    if base == 0 and exp < 0:
        raise TraceError("division by zero (0 to a negative power)")
    result = Fraction(base) ** exp
    return normalize(result)


def compute(cop: str, values: list[Number]) -> Result:
    """Apply compute op `cop` to operand values (arity already checked by the schema)."""
    if cop == "add":
        return sum(values), _summand_passed(values)
    if cop == "mul":
        return math.prod(values), _factor_passed(values)
    if cop in ("min", "max"):
        # The result is one of the operands: it passes that operand along (so `max [x, 2]` cannot
        # turn a given number into a computed one).
        result = min(values) if cop == "min" else max(values)
        return result, values.index(result)
    if cop in ("floor", "ceil", "round"):
        (a,) = values
        result = math.floor(a) if cop == "floor" else (math.ceil(a) if cop == "ceil" else _round_half_up(a))
        return result, 0 if _is_int(a) else None
    a, b = values
    if cop == "sub":
        return a - b, 0 if b == 0 else None
    if cop == "div":
        return _div(a, b), 0 if b == 1 else None
    if cop == "floordiv":
        if b == 0:
            raise TraceError("division by zero")
        result = a // b
        return result, 0 if result == a else None
    if cop == "mod":
        if b == 0:
            raise TraceError("modulo by zero")
        result = a % b
        return result, 0 if result == a else None
    if cop == "pow":
        result = _pow(a, b)
        return result, 0 if result == a else None
    raise TraceError(f"unknown compute_op {cop!r}")


def percent(op: str, base: Number, rate: Number) -> Result:
    """percent_of: base*rate/100; percent_off: base*(1-rate/100); percent_increase: base*(1+rate/100)."""
    if op == "percent_of":
        result = _div(base * rate, 100)
        if rate == 100:
            return result, 0
        return result, 1 if base == 100 else None
    if op == "percent_off":
        return _div(base * (100 - rate), 100), 0 if rate == 0 else None
    if op == "percent_increase":
        return _div(base * (100 + rate), 100), 0 if rate == 0 else None
    raise TraceError(f"unknown percent op {op!r}")
